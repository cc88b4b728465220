"""Navigation and the signed-in user's agency for the layout."""

from django.urls import NoReverseMatch, reverse

from common.permissions import has_permission

from .access import agency_of

NAV = (
    ("My work", "home", None),
    ("Cases", "casework:case_list", "casework.view_case"),
    ("Enforcement", "enforcement:index", "enforcement.view_fixedpenaltynotice"),
    ("CS MARAC", "marac:index", "marac.view_meeting"),
    ("Community Trigger", "triggers:index", "triggers.view_application"),
    ("Performance", "reports:dashboard", "reports.view_dashboard"),
    ("Audit", "audit:index", "audit.view_accesslog"),
    ("Information governance", "governance:index", "governance.view_subjectaccessrequest"),
)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_nav": [], "current_agency": None}
    items = []
    path = request.path
    for label, url_name, perm in NAV:
        if perm and not has_permission(user, perm):
            continue
        try:
            href = reverse(url_name)
        except NoReverseMatch:  # the app has no screens yet
            continue
        active = path == href if href == "/" else path.startswith(href)
        items.append({"label": label, "href": href, "active": active})
    return {"service_nav": items, "current_agency": agency_of(user)}

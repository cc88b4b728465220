"""Navigation, the account links and the signed-in user's agency for the layout."""

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

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


# The header's account links (layout/base.html), by the name the layout reads them.
ACCOUNT_LINKS = (
    ("notifications", "notifications:list"),
    ("password_change", "password_change"),
    ("api_tokens", "api_tokens:index"),
    ("two_factor", "two_factor"),
    ("logout", "logout"),
)

_HREFS: dict[tuple, tuple[tuple[str | None, ...], dict[str, str]]] = {}


def _hrefs() -> tuple[tuple[str | None, ...], dict[str, str]]:
    """Each NAV entry's address (None: the app has no screens yet) and the account links, reversed once per URL
    configuration and script prefix rather than on every page: the same for every user, no permission in them."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    hrefs = _HREFS.get(key)
    if hrefs is None:
        found: list[str | None] = []
        for _label, url_name, _perm in NAV:
            try:
                found.append(reverse(url_name))
            except NoReverseMatch:
                found.append(None)
        links = {name: reverse(url_name) for name, url_name in ACCOUNT_LINKS}
        hrefs = _HREFS[key] = (tuple(found), links)
    return hrefs


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"service_nav": [], "current_agency": None}
    items = []
    path = request.path
    nav_hrefs, account_links = _hrefs()
    for (label, _url_name, perm), href in zip(NAV, nav_hrefs, strict=True):
        if perm and not has_permission(user, perm):
            continue
        if href is None:  # the app has no screens yet
            continue
        active = path == href if href == "/" else path.startswith(href)
        items.append({"label": label, "href": href, "active": active})
    return {"service_nav": items, "current_agency": agency_of(user), "account_links": account_links}

"""The enforcement overview and the registers (lists) of each kind of record."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessAction
from audit.services import log_access
from casework import access

from .. import filters, presenters, selectors
from ..config import limit
from .shared import PAGE_SIZE, _need_perm, _sections

# --- Overview -------------------------------------------------------------------------------------------

SCOPES = {"all": "Everything you can see", "mine": "Mine", "agency": "My agency's"}


def index(request):
    _need_perm(request, "view_fixedpenaltynotice")
    scope = request.GET.get("scope", "all")
    scope = scope if scope in SCOPES else "all"
    items = selectors.deadlines(user=request.user, scope=scope)
    prosecution = list(selectors.fpns_for_prosecution(user=request.user)[:50])
    return render(
        request,
        "enforcement/index.html",
        {
            "sections": _sections("Overview"),
            "deadlines": items,
            "overdue": [i for i in items if i.overdue],
            "due_soon": [i for i in items if not i.overdue],
            "prosecution": prosecution,
            "scope": scope,
            "scopes": [{"key": k, "label": v, "href": f"?scope={k}", "active": k == scope} for k, v in SCOPES.items()],
            "due_soon_days": limit("DUE_SOON_DAYS"),
            "now": timezone.now(),
        },
    )


# --- Registers ------------------------------------------------------------------------------------------


def _listing(request, *, object_type, queryset, filter_class, section, title, columns, row, count_rows=True, **extra):
    """Filter, page and log a register (the court-order registers have never logged the rows shown)."""
    register_filter = filter_class(request.GET or None, queryset=queryset)
    page = Paginator(register_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    details = {"filters": register_filter.applied(), "page": page.number}
    if count_rows:
        details["rows_shown"] = len(page.object_list)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.LIST,
        object_type=object_type,
        details=details,
        path=request.path,
    )
    return render(
        request,
        "enforcement/register.html",
        {
            "title": title,
            "columns": columns,
            "rows": [row(record, today) for record in page.object_list],
            "filter": register_filter,
            "page_obj": page,
            "sections": _sections(section),
            **extra,
        },
    )


def _register(object_type: str, codename: str, records, filter_class, section: str, *, new=None, **shown):
    """A register's screen: `records(user)` what the user may see; `new(request)`, when given, the link to add one
    (a url and a label; no url when the user may not); `shown` its title, columns and row (and `count_rows`)."""

    def view(request):
        _need_perm(request, codename)
        link = dict(zip(("new_url", "new_label"), new(request), strict=True)) if new else {}
        return _listing(
            request,
            object_type=object_type,
            queryset=records(request.user),
            filter_class=filter_class,
            section=section,
            **shown,
            **link,
        )

    return view


def _notice_register(key: str, codename: str, records, filter_class, section: str, new=None):
    """The registers of notices and PSPOs: their title, columns and row from presenters.REGISTERS."""
    title, columns, row = presenters.REGISTERS[key]
    link = new or (lambda request: ("", ""))
    return _register(key, codename, records, filter_class, section, new=link, title=title, columns=columns, row=row)


def _new_fpn(request) -> tuple[str, str]:
    can_issue = access.has_permission(request.user, "enforcement.add_fixedpenaltynotice") and access.agency_of(
        request.user
    )
    return reverse("enforcement:fpn_create") if can_issue else "", "Issue a fixed penalty on the street"


def _new_pspo(request) -> tuple[str, str]:
    can_make = access.has_permission(request.user, "enforcement.add_publicspacesprotectionorder")
    return reverse("enforcement:pspo_create") if can_make else "", "Record a PSPO"


# key: (view permission, what the user may see, filter, section, link to add one)
_REGISTER_VIEWS = {
    "warnings": (
        "view_communityprotectionwarning",
        selectors.warnings_for,
        filters.WarningFilter,
        "Written warnings",
        None,
    ),
    "cpns": ("view_communityprotectionnotice", selectors.cpns_for, filters.CPNFilter, "CPNs", None),
    "fpns": ("view_fixedpenaltynotice", selectors.fpns_for, filters.FPNFilter, "Fixed penalties", _new_fpn),
    "closures": ("view_closurenotice", selectors.closure_notices_for, filters.ClosureFilter, "Closures", None),
    "pspos": ("view_publicspacesprotectionorder", selectors.pspos_for, filters.PSPOFilter, "PSPOs", _new_pspo),
}
warning_list, cpn_list, fpn_list, closure_list, pspo_list = (
    _notice_register(key, *row) for key, row in _REGISTER_VIEWS.items()
)


def _court_order_list(kind: str, codename: str, label: str, url_name: str, records, filter_class, section, title):
    """A register of CBOs or injunctions."""
    return _register(
        kind,
        codename,
        records,
        filter_class,
        section,
        title=title,
        columns=["Subject", "Case", "Made", "Last day", "Next review"],
        row=lambda order, today: presenters.court_order_register_row(order, today, url_name=url_name, label=label),
        count_rows=False,
    )


cbo_list = _court_order_list(
    "cbo",
    "view_criminalbehaviourorder",
    "CBO",
    "enforcement:cbo_detail",
    selectors.cbos_for,
    filters.CBOFilter,
    "CBOs",
    "Criminal Behaviour Orders",
)
injunction_list = _court_order_list(
    "injunction",
    "view_civilinjunction",
    "Injunction",
    "enforcement:injunction_detail",
    selectors.injunctions_for,
    filters.InjunctionFilter,
    "Injunctions",
    "Civil injunctions",
)

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


def _register(request, *, key: str, queryset, filter_class, section: str, new_url: str = "", new_label: str = ""):
    title, columns, row = presenters.REGISTERS[key]
    return _listing(
        request,
        object_type=key,
        queryset=queryset,
        filter_class=filter_class,
        section=section,
        title=title,
        columns=columns,
        row=row,
        new_url=new_url,
        new_label=new_label,
    )


def warning_list(request):
    _need_perm(request, "view_communityprotectionwarning")
    return _register(
        request,
        key="warnings",
        queryset=selectors.warnings_for(request.user),
        filter_class=filters.WarningFilter,
        section="Written warnings",
    )


def cpn_list(request):
    _need_perm(request, "view_communityprotectionnotice")
    return _register(
        request, key="cpns", queryset=selectors.cpns_for(request.user), filter_class=filters.CPNFilter, section="CPNs"
    )


def fpn_list(request):
    _need_perm(request, "view_fixedpenaltynotice")
    can_issue = access.has_permission(request.user, "enforcement.add_fixedpenaltynotice") and access.agency_of(
        request.user
    )
    return _register(
        request,
        key="fpns",
        queryset=selectors.fpns_for(request.user),
        filter_class=filters.FPNFilter,
        section="Fixed penalties",
        new_url=reverse("enforcement:fpn_create") if can_issue else "",
        new_label="Issue a fixed penalty on the street",
    )


def closure_list(request):
    _need_perm(request, "view_closurenotice")
    return _register(
        request,
        key="closures",
        queryset=selectors.closure_notices_for(request.user),
        filter_class=filters.ClosureFilter,
        section="Closures",
    )


def pspo_list(request):
    _need_perm(request, "view_publicspacesprotectionorder")
    can_make = access.has_permission(request.user, "enforcement.add_publicspacesprotectionorder")
    return _register(
        request,
        key="pspos",
        queryset=selectors.pspos_for(request.user),
        filter_class=filters.PSPOFilter,
        section="PSPOs",
        new_url=reverse("enforcement:pspo_create") if can_make else "",
        new_label="Record a PSPO",
    )


def _court_order_list(request, *, kind: str):
    label, url_name, queryset, filter_class, section, title = {
        "cbo": (
            "CBO",
            "enforcement:cbo_detail",
            selectors.cbos_for(request.user),
            filters.CBOFilter,
            "CBOs",
            "Criminal Behaviour Orders",
        ),
        "injunction": (
            "Injunction",
            "enforcement:injunction_detail",
            selectors.injunctions_for(request.user),
            filters.InjunctionFilter,
            "Injunctions",
            "Civil injunctions",
        ),
    }[kind]
    return _listing(
        request,
        object_type=kind,
        queryset=queryset,
        filter_class=filter_class,
        section=section,
        title=title,
        columns=["Subject", "Case", "Made", "Last day", "Next review"],
        row=lambda order, today: presenters.court_order_register_row(order, today, url_name=url_name, label=label),
        count_rows=False,
    )


def cbo_list(request):
    _need_perm(request, "view_criminalbehaviourorder")
    return _court_order_list(request, kind="cbo")


def injunction_list(request):
    _need_perm(request, "view_civilinjunction")
    return _court_order_list(request, kind="injunction")

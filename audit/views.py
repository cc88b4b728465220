"""Auditor screens: read-only, for holders of audit.view_accesslog (auditors / information governance) only.

Every screen an auditor opens is itself logged (object type "audit"), and so is every CSV export, so the
people who watch the logs are watched too. Activity is shown by case, person, user or agency, each with
tabs for access, disclosures and changes, filtered by date range and action.
"""

import csv
import json

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from common.csv_output import Echo, csv_safe
from common.permissions import permission_required

from . import selectors
from . import verification as verification_service
from .filters import AccessFilter, ChangeFilterForm, DisclosureFilter
from .forms import CaseSearchForm, PersonSearchForm, UserSearchForm
from .history import readable
from .models import AccessAction
from .objects import ObjectType
from .services import log_access

VIEW_PERMISSION = "audit.view_accesslog"
PAGE_SIZE = 50

# (tab label, tab key) per kind of subject; the URL name is "<kind>_<tab key>".
TABS = {
    "case": (("Who accessed it", "access"), ("Disclosures", "disclosures"), ("Changes", "changes")),
    "person": (
        ("Who accessed it", "access"),
        ("Changes", "changes"),
        ("Cases", "cases"),
        ("Disclosures", "disclosures"),
    ),
    "user": (("What they accessed", "access"), ("Disclosures they made", "disclosures")),
    "agency": (("What its staff accessed", "access"), ("Disclosures", "disclosures")),
}
KIND_LABEL = {"case": "Case", "person": "Person", "user": "User", "agency": "Agency"}
FINDERS = {
    "case": selectors.case_subject,
    "person": selectors.person_subject,
    "user": selectors.user_subject,
    "agency": selectors.agency_subject,
}


#: 403 for every signed-in user without the auditor permission (partners, officers, managers alike).
auditor_required = permission_required(VIEW_PERMISSION, "Only auditors can see the audit screens")


def _agency_name(user) -> str:
    try:
        return str(user.membership.agency)
    except (AttributeError, ObjectDoesNotExist):
        return ""


def _log_label(subject) -> str:
    """References only: a person is logged by record number, never by name (the label shows the name)."""
    if subject.kind == "person":
        return f"Person {subject.pk}"
    return f"{KIND_LABEL[subject.kind]} {subject.label}"


def _log(request, *, action: str, screen: str, subject=None, details: dict | None = None) -> None:
    log_access(
        user=request.user,
        agency=_agency_name(request.user),
        action=action,
        object_type=ObjectType.AUDIT,
        object_id=subject.key if subject else "",
        object_label=_log_label(subject) if subject else screen,
        case_id=subject.case_id if subject else None,
        person_id=subject.person_id if subject else None,
        details={
            "screen": screen,
            **({"anonymous_identity_shown": True} if subject is not None and subject.anonymous_identity else {}),
            **(details or {}),
        },
        path=request.path,
    )


def _wants_csv(request) -> bool:
    return request.GET.get("format") == "csv"


def _csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _iso(value) -> str:
    return value.isoformat() if value else ""


@require_GET
@auditor_required
def index(request):
    _log(request, action=AccessAction.VIEW, screen="index")
    return render(
        request,
        "audit/index.html",
        {
            "case_form": CaseSearchForm(),
            "person_form": PersonSearchForm(),
            "user_form": UserSearchForm(),
            "agencies": selectors.all_agencies(),
        },
    )


@require_GET
@auditor_required
def case_search(request):
    form = CaseSearchForm(request.GET or None)
    if form.is_valid():
        subject = selectors.case_subject(form.cleaned_data["reference"])
        if subject is not None:
            return redirect("audit:case_access", subject.key)
        form.add_error("reference", "No case has this reference: check it and try again")
    _log(request, action=AccessAction.LIST, screen="case_search", details={"filters": dict(request.GET.items())})
    return render(request, "audit/search.html", {"form": form, "kind": "case", "heading": "Activity by case"})


@require_GET
@auditor_required
def person_search(request):
    form = PersonSearchForm(request.GET or None)
    page = None
    if form.is_valid():
        page = Paginator(selectors.find_people(form.cleaned_data["q"]), PAGE_SIZE).get_page(request.GET.get("page"))
    _log(
        request,
        action=AccessAction.LIST,
        screen="person_search",
        details={"filters": {"q": request.GET.get("q", "")}, "rows_shown": len(page.object_list) if page else 0},
    )
    return render(
        request,
        "audit/search.html",
        {"form": form, "kind": "person", "heading": "Activity by person", "page_obj": page},
    )


@require_GET
@auditor_required
def user_search(request):
    form = UserSearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.find_users(text), PAGE_SIZE).get_page(request.GET.get("page"))
    _log(
        request,
        action=AccessAction.LIST,
        screen="user_search",
        details={"filters": {"q": text}, "rows_shown": len(page.object_list)},
    )
    return render(
        request, "audit/search.html", {"form": form, "kind": "user", "heading": "Activity by user", "page_obj": page}
    )


@require_GET
@auditor_required
def agency_list(request):
    agencies = list(selectors.all_agencies())
    _log(request, action=AccessAction.LIST, screen="agency_list", details={"rows_shown": len(agencies)})
    return render(request, "audit/search.html", {"kind": "agency", "heading": "Activity by agency", "rows": agencies})


@require_GET
@auditor_required
def subject_tab(request, kind: str, tab: str, key):
    """One tab (access, disclosures, changes, cases) of one subject (case, person, user, agency)."""
    subject = FINDERS[kind](key)
    if subject is None:
        raise Http404(f"No {kind} found")
    return TAB_VIEWS[tab](request, subject, tab)


def _context(request, subject, tab: str, **extra) -> dict:
    tabs = [
        {"label": label, "href": reverse(f"audit:{subject.kind}_{key}", args=[subject.key]), "active": key == tab}
        for label, key in TABS[subject.kind]
    ]
    tab_label = next(label for label, key in TABS[subject.kind] if key == tab)
    return {
        "subject": subject,
        "kind_label": KIND_LABEL[subject.kind],
        "tabs": tabs,
        "tab": tab,
        "tab_label": tab_label,
        "csv_url": f"{request.path}?{_with_format(request)}",
        **extra,
    }


def _with_format(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return query.urlencode()


def _screen(subject, tab: str) -> str:
    return f"{subject.kind}_{tab}"


def _read(request, subject, tab: str, *, filters: dict, page) -> None:
    _log(
        request,
        action=AccessAction.VIEW,
        screen=_screen(subject, tab),
        subject=subject,
        details={"filters": filters, "page": page.number, "rows_shown": len(page.object_list)},
    )


def _export(request, subject, tab: str, *, filters: dict, count: int) -> None:
    _log(
        request,
        action=AccessAction.EXPORT,
        screen=_screen(subject, tab),
        subject=subject,
        details={"filters": filters, "rows_exported": count, "format": "csv"},
    )


def _filename(subject, tab: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in str(subject.key))
    return f"audit-{subject.kind}-{safe}-{tab}.csv"


ACCESS_COLUMNS = [
    "When",
    "User",
    "Agency",
    "Action",
    "Object type",
    "Object id",
    "Object",
    "Case id",
    "Person id",
    "Details",
    "IP address",
    "Request id",
    "Path",
    "Hash",
]


def access_tab(request, subject, tab):
    access_filter = AccessFilter(request.GET or None, queryset=selectors.access_for(subject))
    rows = access_filter.qs
    if _wants_csv(request):
        _export(request, subject, tab, filters=access_filter.applied(), count=rows.count())
        data = (
            [
                _iso(r.at),
                r.username,
                r.agency,
                r.get_action_display(),
                r.object_type,
                r.object_id,
                r.object_label,
                r.case_id,
                r.person_id,
                json.dumps(r.details, sort_keys=True, default=str),
                r.ip_address,
                r.request_id,
                r.path,
                r.hash,
            ]
            for r in rows.iterator(chunk_size=2000)
        )
        return _csv_response(_filename(subject, tab), ACCESS_COLUMNS, data)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _read(request, subject, tab, filters=access_filter.applied(), page=page)
    context = _context(request, subject, tab, filter_form=access_filter.form, page_obj=page)
    return render(request, "audit/access.html", context)


DISCLOSURE_COLUMNS = [
    "When",
    "Kind",
    "By",
    "From agency",
    "To agency",
    "Object type",
    "Object id",
    "Object",
    "Case id",
    "Legal basis",
    "Purpose",
    "Details",
    "Hash",
]


def disclosures_tab(request, subject, tab):
    disclosure_filter = DisclosureFilter(request.GET or None, queryset=selectors.disclosures_for(subject))
    rows = disclosure_filter.qs
    if _wants_csv(request):
        _export(request, subject, tab, filters=disclosure_filter.applied(), count=rows.count())
        data = (
            [
                _iso(r.at),
                r.get_kind_display(),
                r.username,
                r.from_agency,
                r.to_agency,
                r.object_type,
                r.object_id,
                r.object_label,
                r.case_id,
                r.legal_basis,
                r.purpose,
                json.dumps(r.details, sort_keys=True, default=str),
                r.hash,
            ]
            for r in rows.iterator(chunk_size=2000)
        )
        return _csv_response(_filename(subject, tab), DISCLOSURE_COLUMNS, data)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _read(request, subject, tab, filters=disclosure_filter.applied(), page=page)
    context = _context(request, subject, tab, filter_form=disclosure_filter.form, page_obj=page)
    return render(request, "audit/disclosures.html", context)


CHANGE_COLUMNS = ["When", "By", "Record", "Record id", "Action", "Reason", "Field", "Before", "After"]


def _history_of(subject) -> list:
    if subject.kind == "case":
        return selectors.case_history(subject)
    return selectors.person_history(subject)


def changes_tab(request, subject, tab):
    form = ChangeFilterForm(request.GET or None)
    items = form.apply(_history_of(subject))
    if _wants_csv(request):
        readable(items)
        _export(request, subject, tab, filters=form.applied(), count=len(items))

        def data():
            for e in items:
                who = (e.user.get_full_name() or e.user.get_username()) if e.user else "System"
                base = [_iso(e.when), who, e.model_label, e.object_id, e.kind, e.reason]
                if not e.changes:
                    yield [*base, "", "", ""]
                for change in e.changes:
                    yield [*base, change.label[:1].upper() + change.label[1:], change.before, change.after]

        return _csv_response(_filename(subject, tab), CHANGE_COLUMNS, data())
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    readable(list(page.object_list))
    _read(request, subject, tab, filters=form.applied(), page=page)
    context = _context(request, subject, tab, filter_form=form, page_obj=page)
    return render(request, "audit/changes.html", context)


CASE_ROLE_COLUMNS = ["Reference", "Title", "Status", "Lead agency", "Roles", "Still a party"]


def cases_tab(request, subject, tab):
    rows = selectors.cases_of_person(subject)
    if _wants_csv(request):
        _export(request, subject, tab, filters={}, count=len(rows))
        data = (
            [
                r.case.reference,
                r.case.title,
                r.case.get_status_display(),
                r.case.lead_agency,
                ", ".join(r.roles),
                "Yes" if r.current else "No",
            ]
            for r in rows
        )
        return _csv_response(_filename(subject, tab), CASE_ROLE_COLUMNS, data)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _read(request, subject, tab, filters={}, page=page)
    return render(request, "audit/person_cases.html", _context(request, subject, tab, page_obj=page))


TAB_VIEWS = {"access": access_tab, "disclosures": disclosures_tab, "changes": changes_tab, "cases": cases_tab}


@require_http_methods(["GET", "POST"])
@auditor_required
def verification(request):
    """Run the chain verification as a background job, and show when it last ran and what it found."""
    if request.method == "POST":
        record = verification_service.queue_run(trigger="screen", by=request.user)
        _log(request, action=AccessAction.CREATE, screen="verification", details={"verification_run": record.pk})
        messages.success(request, "The audit trail is being verified. Refresh this page to see the result.")
        return redirect("audit:verification")
    runs = selectors.verification_runs()
    _log(request, action=AccessAction.VIEW, screen="verification", details={"rows_shown": len(runs)})
    latest_finished = next((r for r in runs if r.finished_at), None)
    pending = any(r.status in ("queued", "running") for r in runs)
    return render(
        request,
        "audit/verification.html",
        {"runs": runs, "latest": latest_finished, "pending": pending},
    )

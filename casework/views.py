"""Casework screens. Each view: resolve access through casework.access, call one service or selector, render."""

from functools import lru_cache, partial
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS, content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from audit.exports import log_export
from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from common import keyset
from common.views import attempt, form_posted, form_saved

from . import access, access_reasons, costs, exports, extensions, party_matches, selectors, services, vulnerability
from .filters import CaseFilter
from .forms import (
    AccessReasonForm,
    ActionCostForm,
    ActionForm,
    ActionStatusForm,
    CaseEditForm,
    CaseForm,
    EvidenceForm,
    IncidentForm,
    NoteForm,
    PartyForm,
    RevokeShareForm,
    RiskAssessmentForm,
    ShareForm,
    TransitionForm,
)
from .models import Action, Agency, CaseShare, CaseStatus, Ward

PAGE_SIZES = (25, 50, 100)
#: The case list counts this many matching cases at most, then says "more than".
CASE_COUNT_LIMIT = 1000

CASE_TABS = (
    ("Summary", "casework:case_detail"),
    ("Parties", "casework:case_parties"),
    ("Incidents", "casework:case_incidents"),
    ("Risk", "casework:case_risk"),
    ("Actions", "casework:case_actions"),
    ("Notes", "casework:case_notes"),
    ("Evidence", "casework:case_evidence"),
    ("Sharing", "casework:case_sharing"),
    ("Timeline", "casework:case_timeline"),
)


def log_case_read(request, case, *, page: str, action: str = AccessAction.VIEW, extra: dict | None = None) -> None:
    """Log a read of the case; first asks why, where the user's agency must say (casework.access_reasons)."""
    access_reasons.require(request, case)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=action,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        object_label=case.reference,
        case_id=case.pk,
        details={"page": page, **(extra or {})},
        path=request.path,
    )


#: Stands for the reference in a tab's URL reversed once (_tab_urls).
_REFERENCE_MARK = "0reference0"


@lru_cache(maxsize=64)
def _tab_urls(script_prefix: str, names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """Each case tab's URL split around its reference, reversed once per process (and script prefix): reversing
    every tab on every case page cost about half a millisecond of CPU (issue 23)."""
    return tuple(tuple(reverse(name, args=[_REFERENCE_MARK]).split(_REFERENCE_MARK, 1)) for name in names)


def case_tabs(reference: str, active: str) -> list[dict]:
    """The case pages' tabs: what reverse(name, args=[reference]) gives, with the reference quoted as it quotes it."""
    tabs = (*CASE_TABS, *extensions.CASE_TABS)
    if "/" in reference:  # no case page answers such a reference; reverse() says why
        return [
            {"label": label, "href": reverse(name, args=[reference]), "active": label == active} for label, name in tabs
        ]
    quoted = quote(reference, safe=RFC3986_SUBDELIMS + "/~:@")
    urls = _tab_urls(get_script_prefix(), tuple(name for _, name in tabs))
    return [
        {"label": label, "href": before + quoted + after, "active": label == active}
        for (label, _), (before, after) in zip(tabs, urls, strict=True)
    ]


def _case_context(request, case_access: access.CaseAccess, tab: str, **extra) -> dict:
    case = case_access.case
    tabs = case_tabs(case.reference, tab)
    return {"case": case, "case_access": case_access, "tabs": tabs, "tab": tab, **extra}


def _read_page(request, reference: str, tab: str, also=None):
    case_access = access.case_access_or_404(request.user, reference, also=also)
    log_case_read(request, case_access.case, page=tab.lower())
    return case_access


@require_http_methods(["GET", "POST"])
def case_access_reason(request, reference):
    """The question a law-enforcement user answers once per case per session, before the case shows."""
    case = access.case_access_or_404(request.user, reference).case
    purposes = access_reasons.purposes_for(request.user)
    fallback = reverse("casework:case_detail", args=[case.reference])
    if not purposes:
        return redirect(access_reasons.safe_next(request, fallback))
    form = AccessReasonForm(request.POST or None, purposes=purposes)
    if request.method == "POST" and form.is_valid():
        access_reasons.record(
            request, case, purpose=form.purposes[form.cleaned_data["purpose"]], reason=form.cleaned_data["reason"]
        )
        return redirect(access_reasons.safe_next(request, fallback))
    return render(
        request,
        "casework/case_access_reason.html",
        {"form": form, "reference": case.reference, "next": access_reasons.safe_next(request, fallback)},
    )


def my_work(request):
    from django.utils import timezone

    work = selectors.my_work(user=request.user)
    more = extensions.my_work_sections(user=request.user, today=timezone.localdate(), work=work)
    return render(request, "casework/my_work.html", {"work": work, "more": more})


def _filtered_cases(request):
    case_filter = CaseFilter(request.GET or None, queryset=selectors.case_list(user=request.user), user=request.user)
    return case_filter, case_filter.qs


def _narrowed_by_status_and_ward(case_filter) -> tuple[list[str], Ward | None] | None:
    """The statuses and ward (or None) of a list filtered by nothing else (sort orders, it does not narrow; cursor,
    page and per_page are not form fields); ([], None) with no parameters at all; None for any other list."""
    if not case_filter.is_bound:
        return [], None
    if not case_filter.form.is_valid():
        return None
    data = case_filter.form.cleaned_data
    if not {k for k, v in data.items() if v not in (None, "", [], ())} - {"sort"} <= {"ward", "status"}:
        return None
    return data.get("status") or [], data.get("ward")


def _status_and_ward(case_filter) -> tuple[list[str], int | None] | None:
    """The statuses (in the order django-filter's filter ORs them) and ward id that selectors.compiled_case_page
    pages; None for any other list, and for a status choice django-filter drops (every status)."""
    narrowed = _narrowed_by_status_and_ward(case_filter)
    if narrowed is None:
        return None
    statuses, ward = narrowed
    if statuses and case_filter.filters["status"].is_noop(None, statuses):
        return None
    return list(set(statuses)), ward.pk if ward else None


def _maintained_count(case_filter, user) -> int | None:
    """A list filtered by ward and/or status only, or not filtered at all, is counted from the maintained counts
    (`access.visible_count`), exactly and at the same cost at any number of cases; None for any other list, and
    for users the counts cannot answer exactly (the capped count answers)."""
    narrowed = _narrowed_by_status_and_ward(case_filter)
    if narrowed is None:
        return None
    statuses, ward = narrowed
    return access.visible_count(user, ward_id=ward.pk if ward else None, statuses=statuses)


def case_list(request):
    """Keyset pages and a count capped at CASE_COUNT_LIMIT: constant cost however many cases are visible."""
    user = request.user
    visibility = access.visibility_shape(user)  # asked as selectors.case_list asks: the same queries, in order
    case_filter = CaseFilter(
        request.GET or None, queryset=None if visibility else selectors.case_list(user=user), user=user
    )
    by_status_and_ward = _status_and_ward(case_filter) if visibility else None
    if by_status_and_ward is None:  # the ORM's path: any other filter, or a user the compiled path does not take
        if visibility:
            case_filter.queryset = selectors.case_list(user=user)
        paginate = partial(keyset.paginate, case_filter.qs)
    else:
        paginate = partial(selectors.compiled_case_page, visibility, *by_status_and_ward)
    try:
        per_page = int(request.GET.get("per_page", PAGE_SIZES[0]))
    except ValueError:
        per_page = PAGE_SIZES[0]
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    ordering = case_filter.keyset_ordering()
    cursor, last = request.GET.get("cursor") or None, request.GET.get("page") == "last"
    try:
        page = paginate(ordering, per_page, cursor, last=last)
    except keyset.InvalidCursor:
        messages.error(request, "That page link was not valid, so the first page of cases is shown.")
        cursor, last = None, False
        page = paginate(ordering, per_page, None, last=False)
    count = _maintained_count(case_filter, user)
    if count is None:
        if visibility and by_status_and_ward is not None:
            case_filter.queryset = selectors.case_list(user=user)
        count = keyset.count_up_to(case_filter.qs, CASE_COUNT_LIMIT)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.LIST,
        object_type=ObjectType.CASE,
        details={
            "filters": case_filter.applied(),
            "page": "last" if last and not cursor else ("first" if not cursor else "after a row"),
            "rows_shown": len(page.rows),
        },
        path=request.path,
    )
    return render(
        request,
        "casework/case_list.html",
        {
            "filter": case_filter,
            "page": page,
            "case_count": min(count, CASE_COUNT_LIMIT),
            "more_than_count": count > CASE_COUNT_LIMIT,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
        },
    )


def case_export(request):
    """CSV of exactly the rows the user's filters select among the cases they may see; logged.

    Up to CASE_EXPORT_STREAM_LIMIT rows stream at once; above it the page offers a background export instead
    (casework.exports), so no export is ever cut short by a worker's timeout.
    """
    case_filter, cases = _filtered_cases(request)
    count = keyset.count_up_to(cases, exports.stream_limit())
    if count > exports.stream_limit():
        return render(
            request,
            "casework/case_export_large.html",
            {
                "limit": exports.stream_limit(),
                "keep_days": settings.CASE_EXPORT_KEEP_DAYS,
                "query": request.GET.urlencode(),
                "filters": case_filter.applied(),
            },
        )
    # Logged against the user, and which cases it held against each case (audit.exports, decision 0013).
    log_export(
        user=request.user,
        agency=access.agency_name(request.user),
        object_type=ObjectType.CASE,
        case_ids=cases.order_by().values_list("pk", flat=True).iterator(chunk_size=10000),
        details={"filters": case_filter.applied(), "format": "csv"},
        path=request.path,
    )
    response = StreamingHttpResponse(exports.stream_lines(cases), content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(True, "cases.csv")
    return response


@require_http_methods(["GET", "POST"])
def case_exports(request):
    """The user's own background exports; a POST asks for a new one."""
    if request.method == "POST":
        attempt(
            request,
            None,
            lambda: exports.request_export(user=request.user, query=request.POST.get("query", "")),
            "Your export is being prepared. We will tell you when it is ready to download.",
        )
        return redirect("casework:case_exports")
    return render(
        request,
        "casework/case_exports.html",
        {"exports": exports.my_exports(user=request.user), "unshared_since": exports.UNSHARED_SINCE},
    )


def case_export_download(request, public_id):
    export = exports.export_for_download(user=request.user, public_id=public_id)
    if export is None:
        raise Http404("No such export")
    exports.log_download(user=request.user, export=export, path=request.path)
    return FileResponse(export.file.open("rb"), as_attachment=True, filename="cases.csv", content_type="text/csv")


@require_http_methods(["GET", "POST"])
def case_create(request):
    if not access.has_permission(request.user, "casework.add_case") or access.agency_of(request.user) is None:
        raise PermissionDenied("Only officers of an agency can open cases")
    agency = access.agency_of(request.user)
    form = CaseForm(request.POST or None, agency=agency, initial={"officer": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = services.open_case(
            by=request.user,
            title=data["title"],
            category=data["category"],
            description=data["description"],
            ward=data["ward"],
            address_line1=data["address_line1"],
            postcode=data["postcode"],
            uprn=data["uprn"],
            location_description=data["location_description"],
            officer=data["officer"],
            hate_related=data["hate_related"],
        )
        messages.success(request, f"Case {case.reference} opened")
        return redirect("casework:case_detail", case.reference)
    return render(request, "casework/case_create.html", {"form": form})


def case_detail(request, reference):
    from . import people
    from .victim_views import summary_context  # the victim's journey (#20), kept in its own module

    # the case comes with its summary's counts, latest risk and schedule (selectors.with_summary), and its parties
    # with the second-report and repeat counts, in one query each, shared by every section (issue 23)
    case_access = _read_page(request, reference, "Summary", also=selectors.with_summary)
    case = case_access.case
    parties = selectors.summary_parties(case_access)
    context = _case_context(
        request,
        case_access,
        "Summary",
        latest_risk=selectors.latest_risk(case),
        open_actions=selectors.open_actions_shown(case),
        counts=selectors.summary_counts(case),
        allowed=sorted(services.TRANSITIONS.get(case.status, ())),
        repeat_flags=people.repeat_flags_for_case(case, parties),
    )
    context.update(summary_context(case_access, parties))
    return render(request, "casework/case_summary.html", context)


@require_http_methods(["GET", "POST"])
def case_edit(request, reference):
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    case = case_access.case
    initial = {
        "title": case.title,
        "category": case.category,
        "description": case.description,
        "ward": case.ward_id,
        "address_line1": case.address.line1 if case.address else "",
        "postcode": case.address.postcode if case.address else "",
        "uprn": case.address.uprn if case.address else None,
        "location_description": case.location_description,
        "officer": case.officer_id,
        "hate_related": case.hate_related,
        "version": case.version,
    }
    form = CaseEditForm(request.POST or None, initial=initial, agency=case.lead_agency)
    renamed = {"version": "expected_version"}
    if form_saved(request, form, "Case details saved", services.edit_case, case=case, renamed=renamed):
        return redirect("casework:case_detail", case.reference)
    log_case_read(request, case, page="edit")  # the form shows the case's details: a read like any other
    return render(
        request,
        "casework/case_form_page.html",
        _case_context(request, case_access, "Summary", form=form, heading="Edit case details", submit="Save changes"),
    )


@require_http_methods(["GET", "POST"])
def case_transition(request, reference):
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    case = case_access.case
    # Closing has its own screen, with reasons and a manager's sign-off (casework/closure.py, #20).
    allowed = services.TRANSITIONS.get(case.status, set()) - {CaseStatus.CLOSED}
    form = TransitionForm(request.POST or None, allowed=allowed)
    if form_saved(request, form, "", services.transition_case, case=case):
        messages.success(request, f"Case is now {CaseStatus(form.cleaned_data['to']).label.lower()}")
        return redirect("casework:case_detail", case.reference)
    log_case_read(request, case, page="status")
    return render(
        request,
        "casework/case_form_page.html",
        _case_context(request, case_access, "Summary", form=form, heading="Change status", submit="Change status"),
    )


def _party_label(case_access):
    def label(party):
        view = selectors.party_view(party, case_access)
        return f"{view.name} ({party.get_role_display()})"

    return label


def case_parties(request, reference):
    case_access = _read_page(request, reference, "Parties")
    parties = selectors.parties_for(case_access.case, case_access)
    return render(
        request, "casework/case_parties.html", _case_context(request, case_access, "Parties", parties=parties)
    )


def _form_page(request, case_access, tab, form, heading, submit, *, multipart=False):
    return render(
        request,
        "casework/case_form_page.html",
        _case_context(request, case_access, tab, form=form, heading=heading, submit=submit, multipart=multipart),
    )


@require_http_methods(["GET", "POST"])
def party_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    form, existing = PartyForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        form, existing = party_matches.pick(request, form)  # people already known who may be this one
    if request.method == "POST" and form.is_valid() and existing is not False:
        data = form.cleaned_data
        save = partial(
            services.add_party_with_contact,
            case=case_access.case,
            by=request.user,
            role=data["role"],
            is_organisation=data["is_organisation"],
            organisation_name=data["organisation_name"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
            phone=data["phone"],
            email=data["email"],
            is_anonymous=data["is_anonymous"],
            notes=data["notes"],
            existing_person=existing,
        )
        if attempt(request, form, save, "Party added"):
            return redirect("casework:case_parties", reference)
    return _form_page(request, case_access, "Parties", form, "Add a party", "Add party")


def case_incidents(request, reference):
    case_access = _read_page(request, reference, "Incidents")
    incidents = list(selectors.incidents_for(case_access.case))
    label = _party_label(case_access)
    rows = [(i, label(i.reported_by) if i.reported_by else "") for i in incidents]
    return render(request, "casework/case_incidents.html", _case_context(request, case_access, "Incidents", rows=rows))


@require_http_methods(["GET", "POST"])
def incident_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    case = case_access.case
    form = IncidentForm(
        request.POST or None,
        party_choices=(case.parties.select_related("person", "organisation"), _party_label(case_access)),
        initial={"reported_to": access.agency_of(request.user)},
    )
    if form_saved(request, form, "Incident logged", services.add_incident, case=case):
        return redirect("casework:case_incidents", reference)
    return _form_page(request, case_access, "Incidents", form, "Log an incident", "Log incident")


def case_risk(request, reference):
    from . import risk

    case_access = _read_page(request, reference, "Risk")
    assessments = list(selectors.risk_assessments_for(case_access.case))
    label = _party_label(case_access)
    rows = [(a, label(a.victim) if a.victim else "") for a in assessments]
    return render(
        request,
        "casework/case_risk.html",
        _case_context(
            request,
            case_access,
            "Risk",
            rows=rows,
            questions=risk.QUESTIONS,
            unrecorded_victims=vulnerability.victims_without_vulnerability(case_access),
        ),
    )


@require_http_methods(["GET", "POST"])
def risk_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    case = case_access.case
    victims = case.parties.filter(role="victim").select_related("person", "organisation")
    form = RiskAssessmentForm(request.POST or None, victim_choices=(victims, _party_label(case_access)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = attempt(
            request,
            form,
            lambda: services.record_risk_assessment(
                case=case,
                by=request.user,
                answers=form.answers(),
                repeat_victimisation_count=data["repeat_victimisation_count"],
                victim=data["victim"],
                notes=data["notes"],
            ),
            "Risk assessment recorded",
        )
        if result:
            messages.info(request, f"Risk level: {result.get_level_display()} (score {result.score})")
            victim = data["victim"]
            if (
                victim is not None
                and victim.person_id
                and vulnerability.answers_point_to_vulnerability(result.answers)
                and not vulnerability.for_person(victim.person).recorded
            ):  # the vulnerability questions lead to the person's vulnerability record
                messages.info(request, "The answers say the victim may be vulnerable: record how, and any adjustments")
                return redirect("casework:party_vulnerability_edit", reference, victim.pk)
            return redirect("casework:case_risk", reference)
    return _form_page(request, case_access, "Risk", form, "Assess the victim's risk", "Save assessment")


def case_actions(request, reference):
    case_access = _read_page(request, reference, "Actions")
    actions = list(selectors.actions_for(case_access.case))
    return render(
        request,
        "casework/case_actions.html",
        _case_context(
            request,
            case_access,
            "Actions",
            actions=actions,
            status_form=ActionStatusForm(),
            costs=costs.for_actions_tab(user=request.user, case_access=case_access, actions=actions),
        ),
    )


@require_http_methods(["GET", "POST"])
def action_cost_add(request, reference, action_id):
    """Officer time and spend on an action, by its owner agency or the lead, where the owner records costs."""
    case_access = access.case_access_or_404(request.user, reference, change=True)
    action = get_object_or_404(Action.objects.select_related("owner_agency"), pk=action_id, case=case_access.case)
    if not costs.may_record(request.user, action):
        raise PermissionDenied("Only the agency that owns the action or the lead agency records its costs")
    form = ActionCostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            form,
            lambda: costs.record_cost(
                action=action,
                by=request.user,
                spent_on=data["spent_on"],
                minutes=data["total_minutes"],
                spend=data["spend"] or 0,
                spend_kind=data["spend_kind"],
                description=data["description"],
            ),
            "Cost recorded",
        ):
            return redirect("casework:case_actions", reference)
    return _form_page(
        request, case_access, "Actions", form, f"Record time and spend: {action.description[:60]}", "Save cost"
    )


@require_POST
def action_cost_remove(request, reference, cost_id):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    cost = get_object_or_404(
        costs.costs_for(user=request.user, case=case_access.case).select_related("case"), pk=cost_id
    )
    attempt(request, None, lambda: costs.remove_cost(cost=cost, by=request.user), "Cost removed")
    return redirect("casework:case_actions", reference)


@require_http_methods(["GET", "POST"])
def action_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    form = ActionForm(request.POST or None, initial={"owner_agency": access.agency_of(request.user)})
    if form_saved(request, form, "Action added", services.add_action, case=case_access.case):
        return redirect("casework:case_actions", reference)
    return _form_page(request, case_access, "Actions", form, "Add an action", "Add action")


@require_POST
def action_status(request, reference, action_id):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    action = get_object_or_404(Action, pk=action_id, case=case_access.case)
    form = ActionStatusForm(request.POST)
    form_posted(
        request, form, "Action updated", services.set_action_status, action=action, invalid="Choose a valid status"
    )
    return redirect("casework:case_actions", reference)


@require_http_methods(["GET", "POST"])
def case_notes(request, reference):
    if request.method == "POST":
        case_access = access.case_access_or_404(request.user, reference, change=True)
        form = NoteForm(request.POST)
        if form_saved(request, form, "Note added", services.add_note, case=case_access.case):
            return redirect("casework:case_notes", reference)
    else:
        case_access = _read_page(request, reference, "Notes")
        form = NoteForm()
    return render(
        request,
        "casework/case_notes.html",
        _case_context(request, case_access, "Notes", notes=selectors.notes_for(case_access.case), form=form),
    )


def case_evidence(request, reference):
    case_access = _read_page(request, reference, "Evidence")
    return render(
        request,
        "casework/case_evidence.html",
        _case_context(request, case_access, "Evidence", evidence=selectors.evidence_for(case_access.case)),
    )


@require_http_methods(["GET", "POST"])
def evidence_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            form,
            lambda: services.add_evidence(
                case=case_access.case,
                by=request.user,
                kind=data["kind"],
                description=data["description"],
                upload=data["file"],
                content_type=getattr(form, "detected_content_type", ""),
                external_reference=data["external_reference"],
                redacted=data["redacted"],
            ),
            "Evidence added",
        ):
            return redirect("casework:case_evidence", reference)
    return _form_page(request, case_access, "Evidence", form, "Add evidence", "Add evidence", multipart=True)


def evidence_download(request, reference, evidence_id):
    case_access, evidence = selectors.get_evidence(user=request.user, reference=reference, evidence_id=evidence_id)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.DOWNLOAD,
        object_type=ObjectType.EVIDENCE,
        object_id=evidence.pk,
        # The append-only log outlives retention: name the item, never its free-text description.
        object_label=f"{case_access.case.reference} evidence {evidence.pk} ({evidence.get_kind_display()})",
        case_id=case_access.case.pk,
        details={"sha256": evidence.sha256},
        path=request.path,
    )
    from .forms import EVIDENCE_TYPES

    extension = EVIDENCE_TYPES.get(evidence.content_type, "bin")
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=f"{case_access.case.reference}-evidence-{evidence.pk}.{extension}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def case_sharing(request, reference):
    case_access = _read_page(request, reference, "Sharing")
    case = case_access.case
    return render(
        request,
        "casework/case_sharing.html",
        _case_context(
            request,
            case_access,
            "Sharing",
            shares=selectors.shares_for(case),
            who_can_see=selectors.agencies_who_can_see(case),
        ),
    )


@require_http_methods(["GET", "POST"])
def share_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    case = case_access.case
    # An agency that sees the case view only can be chosen again to be given change rights (decision 0015).
    shared_ids = case.shares.filter(revoked_at__isnull=True, can_change=True).values_list("agency_id", flat=True)
    agencies = Agency.objects.filter(is_active=True).exclude(pk=case.lead_agency_id).exclude(pk__in=shared_ids)
    form = ShareForm(request.POST or None, agencies=agencies)
    if form_saved(request, form, "", services.share_case, case=case):
        messages.success(request, f"Case shared with {form.cleaned_data['agency']}")
        return redirect("casework:case_sharing", reference)
    return render(
        request,
        "casework/case_share.html",
        _case_context(request, case_access, "Sharing", form=form, who_can_see=selectors.agencies_who_can_see(case)),
    )


@require_http_methods(["GET", "POST"])
def share_revoke(request, reference, share_id):
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    share = get_object_or_404(
        CaseShare.objects.select_related("agency"), pk=share_id, case=case_access.case, revoked_at__isnull=True
    )
    form = RevokeShareForm(request.POST or None)
    if form_saved(request, form, f"{share.agency} can no longer see this case", services.revoke_share, share=share):
        return redirect("casework:case_sharing", reference)
    return render(
        request,
        "casework/case_form_page.html",
        _case_context(
            request,
            case_access,
            "Sharing",
            form=form,
            heading=f"Stop sharing with {share.agency}",
            submit="Revoke share",
            warning=True,
        ),
    )


def case_timeline(request, reference):
    case_access = _read_page(request, reference, "Timeline")
    return render(
        request,
        "casework/case_timeline.html",
        _case_context(request, case_access, "Timeline", events=selectors.timeline(case_access.case, case_access)),
    )

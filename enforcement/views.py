"""Enforcement screens. Each view: resolve access (casework.access / selectors), call one service, render.

Outsiders get 404 from the selectors; a reader who tries to write gets 403; a refused action shows the
service's message on the form and saves nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from casework import access, access_reasons
from casework import services as casework_services
from casework.models import PartyRole
from casework.pdf import pdf_response
from common.views import attempt as _attempt
from statutory.selectors import value as law

from . import filters, forms, presenters, selectors, services
from .config import limit
from .models import (
    CivilInjunction,
    ClosureNotice,
    ClosureOrder,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CPNBreach,
    CPNStatus,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    FPNStatus,
    PSPOBreach,
    PublicSpacesProtectionOrder,
    RespectOrder,
    WarningStatus,
)

PAGE_SIZE = 25

SECTIONS = (
    ("Overview", "enforcement:index"),
    ("Written warnings", "enforcement:warning_list"),
    ("CPNs", "enforcement:cpn_list"),
    ("Fixed penalties", "enforcement:fpn_list"),
    ("PSPOs", "enforcement:pspo_list"),
    ("Closures", "enforcement:closure_list"),
    ("CBOs", "enforcement:cbo_list"),
    ("Injunctions", "enforcement:injunction_list"),
)


def _no_caption(record) -> str:
    return ""


@dataclass(frozen=True)
class _Kind:
    """Where a kind of record lives on screen, so its detail, PDF and action pages need not repeat it."""

    object_type: str  # what the access log calls it
    section: str
    detail: str  # the page its action forms go back to, and on to after success
    detail_pk: Callable = attrgetter("pk")
    caption: Callable = _no_caption  # the action forms' caption
    form_context: dict = field(default_factory=dict)  # extra context its action forms have always carried


_KINDS: dict[type, _Kind] = {
    CommunityProtectionWarning: _Kind(
        ObjectType.CPN_WARNING,
        "Written warnings",
        "enforcement:warning_detail",
        caption=lambda warning: f"Written warning to {warning.recipient_name}",
    ),
    CommunityProtectionNotice: _Kind(
        ObjectType.CPN, "CPNs", "enforcement:cpn_detail", caption=lambda cpn: f"CPN {cpn.pk} to {cpn.recipient_name}"
    ),
    CPNBreach: _Kind(ObjectType.CPN_BREACH, "CPNs", "enforcement:cpn_detail", detail_pk=attrgetter("cpn_id")),
    FixedPenaltyNotice: _Kind(
        ObjectType.FPN,
        "Fixed penalties",
        "enforcement:fpn_detail",
        caption=lambda fpn: f"Fixed penalty {fpn.notice_number}",
        form_context={"warning": False},
    ),
    PublicSpacesProtectionOrder: _Kind(
        ObjectType.PSPO, "PSPOs", "enforcement:pspo_detail", caption=attrgetter("title")
    ),
    PSPOBreach: _Kind(ObjectType.PSPO_BREACH, "PSPOs", "enforcement:pspo_breach_detail"),
    ClosureNotice: _Kind(
        ObjectType.CLOSURE_NOTICE,
        "Closures",
        "enforcement:closure_detail",
        caption=lambda notice: notice.premises.splitlines()[0],
        form_context={"warning": False},
    ),
    ClosureOrder: _Kind(
        ObjectType.CLOSURE_ORDER, "Closures", "enforcement:closure_detail", detail_pk=attrgetter("notice_id")
    ),
    CriminalBehaviourOrder: _Kind(ObjectType.CBO, "CBOs", "enforcement:cbo_detail"),
    CivilInjunction: _Kind(ObjectType.INJUNCTION, "Injunctions", "enforcement:injunction_detail"),
    RespectOrder: _Kind(ObjectType.RESPECT_ORDER, "Injunctions", "enforcement:respect_order_detail"),
}


def _sections(active: str) -> list[dict]:
    return [{"label": label, "href": reverse(name), "active": label == active} for label, name in SECTIONS]


def _log_label(record) -> str:
    """A reference for the access log, never the recipient's name (a notice's __str__ names its recipient)."""
    number = getattr(record, "notice_number", "")
    if number:
        return f"FPN {number}"
    name = str(record._meta.verbose_name)
    return f"{name[:1].upper()}{name[1:]} {record.pk}"


def _log(request, record, *, object_type: str, action: str = AccessAction.VIEW, extra: dict | None = None) -> None:
    case_id = getattr(record, "case_id", None)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=action,
        object_type=object_type,
        object_id=record.pk,
        object_label=_log_label(record),
        case_id=case_id,
        details=extra or {},
        path=request.path,
    )


def _posted(request):
    """The submitted data on a POST (even an empty one, so it shows its errors), else None for a blank form."""
    return request.POST if request.method == "POST" else None


def _need_perm(request, codename: str) -> None:
    access.require(request.user, f"enforcement.{codename}", "You cannot do this")


def _need_change(request, record, codename: str) -> None:
    _need_perm(request, codename)
    if not access.may_change_record(request.user, record):
        raise PermissionDenied("You can read this record but not change it")


def _need_case_change(request, case, codename: str) -> None:
    """For records that change with a case they reach through another record (a CPN breach, a court order)."""
    _need_perm(request, codename)
    if not access.can_change(request.user, case):
        raise PermissionDenied("You can read this record but not change it")


def _form_page(request, form, *, heading: str, submit: str, back: str, section: str, caption: str = "", **extra):
    context = {
        "form": form,
        "heading": heading,
        "submit": submit,
        "back": back,
        "caption": caption,
        "sections": _sections(section),
        **extra,
    }
    return render(request, "enforcement/form_page.html", context)


def _submit(request, form, call, *, success: str, back: str, done: str = "", **page):
    """Every form screen's one shape: a valid POST runs `call(cleaned_data)` and redirects with a banner (to the
    `done` page of what it made, else back); a GET, an invalid form or a refusal shows the form page."""
    if request.method == "POST" and form.is_valid():
        result = _attempt(request, form, lambda: call(form.cleaned_data), success)
        if result:
            return redirect(done, result.pk) if done else redirect(back)
    return _form_page(request, form, back=back, **page)


def _detail_url(record) -> str:
    kind = _KINDS[type(record)]
    return reverse(kind.detail, args=[kind.detail_pk(record)])


def _on_record(request, record, form, call, **page):
    """A form acting on a record the caller has resolved and checked: in the record's section, back to its page."""
    kind = _KINDS[type(record)]
    if request.method == "GET":  # the form page shows the record's caption: a read like its detail page
        _log(request, record, object_type=kind.object_type, extra={"page": "form"})
    page = {"section": kind.section, "caption": kind.caption(record), **kind.form_context, **page}
    return _submit(request, form, call, back=_detail_url(record), **page)


def _on_case(request, case, form, call, **page):
    """A form making a new record on a case: captioned with the case, back to its enforcement page."""
    back = reverse("enforcement:case_enforcement", args=[case.reference])
    return _submit(request, form, call, back=back, caption=f"{case.reference} · {case.title}", **page)


def _detail(request, template: str, record, **extra):
    kind = _KINDS[type(record)]
    _log(request, record, object_type=kind.object_type)
    return render(request, template, {"record": record, "sections": _sections(kind.section), **extra})


def _pdf(request, record, *, template: str, filename: str, **extra):
    object_type = _KINDS[type(record)].object_type
    _log(request, record, object_type=object_type, action=AccessAction.PRINT, extra={"document": template})
    return pdf_response(template, {"record": record, **extra}, filename=filename, request=request)


def _case_context(case_access: access.CaseAccess) -> dict:
    return {"case": case_access.case, "case_access": case_access}


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


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


# --- A case's enforcement page --------------------------------------------------------------------------


def case_enforcement(request, reference):
    case_access = access.case_access_or_404(request.user, reference)
    case = case_access.case
    access_reasons.require(request, case)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.VIEW,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        object_label=case.reference,
        case_id=case.pk,
        details={"page": "enforcement"},
        path=request.path,
    )
    return render(
        request,
        "enforcement/case_enforcement.html",
        {
            **_case_context(case_access),
            "records": selectors.case_enforcement(case),
            "timeline": selectors.case_timeline_events(case),
            "case_deadlines": selectors.case_deadline_events(case, user=request.user),
            "respect_orders_in_force": law("injunction.adults_by_respect_order", on=timezone.localdate()),
            "sections": _sections(""),
        },
    )


def _case_for_new(request, reference, codename: str) -> access.CaseAccess:
    case_access = access.case_access_or_404(request.user, reference, change=True)
    _need_perm(request, codename)
    return case_access


@require_http_methods(["GET", "POST"])
def warning_create(request, reference):
    case = _case_for_new(request, reference, "add_communityprotectionwarning").case
    form = forms.WarningForm(_posted(request), case=case)

    @transaction.atomic
    def save(data):
        person, organisation = _recipient_from(request, form, case)
        return services.serve_written_warning(
            case=case,
            by=request.user,
            recipient_person=person,
            recipient_organisation=organisation,
            recipient_address=data["recipient_address"],
            conduct=data["conduct"],
            requirements=data["requirements"],
            compliance_deadline=data["compliance_deadline"],
            served_at=data["served_at"],
            served_how=data["served_how"],
        )

    return _on_case(
        request,
        case,
        form,
        save,
        success="Written warning recorded",
        done="enforcement:warning_detail",
        heading="Record a CPN written warning",
        submit="Record the warning",
        section="Written warnings",
    )


def _recipient_from(request, form, case):
    """The chosen party, or a new person / organisation added to the case as the person causing harm."""
    data = form.cleaned_data
    choice = data["recipient"]
    dob = data.get("date_of_birth")
    if choice in form.parties:
        party = form.parties[choice]
        if party.person and dob and party.person.date_of_birth != dob:
            party.person.date_of_birth = dob
            casework_services.save_with_history(party.person, request.user, "Date of birth recorded")
        return party.person, party.organisation
    new_organisation = choice == forms.NEW_ORGANISATION
    party = casework_services.add_party_with_contact(
        case=case,
        by=request.user,
        role=PartyRole.PERSON_CAUSING_HARM,
        is_organisation=new_organisation,
        organisation_name=data["organisation_name"].strip() if new_organisation else "",
        first_name="" if new_organisation else data["first_name"].strip(),
        last_name="" if new_organisation else data["last_name"].strip(),
        date_of_birth=None if new_organisation else dob,
    )
    return party.person, party.organisation


@require_http_methods(["GET", "POST"])
def cpn_create(request, reference):
    case = _case_for_new(request, reference, "add_communityprotectionnotice").case
    warnings = case.cpn_warnings.select_related("recipient_person", "recipient_organisation")
    initial = {}
    if request.GET.get("warning"):
        initial["warning"] = request.GET["warning"]
    return _on_case(
        request,
        case,
        forms.CPNForm(_posted(request), warnings=warnings, initial=initial),
        lambda data: services.issue_cpn(
            case=case,
            by=request.user,
            warning=data["warning"],
            issued_on=data["issued_on"],
            served_how=data["served_how"],
            compliance_deadline=data["compliance_deadline"],
            requirements=data["requirements"],
            recipient_address=data["recipient_address"],
        ),
        success="Community Protection Notice issued",
        done="enforcement:cpn_detail",
        heading="Issue a Community Protection Notice",
        submit="Issue the notice",
        section="CPNs",
        rule=services.CPN_RULE,
    )


@require_http_methods(["GET", "POST"])
def case_fpn_create(request, reference):
    case_access = _case_for_new(request, reference, "add_fixedpenaltynotice")
    return _fpn_form(request, case=case_access.case)


@require_http_methods(["GET", "POST"])
def fpn_create(request):
    _need_perm(request, "add_fixedpenaltynotice")
    if access.agency_of(request.user) is None:
        raise PermissionDenied("Only a member of an agency can issue fixed penalties")
    return _fpn_form(request, case=None)


def _fpn_form(request, *, case):
    initial = {"ward": case.ward_id} if case else {}
    back = reverse("enforcement:case_enforcement", args=[case.reference]) if case else reverse("enforcement:fpn_list")
    return _submit(
        request,
        forms.FPNForm(_posted(request), initial=initial),
        lambda data: services.issue_fpn(
            by=request.user,
            offence_code=data["offence"].code,
            notice_number=data["notice_number"],
            offence_at=data["offence_at"],
            issued_at=data["issued_at"],
            location=data["location"],
            ward=data["ward"],
            offence_description=data["offence_description"],
            recipient_name=data["recipient_name"],
            recipient_date_of_birth=data["recipient_date_of_birth"],
            recipient_address=data["recipient_address"],
            case=case,
        ),
        success="Fixed penalty notice recorded",
        done="enforcement:fpn_detail",
        heading="Issue a fixed penalty notice",
        submit="Record the notice",
        back=back,
        section="Fixed penalties",
        caption=f"{case.reference} · {case.title}" if case else "On the street, without a case",
    )


@require_http_methods(["GET", "POST"])
def closure_create(request, reference):
    case = _case_for_new(request, reference, "add_closurenotice").case
    today = timezone.localdate()
    hearing_hours = law("closure.hearing_within_hours", on=today)
    notice_hours = law("closure.notice_max_hours", on=today)
    extended_hours = law("closure.notice_extended_max_hours", on=today)
    initial = {"premises": str(case.address) if case.address else ""}
    return _on_case(
        request,
        case,
        forms.ClosureNoticeForm(_posted(request), initial=initial),
        lambda data: services.issue_closure_notice(case=case, by=request.user, **data),
        success="Closure notice recorded",
        done="enforcement:closure_detail",
        heading="Record a closure notice",
        submit="Record the notice",
        section="Closures",
        rule=(
            f"The court must hear the closure order application within {hearing_hours} hours of service (Christmas "
            f"Day disregarded). A notice lasts at most {notice_hours} hours, extendable to {extended_hours}."
        ),
    )


_COURT_ORDERS = {
    # kind: (add permission, form, service, detail page, heading, section)
    "cbo": (
        "add_criminalbehaviourorder",
        "CBOForm",
        "record_cbo",
        "enforcement:cbo_detail",
        "Record a Criminal Behaviour Order",
        "CBOs",
    ),
    "injunction": (
        "add_civilinjunction",
        "InjunctionForm",
        "record_injunction",
        "enforcement:injunction_detail",
        "Record a civil injunction",
        "Injunctions",
    ),
    "respect_order": (
        "add_respectorder",
        "RespectOrderForm",
        "record_respect_order",
        "enforcement:respect_order_detail",
        "Record a Respect Order",
        "Injunctions",
    ),
}


def _court_order_create(request, reference, *, kind: str):
    codename, form_name, service_name, done, heading, section = _COURT_ORDERS[kind]
    case = _case_for_new(request, reference, codename).case
    form_class = getattr(forms, form_name)
    service = getattr(services, service_name)

    def save(cleaned_data):
        data = dict(cleaned_data)
        party = data.pop("subject")
        return service(case=case, by=request.user, subject=party.person, **data)

    return _on_case(
        request,
        case,
        form_class(_posted(request), case=case),
        save,
        success="Order recorded",
        done=done,
        heading=heading,
        submit="Record the order",
        section=section,
    )


@require_http_methods(["GET", "POST"])
def cbo_create(request, reference):
    return _court_order_create(request, reference, kind="cbo")


@require_http_methods(["GET", "POST"])
def injunction_create(request, reference):
    return _court_order_create(request, reference, kind="injunction")


@require_http_methods(["GET", "POST"])
def respect_order_create(request, reference):
    return _court_order_create(request, reference, kind="respect_order")


# --- Written warnings -----------------------------------------------------------------------------------


def warning_detail(request, pk):
    warning = selectors.get_warning(user=request.user, pk=pk)
    can_change = access.may_change_record(request.user, warning)
    return _detail(
        request,
        "enforcement/warning_detail.html",
        warning,
        rows=presenters.warning_rows(warning),
        can_change=can_change and access.has_permission(request.user, "enforcement.change_communityprotectionwarning"),
        can_issue_cpn=can_change and access.has_permission(request.user, "enforcement.add_communityprotectionnotice"),
        cpn_problem=services.qualifying_warning_problem(warning, timezone.localdate()),
        open_statuses=services.WARNING_TRANSITIONS[warning.status],
    )


@require_http_methods(["GET", "POST"])
def warning_outcome(request, pk):
    warning = selectors.get_warning(user=request.user, pk=pk)
    _need_change(request, warning, "change_communityprotectionwarning")

    def save(data):
        service = {
            WarningStatus.COMPLIED: services.mark_warning_complied,
            WarningStatus.BREACHED: services.record_warning_breach,
            WarningStatus.WITHDRAWN: services.withdraw_warning,
        }[data["outcome"]]
        return service(warning=warning, by=request.user, on=data["on"], notes=data["notes"])

    return _on_record(
        request,
        warning,
        forms.WarningOutcomeForm(_posted(request), initial={"on": timezone.localdate()}),
        save,
        success="Outcome recorded",
        heading="Record the warning's outcome",
        submit="Record the outcome",
    )


def warning_pdf(request, pk):
    warning = selectors.get_warning(user=request.user, pk=pk)
    return _pdf(
        request, warning, template="enforcement/print/warning.html", filename=f"cpn-written-warning-{warning.pk}.pdf"
    )


# --- CPNs -----------------------------------------------------------------------------------------------


def cpn_detail(request, pk):
    cpn = selectors.get_cpn(user=request.user, pk=pk)
    can_change = access.may_change_record(request.user, cpn) and access.has_permission(
        request.user, "enforcement.change_communityprotectionnotice"
    )
    return _detail(
        request,
        "enforcement/cpn_detail.html",
        cpn,
        rows=presenters.cpn_rows(cpn),
        breaches=selectors.breaches_of_cpn(cpn),
        can_change=can_change,
        appeal_open=CPNStatus.APPEALED in services.CPN_TRANSITIONS[cpn.status]
        and not cpn.appeal_lodged_on
        and timezone.localdate() <= cpn.appeal_deadline,
        can_breach=can_change and cpn.status not in (CPNStatus.QUASHED, CPNStatus.WITHDRAWN),
        next_statuses=services.CPN_TRANSITIONS[cpn.status],
    )


def cpn_pdf(request, pk):
    cpn = selectors.get_cpn(user=request.user, pk=pk)
    return _pdf(
        request,
        cpn,
        template="enforcement/print/cpn.html",
        filename=f"community-protection-notice-{cpn.pk}.pdf",
        appeal_days=law("cpn.appeal_days", on=cpn.issued_on),
    )


def _cpn_to_change(request, pk) -> CommunityProtectionNotice:
    cpn = selectors.get_cpn(user=request.user, pk=pk)
    _need_change(request, cpn, "change_communityprotectionnotice")
    return cpn


@require_http_methods(["GET", "POST"])
def cpn_appeal(request, pk):
    cpn = _cpn_to_change(request, pk)
    return _on_record(
        request,
        cpn,
        forms.AppealForm(_posted(request)),
        lambda data: services.lodge_appeal(
            notice=cpn, by=request.user, lodged_on=data["lodged_on"], grounds=data["grounds"]
        ),
        success="Appeal recorded",
        heading="Record an appeal",
        submit="Record the appeal",
    )


@require_http_methods(["GET", "POST"])
def cpn_appeal_decision(request, pk):
    cpn = _cpn_to_change(request, pk)
    return _on_record(
        request,
        cpn,
        forms.AppealDecisionForm(_posted(request)),
        lambda data: services.decide_appeal(cpn=cpn, by=request.user, **data),
        success="Appeal decision recorded",
        heading="Record the appeal decision",
        submit="Record the decision",
    )


@require_http_methods(["GET", "POST"])
def cpn_status(request, pk):
    cpn = _cpn_to_change(request, pk)

    def save(data):
        if data["status"] == CPNStatus.COMPLIED:
            return services.mark_cpn_complied(cpn=cpn, by=request.user, notes=data["notes"])
        return services.withdraw_cpn(cpn=cpn, by=request.user, notes=data["notes"])

    return _on_record(
        request,
        cpn,
        forms.CPNStatusForm(_posted(request)),
        save,
        success="Notice updated",
        heading="Update the notice",
        submit="Save",
    )


@require_http_methods(["GET", "POST"])
def cpn_breach_add(request, pk):
    cpn = selectors.get_cpn(user=request.user, pk=pk)
    _need_perm(request, "add_cpnbreach")
    _need_change(request, cpn, "change_communityprotectionnotice")
    return _on_record(
        request,
        cpn,
        forms.CPNBreachForm(_posted(request), case=cpn.case),
        lambda data: services.record_cpn_breach(
            cpn=cpn,
            by=request.user,
            occurred_on=data["occurred_on"],
            description=data["description"],
            evidence_summary=data["evidence_summary"],
            evidence=list(data["evidence"]),
        ),
        success="Breach recorded",
        heading="Record a breach of the CPN",
        submit="Record the breach",
    )


def _breach_fpn(request, breach, form_class, service, *, offence_code_setting: str, **page):
    """The fixed-penalty form for a CPN or PSPO breach (already resolved and checked), under its offence code."""
    return _on_record(
        request,
        breach,
        form_class(_posted(request), initial={"issued_at": _now_to_the_minute()}),
        lambda data: service(breach=breach, by=request.user, **data),
        success="Fixed penalty notice issued for the breach",
        done="enforcement:fpn_detail",
        heading=f"Issue a fixed penalty ({limit(offence_code_setting)}) for the breach",
        submit="Issue the fixed penalty",
        **page,
    )


def _breach_prosecution(request, breach):
    """Refer a CPN or PSPO breach (already resolved and checked) for prosecution."""
    return _on_record(
        request,
        breach,
        forms.ProsecutionForm(_posted(request)),
        lambda data: services.refer_breach_for_prosecution(breach=breach, by=request.user, **data),
        success="Breach referred for prosecution",
        heading="Refer the breach for prosecution",
        submit="Refer for prosecution",
    )


@require_http_methods(["GET", "POST"])
def cpn_breach_fpn(request, pk):
    breach = selectors.get_cpn_breach(user=request.user, pk=pk)
    _need_case_change(request, breach.cpn.case, "add_fixedpenaltynotice")
    return _breach_fpn(
        request,
        breach,
        forms.BreachFPNForm,
        services.issue_fpn_for_cpn_breach,
        offence_code_setting="CPN_BREACH_OFFENCE_CODE",
        caption=f"Breach of CPN {breach.cpn_id} on {presenters.d(breach.occurred_on)}",
    )


@require_http_methods(["GET", "POST"])
def cpn_breach_prosecute(request, pk):
    breach = selectors.get_cpn_breach(user=request.user, pk=pk)
    _need_case_change(request, breach.cpn.case, "change_cpnbreach")
    return _breach_prosecution(request, breach)


# --- Fixed penalties ------------------------------------------------------------------------------------


def fpn_detail(request, pk):
    fpn = selectors.get_fpn(user=request.user, pk=pk)
    can_change = access.may_change_record(request.user, fpn) and access.has_permission(
        request.user, "enforcement.change_fixedpenaltynotice"
    )
    today = timezone.localdate()
    return _detail(
        request,
        "enforcement/fpn_detail.html",
        fpn,
        rows=presenters.fpn_rows(fpn),
        can_change=can_change,
        amount_today=services.amount_due_on(fpn, today),
        may_prosecute=fpn.status == FPNStatus.ISSUED and today > fpn.payment_due and today >= fpn.no_proceedings_before,
        next_statuses=services.FPN_TRANSITIONS[fpn.status],
    )


def fpn_pdf(request, pk):
    fpn = selectors.get_fpn(user=request.user, pk=pk)
    return _pdf(request, fpn, template="enforcement/print/fpn.html", filename=f"fixed-penalty-{fpn.notice_number}.pdf")


def _fpn_to_change(request, pk) -> FixedPenaltyNotice:
    fpn = selectors.get_fpn(user=request.user, pk=pk)
    _need_change(request, fpn, "change_fixedpenaltynotice")
    return fpn


@require_http_methods(["GET", "POST"])
def fpn_payment(request, pk):
    fpn = _fpn_to_change(request, pk)
    return _on_record(
        request,
        fpn,
        forms.PaymentForm(_posted(request), initial={"paid_on": timezone.localdate()}),
        lambda data: services.record_fpn_payment(fpn=fpn, by=request.user, **data),
        success="Payment recorded",
        heading="Record a payment",
        submit="Record the payment",
    )


@require_http_methods(["GET", "POST"])
def fpn_cancel(request, pk):
    fpn = _fpn_to_change(request, pk)
    return _on_record(
        request,
        fpn,
        forms.ReasonForm(_posted(request)),
        lambda data: services.cancel_fpn(fpn=fpn, by=request.user, reason=data["reason"]),
        success="Fixed penalty cancelled",
        heading="Cancel the fixed penalty",
        submit="Cancel the notice",
        warning=True,
    )


@require_http_methods(["GET", "POST"])
def fpn_prosecute(request, pk):
    fpn = _fpn_to_change(request, pk)
    return _on_record(
        request,
        fpn,
        forms.ProsecutionForm(_posted(request)),
        lambda data: services.list_fpn_for_prosecution(fpn=fpn, by=request.user),
        success="Listed for prosecution",
        heading="List the unpaid notice for prosecution",
        submit="List for prosecution",
    )


# --- PSPOs ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pspo_create(request):
    _need_perm(request, "add_publicspacesprotectionorder")

    def save(cleaned_data):
        data = dict(cleaned_data)
        data["conditions"] = data["conditions"].splitlines()
        return services.make_pspo(by=request.user, **data)

    return _submit(
        request,
        forms.PSPOForm(_posted(request)),
        save,
        success="PSPO recorded",
        done="enforcement:pspo_detail",
        heading="Record a Public Spaces Protection Order",
        submit="Record the order",
        back=reverse("enforcement:pspo_list"),
        section="PSPOs",
        rule=f"A PSPO lasts at most {law('pspo.max_years', on=timezone.localdate())} years; each extension adds at "
        f"most {law('pspo.extension_max_years', on=timezone.localdate())} years.",
    )


def _may_change_pspo(user, pspo) -> bool:
    agency = access.agency_of(user)
    return (
        agency is not None
        and agency.pk == pspo.owner_agency_id
        and access.has_permission(user, "enforcement.change_publicspacesprotectionorder")
    )


def pspo_detail(request, pk):
    pspo = selectors.get_pspo(user=request.user, pk=pk)
    return _detail(
        request,
        "enforcement/pspo_detail.html",
        pspo,
        rows=presenters.pspo_rows(pspo),
        breaches=selectors.breaches_of_pspo(user=request.user, pspo=pspo)[:100],
        can_change=_may_change_pspo(request.user, pspo),
        can_record_breach=access.has_permission(request.user, "enforcement.add_pspobreach")
        and access.agency_of(request.user) is not None
        and pspo.status == "in_force",
    )


@require_http_methods(["GET", "POST"])
def pspo_extend(request, pk):
    pspo = selectors.get_pspo(user=request.user, pk=pk)
    if not _may_change_pspo(request.user, pspo):
        raise PermissionDenied("Only the owner agency can change this order")
    return _on_record(
        request,
        pspo,
        forms.PSPOExtensionForm(_posted(request), initial={"decided_on": timezone.localdate()}),
        lambda data: services.extend_pspo(pspo=pspo, by=request.user, **data),
        success="PSPO extended",
        heading="Extend the PSPO",
        submit="Record the extension",
        rule=(
            f"An extension adds at most {law('pspo.extension_max_years', on=pspo.expires_on)} years: this order can "
            "run to "
            f"{presenters.d(services.pspo_latest_extension(pspo.expires_on))} at the latest."
        ),
    )


@require_http_methods(["GET", "POST"])
def pspo_breach_add(request, pk):
    pspo = selectors.get_pspo(user=request.user, pk=pk)
    _need_perm(request, "add_pspobreach")
    return _on_record(
        request,
        pspo,
        forms.PSPOBreachForm(_posted(request), pspo=pspo),
        lambda data: services.record_pspo_breach(pspo=pspo, by=request.user, **data),
        success="Breach recorded",
        done="enforcement:pspo_breach_detail",
        heading="Record a breach of the PSPO",
        submit="Record the breach",
    )


def pspo_breach_detail(request, pk):
    breach = selectors.get_pspo_breach(user=request.user, pk=pk)
    return _detail(
        request,
        "enforcement/pspo_breach_detail.html",
        breach,
        rows=presenters.pspo_breach_rows(breach),
        fpn=getattr(breach, "fixed_penalty", None),
        can_change=access.may_change_record(request.user, breach) and breach.outcome == "pending",
    )


@require_http_methods(["GET", "POST"])
def pspo_breach_fpn(request, pk):
    breach = selectors.get_pspo_breach(user=request.user, pk=pk)
    _need_change(request, breach, "add_fixedpenaltynotice")
    return _breach_fpn(
        request,
        breach,
        forms.PSPOBreachFPNForm,
        services.issue_fpn_for_pspo_breach,
        offence_code_setting="PSPO_BREACH_OFFENCE_CODE",
    )


@require_http_methods(["GET", "POST"])
def pspo_breach_prosecute(request, pk):
    breach = selectors.get_pspo_breach(user=request.user, pk=pk)
    _need_change(request, breach, "change_pspobreach")
    return _breach_prosecution(request, breach)


# --- Closure notices and orders -------------------------------------------------------------------------


def closure_detail(request, pk):
    notice = selectors.get_closure_notice(user=request.user, pk=pk)
    order = getattr(notice, "order", None)
    can_change = access.may_change_record(request.user, notice) and access.has_permission(
        request.user, "enforcement.change_closurenotice"
    )
    now = timezone.now()
    adjournments = list(selectors.adjournments_of(notice))
    return _detail(
        request,
        "enforcement/closure_detail.html",
        notice,
        rows=presenters.closure_rows(notice, adjourned=bool(adjournments)),
        adjournments=[presenters.adjournment_text(a) for a in adjournments],
        order=order,
        order_rows=presenters.closure_order_rows(order) if order else [],
        order_breaches=selectors.breaches_of_order(order) if order else [],
        order_extensions=order.extensions.all() if order else [],
        order_decisions=[presenters.order_decision_text(v) for v in selectors.variations_of_order(order)]
        if order
        else [],
        can_change=can_change,
        can_change_order=order is not None
        and access.may_change_record(request.user, order)
        and access.has_permission(request.user, "enforcement.change_closureorder"),
        hearing_overdue=notice.status == "in_force" and notice.hearing_deadline < now,
        now=now,
        latest_order_end=services.closure_order_total_latest_end(order.starts_on) if order else None,
    )


def closure_pdf(request, pk):
    notice = selectors.get_closure_notice(user=request.user, pk=pk)
    first = selectors.adjournments_of(notice).first()
    return _pdf(
        request,
        notice,
        template="enforcement/print/closure_notice.html",
        filename=f"closure-notice-{notice.pk}.pdf",
        hearing_as_served=first.adjourned_hearing_at if first else notice.hearing_at,
        expires_as_served=first.previous_expires_at if first else notice.expires_at,
        order_max_months=law("closure.order_max_months", on=timezone.localtime(notice.served_at).date()),
        order_total_months=law("closure.order_total_max_months", on=timezone.localtime(notice.served_at).date()),
    )


def _closure_to_change(request, pk) -> ClosureNotice:
    notice = selectors.get_closure_notice(user=request.user, pk=pk)
    _need_change(request, notice, "change_closurenotice")
    return notice


@require_http_methods(["GET", "POST"])
def closure_extend(request, pk):
    notice = _closure_to_change(request, pk)
    return _on_record(
        request,
        notice,
        forms.ClosureExtensionForm(_posted(request)),
        lambda data: services.extend_closure_notice(notice=notice, by=request.user, **data),
        success="Closure notice extended",
        heading="Extend the closure notice",
        submit="Record the extension",
    )


@require_http_methods(["GET", "POST"])
def closure_decision(request, pk):
    notice = _closure_to_change(request, pk)

    def save(data):
        if data["decision"] == "refused":
            return services.refuse_closure_order(notice=notice, by=request.user, heard_at=data["heard_at"])
        return services.grant_closure_order(
            notice=notice,
            by=request.user,
            heard_at=data["heard_at"],
            court=data["court"],
            scope=data["scope"],
            terms=data["terms"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )

    initial = {"court": notice.hearing_court, "heard_at": timezone.localtime(notice.hearing_at).replace(tzinfo=None)}
    return _on_record(
        request,
        notice,
        forms.ClosureDecisionForm(_posted(request), initial=initial),
        save,
        success="Court decision recorded",
        heading="Record the court's decision",
        submit="Record the decision",
    )


@require_http_methods(["GET", "POST"])
def closure_cancel(request, pk):
    notice = _closure_to_change(request, pk)
    return _on_record(
        request,
        notice,
        forms.ReasonForm(_posted(request)),
        lambda data: services.cancel_closure_notice(notice=notice, by=request.user, reason=data["reason"]),
        success="Closure notice cancelled",
        heading="Cancel the closure notice",
        submit="Cancel the notice",
        warning=True,
    )


@require_http_methods(["GET", "POST"])
def closure_adjourn(request, pk):
    notice = _closure_to_change(request, pk)
    hearing = timezone.localtime(notice.hearing_at)
    latest = services.closure_adjournment_latest(notice.hearing_at)
    return _on_record(
        request,
        notice,
        forms.ClosureAdjournmentForm(
            _posted(request), initial={"adjourned_on": min(hearing.date(), timezone.localdate())}
        ),
        lambda data: services.adjourn_closure_hearing(notice=notice, by=request.user, **data),
        success="Adjournment recorded",
        heading="Record an adjournment of the hearing",
        submit="Record the adjournment",
        rule=(
            f"The court may adjourn the hearing for at most "
            f"{law('closure.adjournment_max_days', on=timezone.localdate())} days (s81(3)), and may order the "
            "notice to continue "
            f"in force until then: the hearing listed for {presenters.d(notice.hearing_at)} can be adjourned to "
            f"{presenters.d(timezone.localtime(latest).date())} at the latest."
        ),
    )


def _order_action(request, order, form_class, call, *, codename: str, initial: dict | None = None, **page):
    """A form on a closure order, CBO or injunction: they change with their case."""
    _need_case_change(request, order.case, codename)
    return _on_record(request, order, form_class(_posted(request), initial=initial), call, **page)


def _order_codename(order) -> str:
    return f"change_{type(order)._meta.model_name}"


def _vary_view(request, order, form_class):
    rule = "Only an order in force can be varied; a new last day must be after the date of the variation."
    if isinstance(order, ClosureOrder):
        latest = services.closure_order_total_latest_end(order.starts_on)
        months = law("closure.order_total_max_months", on=order.starts_on)
        rule += (
            f" A closure order never runs beyond {months} months in all: this one must end by {presenters.d(latest)}."
        )
    return _order_action(
        request,
        order,
        form_class,
        lambda data: services.vary_order(order=order, by=request.user, **data),
        codename=_order_codename(order),
        initial={"court": order.court, "decided_on": timezone.localdate()},
        success="Variation recorded",
        heading="Record a variation of the order",
        submit="Record the variation",
        rule=rule,
    )


def _discharge_view(request, order):
    return _order_action(
        request,
        order,
        forms.OrderDischargeForm,
        lambda data: services.discharge_order(order=order, by=request.user, **data),
        codename=_order_codename(order),
        initial={"court": order.court, "decided_on": timezone.localdate()},
        success="Discharge recorded",
        heading="Record the discharge of the order",
        submit="Record the discharge",
        warning=True,
    )


@require_http_methods(["GET", "POST"])
def closure_order_vary(request, pk):
    return _vary_view(request, selectors.get_closure_order(user=request.user, pk=pk), forms.ClosureOrderVariationForm)


@require_http_methods(["GET", "POST"])
def closure_order_discharge(request, pk):
    return _discharge_view(request, selectors.get_closure_order(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def cbo_vary(request, pk):
    return _vary_view(request, selectors.get_cbo(user=request.user, pk=pk), forms.CourtOrderVariationForm)


@require_http_methods(["GET", "POST"])
def cbo_discharge(request, pk):
    return _discharge_view(request, selectors.get_cbo(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def injunction_vary(request, pk):
    return _vary_view(request, selectors.get_injunction(user=request.user, pk=pk), forms.CourtOrderVariationForm)


@require_http_methods(["GET", "POST"])
def injunction_discharge(request, pk):
    return _discharge_view(request, selectors.get_injunction(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def closure_order_extend(request, pk):
    order = selectors.get_closure_order(user=request.user, pk=pk)
    return _order_action(
        request,
        order,
        forms.ClosureOrderExtensionForm,
        lambda data: services.extend_closure_order(order=order, by=request.user, **data),
        codename="change_closureorder",
        success="Closure order extended",
        heading="Record an extension of the closure order",
        submit="Record the extension",
    )


def _breach_view(request, order):
    return _order_action(
        request,
        order,
        forms.OrderBreachForm,
        lambda data: services.record_order_breach(order=order, by=request.user, **data),
        codename="add_orderbreach",
        success="Breach recorded",
        heading="Record a breach of the order",
        submit="Record the breach",
    )


@require_http_methods(["GET", "POST"])
def closure_order_breach(request, pk):
    return _breach_view(request, selectors.get_closure_order(user=request.user, pk=pk))


# --- CBOs and injunctions -------------------------------------------------------------------------------


_COURT_ORDER_TITLES = {
    "cbo": "Criminal Behaviour Order",
    "injunction": "Civil injunction",
    "respect_order": "Respect Order",
}


def _court_order_detail(request, order, *, kind: str):
    codename = _order_codename(order)
    can_change = access.may_change_record(request.user, order)
    varies = kind != "respect_order"  # variation and discharge of Respect Orders: not yet recorded here
    return _detail(
        request,
        "enforcement/court_order_detail.html",
        order,
        rows=presenters.court_order_rows(order, kind=kind),
        breaches=selectors.breaches_of_order(order),
        decisions=[presenters.order_decision_text(v) for v in selectors.variations_of_order(order)] if varies else [],
        vary_url=reverse(f"enforcement:{kind}_vary", args=[order.pk]) if varies else "",
        discharge_url=reverse(f"enforcement:{kind}_discharge", args=[order.pk]) if varies else "",
        kind=kind,
        title=_COURT_ORDER_TITLES[kind],
        can_change=can_change and access.has_permission(request.user, f"enforcement.{codename}"),
        can_breach=can_change and access.has_permission(request.user, "enforcement.add_orderbreach"),
        breach_url=reverse(f"enforcement:{kind}_breach", args=[order.pk]),
        review_url=reverse(f"enforcement:{kind}_review", args=[order.pk]) if varies else "",
    )


def cbo_detail(request, pk):
    return _court_order_detail(request, selectors.get_cbo(user=request.user, pk=pk), kind="cbo")


def injunction_detail(request, pk):
    return _court_order_detail(request, selectors.get_injunction(user=request.user, pk=pk), kind="injunction")


@require_http_methods(["GET", "POST"])
def cbo_breach(request, pk):
    return _breach_view(request, selectors.get_cbo(user=request.user, pk=pk))


@require_http_methods(["GET", "POST"])
def injunction_breach(request, pk):
    return _breach_view(request, selectors.get_injunction(user=request.user, pk=pk))


def respect_order_detail(request, pk):
    return _court_order_detail(request, selectors.get_respect_order(user=request.user, pk=pk), kind="respect_order")


@require_http_methods(["GET", "POST"])
def respect_order_breach(request, pk):
    return _breach_view(request, selectors.get_respect_order(user=request.user, pk=pk))


def _review_view(request, order, *, kind: str):
    return _order_action(
        request,
        order,
        forms.ReviewForm,
        lambda data: services.record_review(order=order, by=request.user, reviewed_on=data["reviewed_on"]),
        codename="change_criminalbehaviourorder" if kind == "cbo" else "change_civilinjunction",
        success="Review recorded",
        heading="Record a review",
        submit="Record the review",
    )


@require_http_methods(["GET", "POST"])
def cbo_review(request, pk):
    return _review_view(request, selectors.get_cbo(user=request.user, pk=pk), kind="cbo")


@require_http_methods(["GET", "POST"])
def injunction_review(request, pk):
    return _review_view(request, selectors.get_injunction(user=request.user, pk=pk), kind="injunction")

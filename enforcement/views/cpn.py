"""Screens for CPN written warnings and Community Protection Notices."""

from django.db import transaction
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework import access, party_matches
from casework import services as casework_services
from casework.models import PartyRole
from statutory.selectors import value as law

from .. import forms, presenters, selectors, services
from ..models import (
    CPNStatus,
    WarningStatus,
)
from .fpn import _breach_fpn, _breach_prosecution
from .shared import (
    _case_for_new,
    _changeable,
    _detail,
    _need_case_change,
    _need_change,
    _need_perm,
    _on_case,
    _on_record,
    _pdf,
    _posted,
    _record_form,
)


@require_http_methods(["GET", "POST"])
def warning_create(request, reference):
    case = _case_for_new(request, reference, "add_communityprotectionwarning").case
    form = forms.WarningForm(_posted(request), case=case)
    known = None  # a known person picked for "another person" (casework.party_matches)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["recipient"] == forms.NEW_PERSON:
        typed = form.cleaned_data
        asking, known = party_matches.answer(
            request,
            lambda matches: forms.WarningForm(request.POST, case=case, matches=matches),
            first_name=typed["first_name"].strip(),
            last_name=typed["last_name"].strip(),
            date_of_birth=typed["date_of_birth"],
        )
        form = asking or form

    @transaction.atomic
    def save(data):
        person, organisation = _recipient_from(request, form, case, known)
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
        asking=known is False,
        success="Written warning recorded",
        done="enforcement:warning_detail",
        heading="Record a CPN written warning",
        submit="Record the warning",
        section="Written warnings",
    )


def _recipient_from(request, form, case, known=None):
    """The chosen party; a known person picked from the proposals, added to the case as the person causing harm
    unless already a recipient party on it; or a new person / organisation added to the case as the person causing
    harm."""
    data = form.cleaned_data
    choice = data["recipient"]
    dob = data.get("date_of_birth")
    if choice in form.parties:
        party = form.parties[choice]
        if party.person and dob and party.person.date_of_birth != dob:
            party.person.date_of_birth = dob
            casework_services.save_with_history(party.person, request.user, "Date of birth recorded")
        return party.person, party.organisation
    if choice == forms.NEW_PERSON and known:
        if dob and known.date_of_birth is None:  # never overwrite a recorded date of birth with a typed one
            known.date_of_birth = dob
            casework_services.save_with_history(known, request.user, "Date of birth recorded")
        if not forms.recipient_parties(case).filter(person=known).exists():
            casework_services.add_party(case=case, by=request.user, role=PartyRole.PERSON_CAUSING_HARM, person=known)
        return known, None
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
        lambda data: services.issue_cpn(case=case, by=request.user, **data),
        success="Community Protection Notice issued",
        done="enforcement:cpn_detail",
        heading="Issue a Community Protection Notice",
        submit="Issue the notice",
        section="CPNs",
        rule=services.CPN_RULE,
    )


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


_cpn_to_change = _changeable(selectors.get_cpn, "change_communityprotectionnotice")


cpn_appeal = _record_form(
    _cpn_to_change,
    forms.AppealForm,
    services.lodge_appeal,
    arg="notice",
    success="Appeal recorded",
    heading="Record an appeal",
    submit="Record the appeal",
)


cpn_appeal_decision = _record_form(
    _cpn_to_change,
    forms.AppealDecisionForm,
    services.decide_appeal,
    arg="cpn",
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


def _cpn_breach_to_change(request, pk, codename: str):
    breach = selectors.get_cpn_breach(user=request.user, pk=pk)
    _need_case_change(request, breach.cpn.case, codename)
    return breach


cpn_breach_fpn = _breach_fpn(
    _cpn_breach_to_change,
    forms.BreachFPNForm,
    services.issue_fpn_for_cpn_breach,
    offence_code_setting="CPN_BREACH_OFFENCE_CODE",
    caption=lambda breach: f"Breach of CPN {breach.cpn_id} on {presenters.d(breach.occurred_on)}",
)

cpn_breach_prosecute = _breach_prosecution(_cpn_breach_to_change, "change_cpnbreach")

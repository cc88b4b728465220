"""CPN written warnings and Community Protection Notices (ss43-52 of the 2014 Act)."""

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casework import access
from casework.errors import InvalidTransition, NotAllowed
from casework.models import Agency, Case, Evidence, Organisation, Person
from casework.services import save_with_history
from statutory.selectors import value as law

from .. import periods
from ..models import (
    AppealOutcome,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CPNBreach,
    CPNStatus,
    ServiceMethod,
    WarningStatus,
)
from .shared import (
    CPN_TRANSITIONS,
    WARNING_TRANSITIONS,
    _acting_on_case,
    _fmt,
    _local_date,
    _locked_through_case,
    _move,
    _not_future,
    _require_perm,
    _required_text,
)

# --- Recipients -----------------------------------------------------------------------------------------


def _check_recipient(person: Person | None, organisation: Organisation | None, on: date) -> None:
    """s43(1): a CPN (and the warning before it) goes to a person aged 16 or over, or to a body."""
    if (person is None) == (organisation is None):
        raise NotAllowed("Give one recipient: a person or a business or organisation.")
    if person is not None:
        minimum = law("cpn.min_age", on=on)
        if person.date_of_birth is None:
            raise NotAllowed(
                f"Record the recipient's date of birth: a CPN can only be given to a person aged {minimum} or over."
            )
        if periods.age_on(person.date_of_birth, on) < minimum:
            raise NotAllowed(
                f"{person} is under {minimum} on {_fmt(on)}: a Community Protection Notice or its written warning "
                f"can only be given to a person aged {minimum} or over, or to a body (s43(1) of the 2014 Act)."
            )


def _same_recipient(a, b) -> bool:
    return a.recipient_person_id == b.recipient_person_id and a.recipient_organisation_id == b.recipient_organisation_id


def _check_cpn_issuer(agency: Agency, what: str, on: date) -> None:
    kinds = law("cpn.issuers", on=on)
    if agency.kind not in kinds:
        raise NotAllowed(
            f"{agency} cannot issue a {what}: only councils, the police and designated social landlords may "
            "(s53 of the 2014 Act)."
        )


# --- CPN written warnings -------------------------------------------------------------------------------


@transaction.atomic
def serve_written_warning(
    *,
    case: Case,
    by: User,
    conduct: str,
    requirements: str,
    compliance_deadline: date,
    served_at: datetime,
    served_how: str,
    recipient_address: str,
    recipient_person: Person | None = None,
    recipient_organisation: Organisation | None = None,
) -> CommunityProtectionWarning:
    """Record a served CPN written warning (s43(5)): the conduct, what must change, and by when."""
    agency = _acting_on_case(by, case, "add_communityprotectionwarning", "give CPN written warnings")
    _check_cpn_issuer(agency, "CPN written warning", _local_date(served_at))
    _required_text(conduct=conduct, requirements=requirements, recipient_address=recipient_address)
    if served_how not in ServiceMethod.values:
        raise NotAllowed("Choose how the warning was served.")
    _not_future(served_at, "date the warning was served")
    served_on = _local_date(served_at)
    _check_recipient(recipient_person, recipient_organisation, served_on)
    if compliance_deadline <= served_on:
        raise NotAllowed(
            "The compliance deadline must be after the day the warning is served: the recipient must be given "
            "enough time to comply before a CPN can follow."
        )
    warning = CommunityProtectionWarning(
        case=case,
        recipient_person=recipient_person,
        recipient_organisation=recipient_organisation,
        recipient_address=recipient_address.strip(),
        conduct=conduct.strip(),
        requirements=requirements.strip(),
        compliance_deadline=compliance_deadline,
        served_at=served_at,
        served_how=served_how,
        served_by=by,
        issuing_agency=agency,
    )
    save_with_history(warning, by, "CPN written warning served")
    return warning


def _warning_outcome(warning: CommunityProtectionWarning, by: User, to: str, on: date, notes: str, reason: str):
    warning = _locked_through_case(warning, by, "change_communityprotectionwarning", "record warning outcomes")
    _move(warning, WARNING_TRANSITIONS, to, "written warning")
    _not_future(on, "date")
    if on < _local_date(warning.served_at):
        raise NotAllowed("The date cannot be before the warning was served.")
    warning.outcome_on = on
    warning.outcome_notes = notes.strip()
    save_with_history(warning, by, reason)
    return warning


@transaction.atomic
def mark_warning_complied(*, warning: CommunityProtectionWarning, by: User, on: date, notes: str = ""):
    return _warning_outcome(warning, by, WarningStatus.COMPLIED, on, notes, "Written warning complied with")


@transaction.atomic
def record_warning_breach(*, warning: CommunityProtectionWarning, by: User, on: date, notes: str):
    """The conduct carried on after the warning: the evidence that a CPN may now be issued."""
    _required_text(evidence_of_the_breach=notes)
    return _warning_outcome(warning, by, WarningStatus.BREACHED, on, notes, "Written warning breached")


@transaction.atomic
def withdraw_warning(*, warning: CommunityProtectionWarning, by: User, on: date, notes: str):
    _required_text(reason_for_withdrawing=notes)
    return _warning_outcome(warning, by, WarningStatus.WITHDRAWN, on, notes, "Written warning withdrawn")


# --- Community Protection Notices -----------------------------------------------------------------------


CPN_RULE = (
    "A Community Protection Notice can only be issued after a written warning to the same recipient has been "
    "served and the time it gave to comply has passed, even if a breach was recorded earlier (s43(5) of the 2014 Act)."
)


def qualifying_warning_problem(warning: CommunityProtectionWarning | None, issued_on: date) -> str:
    """Why this warning cannot support a CPN issued on `issued_on`, or "" when it can."""
    if warning is None:
        return f"No written warning has been served on this recipient. {CPN_RULE}"
    if _local_date(warning.served_at) > issued_on:
        return f"The written warning was served after {_fmt(issued_on)}. {CPN_RULE}"
    if warning.status == WarningStatus.WITHDRAWN:
        return f"The written warning was withdrawn. {CPN_RULE}"
    if warning.status == WarningStatus.COMPLIED:
        return "The recipient complied with the written warning: record a breach of it before issuing a CPN."
    if warning.compliance_deadline >= issued_on:  # a breach recorded earlier does not shorten the time (s43(5)(b))
        return (
            f"The time to comply with the written warning runs until {_fmt(warning.compliance_deadline)}: a CPN "
            "can only be issued once the time it gave has passed, even if a breach was recorded earlier "
            "(s43(5)(b) of the 2014 Act)."
        )
    return ""


@transaction.atomic
def issue_cpn(
    *,
    case: Case,
    by: User,
    issued_on: date,
    served_how: str,
    compliance_deadline: date,
    warning: CommunityProtectionWarning | None = None,
    recipient_person: Person | None = None,
    recipient_organisation: Organisation | None = None,
    recipient_address: str = "",
    conduct: str = "",
    requirements: str = "",
) -> CommunityProtectionNotice:
    """Issue a CPN escalating a written warning; refused unless the warning has run its course."""
    agency = _acting_on_case(by, case, "add_communityprotectionnotice", "issue Community Protection Notices")
    _check_cpn_issuer(agency, "Community Protection Notice", issued_on)
    if served_how not in ServiceMethod.values:
        raise NotAllowed("Choose how the notice was served.")
    _not_future(issued_on, "date the notice was issued")
    if warning is not None:
        if recipient_person is not None or recipient_organisation is not None:
            named = CommunityProtectionWarning(
                recipient_person=recipient_person, recipient_organisation=recipient_organisation
            )
            if not _same_recipient(named, warning):
                raise NotAllowed(
                    f"The written warning was given to {warning.recipient_name}, not "
                    f"{recipient_person or recipient_organisation}. {CPN_RULE}"
                )
        if not access.visible_cases(by).filter(pk=warning.case_id).exists():
            raise NotAllowed(f"No written warning has been served on this recipient. {CPN_RULE}")
        warning = CommunityProtectionWarning.objects.select_for_update().get(pk=warning.pk)
    else:
        if (recipient_person is None) == (recipient_organisation is None):
            raise NotAllowed("Choose the written warning this notice follows.")
        candidates = CommunityProtectionWarning.objects.filter(
            case__in=access.visible_cases(by),
            recipient_person=recipient_person,
            recipient_organisation=recipient_organisation,
        ).order_by("-served_at")
        warning = next((w for w in candidates if not qualifying_warning_problem(w, issued_on)), None)
        if warning is None:
            latest = candidates.first()
            raise NotAllowed(qualifying_warning_problem(latest, issued_on))
    problem = qualifying_warning_problem(warning, issued_on)
    if problem:
        raise NotAllowed(problem)
    person, organisation = warning.recipient_person, warning.recipient_organisation
    _check_recipient(person, organisation, issued_on)
    if compliance_deadline < issued_on:
        raise NotAllowed("The compliance deadline cannot be before the notice is issued.")
    notice = CommunityProtectionNotice(
        case=case,
        warning=warning,
        recipient_person=person,
        recipient_organisation=organisation,
        recipient_address=(recipient_address or warning.recipient_address).strip(),
        conduct=(conduct or warning.conduct).strip(),
        requirements=(requirements or warning.requirements).strip(),
        compliance_deadline=compliance_deadline,
        issued_on=issued_on,
        served_how=served_how,
        issued_by=by,
        issuing_agency=agency,
        appeal_deadline=periods.last_day_beginning_with(issued_on, days=law("cpn.appeal_days", on=issued_on)),
    )
    save_with_history(notice, by, "Community Protection Notice issued")
    return notice


def _cpn_for_change(cpn: CommunityProtectionNotice, by: User) -> CommunityProtectionNotice:
    return _locked_through_case(cpn, by, "change_communityprotectionnotice", "change Community Protection Notices")


@transaction.atomic
def lodge_appeal(*, notice, by: User, lodged_on: date, grounds: str) -> CommunityProtectionNotice:
    """Record an appeal to the magistrates' court against a CPN (s46(2): the window begins with the day of
    issue); a written warning cannot be appealed."""
    if isinstance(notice, CommunityProtectionWarning):
        raise NotAllowed(
            "A written warning cannot be appealed: only a Community Protection Notice can, within "
            f"{law('cpn.appeal_days', on=timezone.localdate())} days beginning with the day of issue (s46(2) of the "
            "2014 Act)."
        )
    if not isinstance(notice, CommunityProtectionNotice):
        raise NotAllowed("Only a Community Protection Notice can be appealed here.")
    cpn = _cpn_for_change(notice, by)
    _required_text(grounds_of_appeal=grounds)
    if lodged_on < cpn.issued_on:
        raise NotAllowed("An appeal cannot be lodged before the notice was issued.")
    if lodged_on > cpn.appeal_deadline:
        raise NotAllowed(
            f"An appeal against a CPN must be made within {law('cpn.appeal_days', on=cpn.issued_on)} days beginning "
            "with the day "
            f"it was issued, by {_fmt(cpn.appeal_deadline)} (s46(2) of the 2014 Act); this one was lodged on "
            f"{_fmt(lodged_on)}."
        )
    if cpn.appeal_lodged_on:
        raise InvalidTransition("An appeal against this notice has already been recorded.")
    _move(cpn, CPN_TRANSITIONS, CPNStatus.APPEALED, "notice")
    cpn.appeal_lodged_on = lodged_on
    cpn.appeal_grounds = grounds.strip()
    save_with_history(cpn, by, "Appeal lodged")
    return cpn


@transaction.atomic
def decide_appeal(
    *, cpn: CommunityProtectionNotice, by: User, outcome: str, decided_on: date, varied_requirements: str = ""
) -> CommunityProtectionNotice:
    cpn = _cpn_for_change(cpn, by)
    if cpn.status != CPNStatus.APPEALED:
        raise InvalidTransition("There is no appeal waiting for a decision on this notice.")
    if outcome not in AppealOutcome.values:
        raise NotAllowed("Choose the court's decision.")
    assert cpn.appeal_lodged_on is not None  # an appealed notice has the day its appeal was lodged
    if decided_on < cpn.appeal_lodged_on:
        raise NotAllowed("The decision cannot be before the appeal was lodged.")
    _not_future(decided_on, "date of the decision")
    if outcome == AppealOutcome.VARIED:
        _required_text(varied_requirements=varied_requirements)
        cpn.requirements = varied_requirements.strip()
    _move(cpn, CPN_TRANSITIONS, CPNStatus.QUASHED if outcome == AppealOutcome.QUASHED else CPNStatus.IN_FORCE, "notice")
    cpn.appeal_outcome = outcome
    cpn.appeal_decided_on = decided_on
    save_with_history(cpn, by, f"Appeal decided: {AppealOutcome(outcome).label}")
    return cpn


@transaction.atomic
def record_cpn_breach(
    *,
    cpn: CommunityProtectionNotice,
    by: User,
    occurred_on: date,
    description: str,
    evidence_summary: str,
    evidence: list[Evidence] | tuple = (),
) -> CPNBreach:
    """A failure to comply (s48), with the evidence for it; what follows is an FPN or a prosecution."""
    _require_perm(by, "add_cpnbreach", "record CPN breaches")
    cpn = _cpn_for_change(cpn, by)
    _required_text(description_of_the_breach=description, evidence=evidence_summary)
    _not_future(occurred_on, "date of the breach")
    if occurred_on < cpn.issued_on:
        raise NotAllowed("A breach cannot happen before the notice was issued.")
    if any(item.case_id != cpn.case_id for item in evidence):
        raise NotAllowed("Evidence must come from this case.")
    if cpn.status != CPNStatus.APPEALED:  # during an appeal its prohibitions stay in effect (s46(3))
        _move(cpn, CPN_TRANSITIONS, CPNStatus.BREACHED, "notice")
    breach = CPNBreach(
        cpn=cpn, occurred_on=occurred_on, description=description.strip(), evidence_summary=evidence_summary.strip()
    )
    breach.recorded_by = by
    save_with_history(breach, by, "CPN breach recorded")
    if evidence:
        breach.evidence.set(evidence)
    save_with_history(cpn, by, "CPN breached")
    return breach


def _cpn_status(
    cpn: CommunityProtectionNotice, by: User, to: str, notes: str, reason: str
) -> CommunityProtectionNotice:
    cpn = _cpn_for_change(cpn, by)
    _move(cpn, CPN_TRANSITIONS, to, "notice")
    cpn.status_notes = notes.strip()
    save_with_history(cpn, by, reason)
    return cpn


@transaction.atomic
def mark_cpn_complied(*, cpn: CommunityProtectionNotice, by: User, notes: str = "") -> CommunityProtectionNotice:
    return _cpn_status(cpn, by, CPNStatus.COMPLIED, notes, "CPN complied with")


@transaction.atomic
def withdraw_cpn(*, cpn: CommunityProtectionNotice, by: User, notes: str) -> CommunityProtectionNotice:
    _required_text(reason_for_withdrawing=notes)
    return _cpn_status(cpn, by, CPNStatus.WITHDRAWN, notes, "CPN withdrawn")

"""Every write of information governance: one service per step of a subject access request or a complaint.

Keyword-only, typed, atomic; each saves with history (the acting user and a reason) and writes an access-log
row against the data subject, so the IG team's own handling of a request is itself on the record.
"""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from audit.models import AccessAction, DisclosureKind
from audit.services import log_access, log_disclosure
from casework.access import agency_name
from casework.errors import InvalidTransition
from casework.models import Person
from casework.services import save_with_history
from common.dates import govuk_date

from .models import (
    AgencyPurpose,
    ComplaintOutcome,
    ComplaintStatus,
    DataProtectionComplaint,
    DataRequest,
    LawfulBasis,
    Regime,
    SarDecision,
    SarPause,
    SarStatus,
    SubjectAccessRequest,
)


def _log_sar(sar: SubjectAccessRequest, *, by: User, action: str, step: str, details: dict | None = None) -> None:
    log_access(
        user=by,
        agency=agency_name(by),
        action=action,
        object_type="subject_access_request",
        object_id=sar.pk,
        object_label=sar.reference,
        person_id=sar.person_id,
        details={"step": step, **{k: _plain(v) for k, v in (details or {}).items()}},
    )


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _not_future(day: date, what: str) -> None:
    if day > timezone.localdate():
        raise InvalidTransition(f"The date {what} cannot be in the future")


def _open(sar: SubjectAccessRequest) -> None:
    if sar.status == SarStatus.DECIDED:
        raise InvalidTransition("This request has been decided: it can no longer change")


@transaction.atomic
def receive_sar(*, person: Person, requester_name: str, received_on: date, by: User) -> SubjectAccessRequest:
    _not_future(received_on, "it was received")
    sar = SubjectAccessRequest(person=person, requester_name=requester_name, received_on=received_on, created_by=by)
    save_with_history(sar, by, "Request received")
    _log_sar(sar, by=by, action=AccessAction.CREATE, step="received", details={"received_on": received_on})
    return sar


@transaction.atomic
def record_identity_check(
    *, sar: SubjectAccessRequest, checked_on: date, evidence: str, by: User
) -> SubjectAccessRequest:
    _open(sar)
    _not_future(checked_on, "identity was checked")
    if checked_on < sar.received_on:
        raise InvalidTransition("Identity cannot be checked before the request was received")
    sar.identity_checked_on, sar.identity_evidence = checked_on, evidence
    if sar.status == SarStatus.RECEIVED:
        sar.status = SarStatus.IDENTITY_CHECKED
    save_with_history(sar, by, "Identity checked")
    _log_sar(sar, by=by, action=AccessAction.CHANGE, step="identity_checked", details={"checked_on": checked_on})
    return sar


@transaction.atomic
def pause_for_clarification(*, sar: SubjectAccessRequest, paused_on: date, question: str, by: User) -> SarPause:
    """Stop the clock while the requester is asked what they want (DUAA 2025)."""
    _open(sar)
    if sar.pauses.filter(resumed_on__isnull=True).exists():
        raise InvalidTransition("The clock is already paused for a clarification")
    if paused_on < sar.received_on:
        raise InvalidTransition("The clock cannot pause before the request was received")
    pause = SarPause(request=sar, paused_on=paused_on, question=question)
    save_with_history(pause, by, "Clock paused for clarification")
    sar.status = SarStatus.CLARIFYING
    save_with_history(sar, by, "Clock paused for clarification")
    _log_sar(sar, by=by, action=AccessAction.CHANGE, step="paused", details={"paused_on": paused_on})
    return pause


@transaction.atomic
def resume_after_clarification(*, sar: SubjectAccessRequest, resumed_on: date, by: User) -> SarPause:
    pause = sar.pauses.select_for_update().filter(resumed_on__isnull=True).first()
    if pause is None:
        raise InvalidTransition("The clock is not paused")
    if resumed_on < pause.paused_on:
        raise InvalidTransition("The clock cannot restart before it paused")
    pause.resumed_on = resumed_on
    save_with_history(pause, by, "Clarification received; clock restarted")
    sar.status = SarStatus.IDENTITY_CHECKED if sar.identity_checked_on else SarStatus.RECEIVED
    save_with_history(sar, by, "Clarification received; clock restarted")
    _log_sar(sar, by=by, action=AccessAction.CHANGE, step="resumed", details={"resumed_on": resumed_on})
    return pause


@transaction.atomic
def extend_sar(*, sar: SubjectAccessRequest, extended_on: date, reason: str, by: User) -> SubjectAccessRequest:
    """Two more months for a complex or numerous request; the requester must be told within the first month."""
    _open(sar)
    if sar.extended_on:
        raise InvalidTransition("This request has already been extended")
    if not reason.strip():
        raise InvalidTransition("Say why the request is complex")
    first_deadline = sar.clock().deadline
    if first_deadline and extended_on > first_deadline:
        raise InvalidTransition("An extension must be decided within the first month")
    sar.extended_on, sar.extension_reason = extended_on, reason
    save_with_history(sar, by, "Extended by two months")
    _log_sar(sar, by=by, action=AccessAction.CHANGE, step="extended", details={"extended_on": extended_on})
    return sar


@transaction.atomic
def record_searches(*, sar: SubjectAccessRequest, searches: str, searched_on: date, by: User) -> SubjectAccessRequest:
    """What was searched, which the Act asks to be reasonable and proportionate."""
    _open(sar)
    if not sar.identity_checked_on:
        raise InvalidTransition("Check the requester's identity before searching")
    if not searches.strip():
        raise InvalidTransition("Record what was searched")
    sar.searches, sar.searched_on = searches, searched_on
    if sar.status != SarStatus.CLARIFYING:
        sar.status = SarStatus.SEARCHED
    save_with_history(sar, by, "Searches recorded")
    _log_sar(sar, by=by, action=AccessAction.CHANGE, step="searched", details={"searched_on": searched_on})
    return sar


@transaction.atomic
def record_pack_generated(*, sar: SubjectAccessRequest, cases: list[str], by: User) -> None:
    """The disclosure pack left the system: an access-log row and a disclosure to the data subject."""
    sar.pack_generated_at = timezone.now()
    save_with_history(sar, by, "Disclosure pack produced")
    _log_sar(sar, by=by, action=AccessAction.PRINT, step="pack", details={"cases": cases})
    log_disclosure(
        user=by,
        kind=DisclosureKind.EXPORT,
        from_agency=agency_name(by),
        to_agency=f"The data subject ({sar.reference})",
        object_type="subject_access_request",
        object_id=sar.pk,
        object_label=sar.reference,
        legal_basis="UK GDPR Article 15 (right of access)",
        purpose="Subject access request",
        details={"person_id": sar.person_id, "cases": cases},
    )


@transaction.atomic
def decide_sar(
    *, sar: SubjectAccessRequest, decision: str, reason: str, decided_on: date, by: User
) -> SubjectAccessRequest:
    _open(sar)
    if decision not in SarDecision.values:
        raise InvalidTransition("Choose a decision")
    if sar.pauses.filter(resumed_on__isnull=True).exists():
        raise InvalidTransition("The clock is paused: record the requester's clarification first")
    if decision in (SarDecision.DISCLOSED, SarDecision.DISCLOSED_REDACTED) and not sar.pack_generated_at:
        raise InvalidTransition("Produce the disclosure pack before recording that it was disclosed")
    if not sar.searches:
        raise InvalidTransition("Record what was searched before deciding")
    sar.decision, sar.decision_reason, sar.decided_on, sar.decided_by = decision, reason, decided_on, by
    sar.status = SarStatus.DECIDED
    save_with_history(sar, by, "Decision recorded")
    deadline = sar.clock().deadline
    _log_sar(
        sar,
        by=by,
        action=AccessAction.CHANGE,
        step="decided",
        details={
            "decision": decision,
            "decided_on": decided_on,
            "deadline": deadline,
            "in_time": decided_on <= deadline,  # type: ignore[operator]  # a decided request's clock has a deadline
        },
    )
    return sar


# Data-protection complaints --------------------------------------------------------------------------------------


def _log_complaint(complaint: DataProtectionComplaint, *, by: User, action: str, step: str) -> None:
    log_access(
        user=by,
        agency=agency_name(by),
        action=action,
        object_type="dp_complaint",
        object_id=complaint.pk,
        object_label=complaint.reference,
        person_id=complaint.person_id,
        details={"step": step},
    )


@transaction.atomic
def receive_complaint(
    *, complainant: str, summary: str, received_on: date, by: User, person: Person | None = None
) -> DataProtectionComplaint:
    _not_future(received_on, "it was received")
    complaint = DataProtectionComplaint(
        complainant=complainant, summary=summary, received_on=received_on, person=person, created_by=by
    )
    save_with_history(complaint, by, "Complaint received")
    _log_complaint(complaint, by=by, action=AccessAction.CREATE, step="received")
    return complaint


@transaction.atomic
def acknowledge_complaint(
    *, complaint: DataProtectionComplaint, acknowledged_on: date, by: User
) -> DataProtectionComplaint:
    if complaint.acknowledged_on:
        raise InvalidTransition("This complaint has already been acknowledged")
    if acknowledged_on < complaint.received_on:
        raise InvalidTransition("A complaint cannot be acknowledged before it was received")
    _not_future(acknowledged_on, "it was acknowledged")
    complaint.acknowledged_on = acknowledged_on
    complaint.status = ComplaintStatus.ACKNOWLEDGED
    save_with_history(complaint, by, "Acknowledged")
    _log_complaint(complaint, by=by, action=AccessAction.CHANGE, step="acknowledged")
    return complaint


@transaction.atomic
def start_investigation(
    *, complaint: DataProtectionComplaint, started_on: date, investigator: str, by: User
) -> DataProtectionComplaint:
    if not complaint.acknowledged_on:
        raise InvalidTransition("Acknowledge the complaint first")
    if complaint.status == ComplaintStatus.CLOSED:
        raise InvalidTransition("This complaint is closed")
    complaint.investigation_started_on, complaint.investigator = started_on, investigator
    complaint.status = ComplaintStatus.INVESTIGATING
    save_with_history(complaint, by, "Investigation started")
    _log_complaint(complaint, by=by, action=AccessAction.CHANGE, step="investigating")
    return complaint


@transaction.atomic
def record_complaint_outcome(
    *, complaint: DataProtectionComplaint, outcome: str, outcome_on: date, summary: str, by: User
) -> DataProtectionComplaint:
    if complaint.status == ComplaintStatus.CLOSED:
        raise InvalidTransition("This complaint already has an outcome")
    if outcome not in ComplaintOutcome.values:
        raise InvalidTransition("Choose an outcome")
    if not complaint.acknowledged_on:
        raise InvalidTransition("Acknowledge the complaint first")
    complaint.outcome, complaint.outcome_on, complaint.outcome_summary = outcome, outcome_on, summary
    complaint.status = ComplaintStatus.CLOSED
    save_with_history(complaint, by, "Outcome recorded")
    _log_complaint(complaint, by=by, action=AccessAction.CHANGE, step="outcome")
    return complaint


# Lawful bases, regimes and requests from other public bodies ----------------------------------------------------


@transaction.atomic
def set_agency_purpose(*, agency, purpose: str, regime: str, effective_from: date, by: User) -> AgencyPurpose:
    """Record the regime an agency processes under for a purpose; a later row for the same purpose supersedes."""
    if regime not in Regime.values:
        raise InvalidTransition("Choose the data-protection regime")
    record = AgencyPurpose(agency=agency, purpose=purpose, regime=regime, effective_from=effective_from, created_by=by)
    save_with_history(record, by, "Processing purpose recorded")
    log_access(
        user=by,
        agency=agency_name(by),
        action=AccessAction.CREATE,
        object_type="agency_purpose",
        object_id=record.pk,
        object_label=str(record)[:200],
        details={"agency": str(agency), "regime": regime, "effective_from": effective_from.isoformat()},
    )
    return record


@transaction.atomic
def record_data_request(
    *,
    requesting_body: str,
    requester: str,
    received_on: date,
    lawful_basis: LawfulBasis,
    requested: str,
    given: str,
    decided_on: date,
    by: User,
    person: Person | None = None,
    refused_reason: str = "",
) -> DataRequest:
    """A public body asked for personal data: who, under which basis, what was given (a disclosure-log row)."""
    if not lawful_basis.in_force(received_on):
        raise InvalidTransition(f"{lawful_basis.label} was not in force on {govuk_date(received_on)}")
    if not given.strip() and not refused_reason.strip():
        raise InvalidTransition("Record what was given, or why nothing was")
    if decided_on < received_on:
        raise InvalidTransition("A request cannot be decided before it was received")
    record = DataRequest(
        requesting_body=requesting_body,
        requester=requester,
        received_on=received_on,
        lawful_basis=lawful_basis,
        person=person,
        requested=requested,
        given=given,
        refused_reason=refused_reason,
        decided_on=decided_on,
        decided_by=by,
    )
    save_with_history(record, by, "Request from a public body recorded")
    log_disclosure(
        user=by,
        kind=DisclosureKind.EXPORT,
        from_agency=agency_name(by),
        to_agency=requesting_body,
        object_type="data_request",
        object_id=record.pk,
        object_label=f"Request from {requesting_body}"[:200],
        legal_basis=lawful_basis.label,
        purpose=requested,
        details={
            "requester": requester,
            "person_id": person.pk if person else None,
            "given": given,
            "refused_reason": refused_reason,
            "lawful_basis_code": lawful_basis.code,
        },
    )
    return record

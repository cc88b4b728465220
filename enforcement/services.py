"""Every write to the enforcement records, and every statutory rule they must hold.

Each service is one transaction, checks who is acting (model permission, then the case or owner agency),
validates everything before saving anything, computes and stores the deadlines, and saves through
casework.services.save_with_history so history rows carry the acting user and a reason. A refusal raises
NotAllowed / InvalidTransition with a message that names the rule, for the screen to show.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from casework import access
from casework.errors import InvalidTransition, NotAllowed
from casework.models import Agency, Case, Evidence, Organisation, Person, Ward
from casework.services import save_with_history
from statutory.selectors import rule as law_rule
from statutory.selectors import value as law

from . import periods
from .config import limit
from .models import (
    BreachOutcome,
    CivilInjunction,
    ClosureAuthority,
    ClosureExtensionAuthority,
    ClosureHearingAdjournment,
    ClosureNotice,
    ClosureOrder,
    ClosureOrderExtension,
    ClosureOrderStatus,
    ClosureScope,
    ClosureStatus,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CourtOrderStatus,
    CPNBreach,
    CPNStatus,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    FPNNumberCounter,
    FPNStatus,
    OffenceCode,
    OrderBreach,
    OrderDecision,
    OrderVariation,
    PSPOBreach,
    PSPOCondition,
    PSPOExtension,
    PSPOStatus,
    PublicSpacesProtectionOrder,
    RespectOrder,
    ServiceMethod,
    WarningStatus,
)

FUTURE_TOLERANCE = timedelta(minutes=5)

# --- State machines: the moves each record may make (one service per move) -------------------------------

WARNING_TRANSITIONS: dict[str, set[str]] = {
    WarningStatus.SERVED: {WarningStatus.COMPLIED, WarningStatus.BREACHED, WarningStatus.WITHDRAWN},
    WarningStatus.COMPLIED: {WarningStatus.BREACHED},
    WarningStatus.BREACHED: set(),
    WarningStatus.WITHDRAWN: set(),
}

CPN_TRANSITIONS: dict[str, set[str]] = {
    CPNStatus.IN_FORCE: {CPNStatus.APPEALED, CPNStatus.BREACHED, CPNStatus.COMPLIED, CPNStatus.WITHDRAWN},
    CPNStatus.APPEALED: {CPNStatus.IN_FORCE, CPNStatus.QUASHED},
    CPNStatus.BREACHED: {CPNStatus.APPEALED, CPNStatus.BREACHED, CPNStatus.COMPLIED, CPNStatus.WITHDRAWN},
    CPNStatus.COMPLIED: {CPNStatus.BREACHED, CPNStatus.WITHDRAWN},
    CPNStatus.QUASHED: set(),
    CPNStatus.WITHDRAWN: set(),
}

FPN_TRANSITIONS: dict[str, set[str]] = {
    FPNStatus.ISSUED: {FPNStatus.PAID, FPNStatus.CANCELLED, FPNStatus.PROSECUTION},
    FPNStatus.PROSECUTION: {FPNStatus.CANCELLED},
    FPNStatus.PAID: set(),
    FPNStatus.CANCELLED: set(),
}

CLOSURE_TRANSITIONS: dict[str, set[str]] = {
    ClosureStatus.IN_FORCE: {ClosureStatus.ORDER_GRANTED, ClosureStatus.ORDER_REFUSED, ClosureStatus.CANCELLED},
    ClosureStatus.ORDER_GRANTED: set(),
    ClosureStatus.ORDER_REFUSED: set(),
    ClosureStatus.CANCELLED: set(),
}


# A closure order stays "in force" when varied; a CBO or injunction shows that it was varied.
CLOSURE_ORDER_TRANSITIONS: dict[str, set[str]] = {
    ClosureOrderStatus.IN_FORCE: {ClosureOrderStatus.IN_FORCE, ClosureOrderStatus.DISCHARGED},
    ClosureOrderStatus.DISCHARGED: set(),
}

COURT_ORDER_TRANSITIONS: dict[str, set[str]] = {
    CourtOrderStatus.IN_FORCE: {CourtOrderStatus.VARIED, CourtOrderStatus.DISCHARGED},
    CourtOrderStatus.VARIED: {CourtOrderStatus.VARIED, CourtOrderStatus.DISCHARGED},
    CourtOrderStatus.DISCHARGED: set(),
}


def _move(record, table: dict[str, set[str]], to: str, what: str) -> None:
    allowed = table.get(record.status, set())
    if to not in allowed:
        current = record.get_status_display().lower()
        target = type(record)._meta.get_field("status").choices
        label = dict(target).get(to, to)
        raise InvalidTransition(f"This {what} is {current}, so it cannot become {str(label).lower()}.")
    record.status = to


# --- Who may act ----------------------------------------------------------------------------------------


def _require_perm(by, codename: str, doing: str) -> None:
    access.require(by, f"enforcement.{codename}", f"You do not have permission to {doing}.", error=NotAllowed)


def _require_agency(by) -> Agency:
    agency = access.agency_of(by)
    if agency is None:
        raise NotAllowed("Only a member of a partner agency can record enforcement action.")
    return agency


def _require_case_change(by, case: Case) -> None:
    if not access.can_change(by, case):
        raise NotAllowed("You do not have permission to change this case.")


def _require_record_change(by, record) -> None:
    if not access.may_change_record(by, record):
        raise NotAllowed("You do not have permission to change this record.")


def _not_future(moment: datetime | date, what: str) -> None:
    now = timezone.now()
    if isinstance(moment, datetime):
        if moment > now + FUTURE_TOLERANCE:
            raise NotAllowed(f"The {what} cannot be in the future.")
    elif moment > timezone.localdate():
        raise NotAllowed(f"The {what} cannot be in the future.")


def _required_text(**fields: str) -> None:
    for label, value in fields.items():
        if not (value or "").strip():
            raise NotAllowed(f"Enter the {label.replace('_', ' ')}.")


def _after_hours(moment: datetime, hours: int) -> datetime:
    """Real elapsed hours (in UTC), so a clock change inside the period is counted as it happened."""
    return moment.astimezone(UTC) + timedelta(hours=hours)


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _fmt_time(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


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
    by,
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
    _require_perm(by, "add_communityprotectionwarning", "give CPN written warnings")
    _require_case_change(by, case)
    agency = _require_agency(by)
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


def _warning_outcome(warning: CommunityProtectionWarning, by, to: str, on: date, notes: str, reason: str):
    _require_perm(by, "change_communityprotectionwarning", "record warning outcomes")
    _require_case_change(by, warning.case)
    warning = CommunityProtectionWarning.objects.select_for_update().get(pk=warning.pk)
    _move(warning, WARNING_TRANSITIONS, to, "written warning")
    _not_future(on, "date")
    if on < _local_date(warning.served_at):
        raise NotAllowed("The date cannot be before the warning was served.")
    warning.outcome_on = on
    warning.outcome_notes = notes.strip()
    save_with_history(warning, by, reason)
    return warning


@transaction.atomic
def mark_warning_complied(*, warning: CommunityProtectionWarning, by, on: date, notes: str = ""):
    return _warning_outcome(warning, by, WarningStatus.COMPLIED, on, notes, "Written warning complied with")


@transaction.atomic
def record_warning_breach(*, warning: CommunityProtectionWarning, by, on: date, notes: str):
    """The conduct carried on after the warning: the evidence that a CPN may now be issued."""
    _required_text(evidence_of_the_breach=notes)
    return _warning_outcome(warning, by, WarningStatus.BREACHED, on, notes, "Written warning breached")


@transaction.atomic
def withdraw_warning(*, warning: CommunityProtectionWarning, by, on: date, notes: str):
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
    by,
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
    _require_perm(by, "add_communityprotectionnotice", "issue Community Protection Notices")
    _require_case_change(by, case)
    agency = _require_agency(by)
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


def _cpn_for_change(cpn: CommunityProtectionNotice, by) -> CommunityProtectionNotice:
    _require_perm(by, "change_communityprotectionnotice", "change Community Protection Notices")
    _require_case_change(by, cpn.case)
    return CommunityProtectionNotice.objects.select_for_update().get(pk=cpn.pk)


@transaction.atomic
def lodge_appeal(*, notice, by, lodged_on: date, grounds: str) -> CommunityProtectionNotice:
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
    *, cpn: CommunityProtectionNotice, by, outcome: str, decided_on: date, varied_requirements: str = ""
) -> CommunityProtectionNotice:
    from .models import AppealOutcome

    cpn = _cpn_for_change(cpn, by)
    if cpn.status != CPNStatus.APPEALED:
        raise InvalidTransition("There is no appeal waiting for a decision on this notice.")
    if outcome not in AppealOutcome.values:
        raise NotAllowed("Choose the court's decision.")
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
    by,
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


def _cpn_status(cpn: CommunityProtectionNotice, by, to: str, notes: str, reason: str) -> CommunityProtectionNotice:
    cpn = _cpn_for_change(cpn, by)
    _move(cpn, CPN_TRANSITIONS, to, "notice")
    cpn.status_notes = notes.strip()
    save_with_history(cpn, by, reason)
    return cpn


@transaction.atomic
def mark_cpn_complied(*, cpn: CommunityProtectionNotice, by, notes: str = "") -> CommunityProtectionNotice:
    return _cpn_status(cpn, by, CPNStatus.COMPLIED, notes, "CPN complied with")


@transaction.atomic
def withdraw_cpn(*, cpn: CommunityProtectionNotice, by, notes: str) -> CommunityProtectionNotice:
    _required_text(reason_for_withdrawing=notes)
    return _cpn_status(cpn, by, CPNStatus.WITHDRAWN, notes, "CPN withdrawn")


# --- Fixed penalty notices ------------------------------------------------------------------------------


def offence_in_effect(code: str, on: date) -> OffenceCode | None:
    return (
        OffenceCode.objects.filter(code=code, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .order_by("-effective_from")
        .first()
    )


def offence_code_problems(offence: OffenceCode) -> list[str]:
    """What is wrong with an offence code's figures; the admin and the services both refuse them."""
    problems = []
    minimum = law("fpn.no_proceedings_days", on=offence.effective_from or timezone.localdate())
    if offence.full_amount is not None and offence.full_amount <= 0:
        problems.append("The full amount must be more than £0.")
    if (
        offence.full_amount is not None
        and offence.early_payment_amount is not None
        and not (0 < offence.early_payment_amount <= offence.full_amount)
    ):
        problems.append("The early payment amount must be more than £0 and no more than the full amount.")
    if offence.payment_days is not None and offence.payment_days < minimum:
        problems.append(
            f"The payment period must be at least {minimum} days: no proceedings may start within {minimum} days "
            "of a fixed penalty notice."
        )
    if (
        offence.early_payment_days is not None
        and offence.payment_days is not None
        and offence.early_payment_days > offence.payment_days
    ):
        problems.append("The early payment period cannot be longer than the payment period.")
    if offence.code in (limit("CPN_BREACH_OFFENCE_CODE"), limit("PSPO_BREACH_OFFENCE_CODE")):
        problems.extend(_breach_penalty_problems(offence))
    if offence.effective_from and offence.effective_to and offence.effective_to < offence.effective_from:
        problems.append("The last day in effect cannot be before the first.")
    if offence.code and offence.effective_from:
        overlapping = OffenceCode.objects.filter(code=offence.code).exclude(pk=offence.pk)
        far_future = date.max
        for other in overlapping:
            if offence.effective_from <= (other.effective_to or far_future) and other.effective_from <= (
                offence.effective_to or far_future
            ):
                problems.append(
                    f"{offence.code} already has amounts in effect from {_fmt(other.effective_from)}: end that row "
                    "the day before this one starts."
                )
                break
    return problems


def _breach_penalty_problems(offence: OffenceCode) -> list[str]:
    """s52(7)-(8) and s68: the cap and the discount period for fixed penalties for CPN and PSPO breaches."""
    problems = []
    on = offence.effective_from or timezone.localdate()  # the cap in force on the row's date of effect
    cap_rule = law_rule("fpn.cpn_pspo_max_amount", on=on)
    cap = Decimal(cap_rule.value)
    if offence.full_amount is not None and offence.full_amount > cap:
        problems.append(
            f"A fixed penalty for breaching a CPN or a PSPO can be at most £{cap:,.0f} on {_fmt(on)} "
            f"({cap_rule.citation}); {offence.code} is set at £{offence.full_amount:,.2f}."
        )
    under = law("fpn.early_payment_days_under", on=on)
    if offence.early_payment_days is not None and offence.early_payment_days >= under:
        problems.append(
            f"The lower amount can only be offered for payment within a period of less than {under} days (s52(8) "
            f"and s68 of the 2014 Act): set the early payment period to {under - 1} days or fewer."
        )
    return problems


@transaction.atomic
def save_offence_code(*, offence: OffenceCode, by) -> OffenceCode:
    """Administrators keep the offence codes; figures that break the statutory limits are refused."""
    _require_perm(by, "change_offencecode" if offence.pk else "add_offencecode", "change offence codes")
    problems = offence_code_problems(offence)
    if problems:
        raise NotAllowed(" ".join(problems))
    save_with_history(offence, by, "Offence code changed" if offence.pk else "Offence code added")
    return offence


def _payment_date(issued_on: date, days: int) -> date:
    day = issued_on + timedelta(days=days)
    if limit("FPN_PAYMENT_DATES_ROLL_TO_WORKING_DAY"):
        day = periods.roll_to_working_day(day)
    return day


@dataclass(frozen=True)
class PaymentDates:
    early_payment_until: date
    payment_due: date
    no_proceedings_before: date


def fpn_payment_dates(offence: OffenceCode, issued_on: date) -> PaymentDates:
    """The discount and payment dates for a notice issued on `issued_on`, and when proceedings may begin."""
    early = _payment_date(issued_on, offence.early_payment_days)
    due = _payment_date(issued_on, offence.payment_days)
    return PaymentDates(early, due, issued_on + timedelta(days=law("fpn.no_proceedings_days", on=issued_on)))


def _next_notice_number(year: int) -> str:
    FPNNumberCounter.objects.get_or_create(year=year)
    counter = FPNNumberCounter.objects.select_for_update().get(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db()
    return f"{limit('FPN_NUMBER_PREFIX')}-{year}-{counter.last_number:05d}"


@transaction.atomic
def issue_fpn(
    *,
    by,
    offence_code: str,
    issued_at: datetime,
    offence_at: datetime,
    offence_description: str,
    location: str,
    recipient_name: str,
    recipient_address: str,
    recipient_date_of_birth: date | None = None,
    ward: Ward | None = None,
    notice_number: str = "",
    case: Case | None = None,
    cpn_breach: CPNBreach | None = None,
    pspo_breach: PSPOBreach | None = None,
) -> FixedPenaltyNotice:
    """Issue a fixed penalty: amounts from the offence code in effect that day, dates computed and stored."""
    _require_perm(by, "add_fixedpenaltynotice", "issue fixed penalty notices")
    agency = _require_agency(by)
    if case is not None:
        _require_case_change(by, case)
    _required_text(
        description_of_the_offence=offence_description,
        location=location,
        recipient_name=recipient_name,
        recipient_address=recipient_address,
    )
    _not_future(issued_at, "time the notice was issued")
    if offence_at > issued_at:
        raise NotAllowed("The offence must have happened before the notice was issued.")
    if recipient_date_of_birth and recipient_date_of_birth >= _local_date(issued_at):
        raise NotAllowed("The recipient's date of birth must be in the past.")
    issued_on = _local_date(issued_at)
    offence = offence_in_effect(offence_code, issued_on)
    if offence is None:
        raise NotAllowed(f"There is no offence code {offence_code} in effect on {_fmt(issued_on)}.")
    if offence.code in (limit("CPN_BREACH_OFFENCE_CODE"), limit("PSPO_BREACH_OFFENCE_CODE")):
        cap = law_rule("fpn.cpn_pspo_max_amount", on=issued_on)  # the cap in force on the day of issue
        if offence.full_amount > Decimal(cap.value):
            raise NotAllowed(
                f"A fixed penalty for breaching a CPN or a PSPO issued on {_fmt(issued_on)} can be at most "
                f"£{Decimal(cap.value):,.0f} ({cap.citation}); {offence.code} is set at £{offence.full_amount:,.2f}: "
                "an administrator must correct the offence code."
            )
    if notice_number and FixedPenaltyNotice.objects.filter(notice_number=notice_number.strip()).exists():
        raise NotAllowed(f"A notice numbered {notice_number.strip()} has already been recorded.")
    dates = fpn_payment_dates(offence, issued_on)
    fpn = FixedPenaltyNotice(
        notice_number=notice_number.strip() or _next_notice_number(issued_on.year),
        owner_agency=agency,
        case=case,
        cpn_breach=cpn_breach,
        pspo_breach=pspo_breach,
        offence=offence,
        offence_description=offence_description.strip(),
        offence_at=offence_at,
        location=location.strip(),
        ward=ward,
        recipient_name=recipient_name.strip(),
        recipient_address=recipient_address.strip(),
        recipient_date_of_birth=recipient_date_of_birth,
        issued_at=issued_at,
        issued_by=by,
        full_amount=offence.full_amount,
        early_payment_amount=offence.early_payment_amount,
        early_payment_until=dates.early_payment_until,
        payment_due=dates.payment_due,
        no_proceedings_before=dates.no_proceedings_before,
    )
    save_with_history(fpn, by, f"Fixed penalty notice issued ({offence.code})")
    return fpn


def _breach_fpn_check(breach, breach_kind: str) -> None:
    if breach.outcome != BreachOutcome.PENDING:
        raise InvalidTransition(f"This {breach_kind} has already been dealt with: {breach.get_outcome_display()}.")


def _fine_breach(breach: CPNBreach | PSPOBreach, by, **notice) -> FixedPenaltyNotice:
    """Issue the breach's fixed penalty and mark the breach dealt with by it, in the caller's transaction."""
    fpn = issue_fpn(by=by, **notice)
    breach.outcome = BreachOutcome.FIXED_PENALTY
    save_with_history(breach, by, "Fixed penalty notice issued for the breach")
    return fpn


@transaction.atomic
def issue_fpn_for_cpn_breach(
    *, breach: CPNBreach, by, issued_at: datetime, offence_description: str, location: str, notice_number: str = ""
) -> FixedPenaltyNotice:
    """A CPN breach dealt with by a fixed penalty (s52) under the CPN-breach offence code (CST08)."""
    breach = CPNBreach.objects.select_for_update().select_related("cpn__case").get(pk=breach.pk)
    _require_case_change(by, breach.cpn.case)
    _breach_fpn_check(breach, "breach")
    cpn = breach.cpn
    person = cpn.recipient_person
    offence_at = timezone.make_aware(datetime.combine(breach.occurred_on, datetime.min.time()))
    return _fine_breach(
        breach,
        by,
        offence_code=limit("CPN_BREACH_OFFENCE_CODE"),
        issued_at=issued_at,
        offence_at=min(offence_at, issued_at),
        offence_description=offence_description,
        location=location,
        recipient_name=cpn.recipient_name,
        recipient_address=cpn.recipient_address,
        recipient_date_of_birth=person.date_of_birth if person else None,
        ward=cpn.case.ward,
        notice_number=notice_number,
        case=cpn.case,
        cpn_breach=breach,
    )


@transaction.atomic
def issue_fpn_for_pspo_breach(
    *, breach: PSPOBreach, by, issued_at: datetime, offence_description: str, notice_number: str = ""
) -> FixedPenaltyNotice:
    """A PSPO breach dealt with by a fixed penalty (s68) under the PSPO-breach offence code (CST09)."""
    breach = PSPOBreach.objects.select_for_update().get(pk=breach.pk)
    _require_record_change(by, breach)
    _breach_fpn_check(breach, "breach")
    _required_text(offender_name=breach.offender_name, offender_address=breach.offender_address)
    return _fine_breach(
        breach,
        by,
        offence_code=limit("PSPO_BREACH_OFFENCE_CODE"),
        issued_at=issued_at,
        offence_at=breach.occurred_at,
        offence_description=offence_description,
        location=breach.location,
        recipient_name=breach.offender_name,
        recipient_address=breach.offender_address,
        ward=breach.ward,
        notice_number=notice_number,
        case=breach.case,
        pspo_breach=breach,
    )


@transaction.atomic
def refer_breach_for_prosecution(*, breach: CPNBreach | PSPOBreach, by, notes: str = "") -> CPNBreach | PSPOBreach:
    """Prosecute a breach directly, instead of a fixed penalty (an unpaid penalty goes through its notice)."""
    model = type(breach)
    breach = model.objects.select_for_update().get(pk=breach.pk)
    if isinstance(breach, CPNBreach):
        _require_case_change(by, breach.cpn.case)
    else:
        _require_record_change(by, breach)
    _breach_fpn_check(breach, "breach")
    breach.outcome = BreachOutcome.PROSECUTION
    if isinstance(breach, CPNBreach):
        breach.outcome_notes = notes.strip()
    save_with_history(breach, by, "Breach referred for prosecution")
    return breach


def amount_due_on(fpn: FixedPenaltyNotice, paid_on: date) -> Decimal | None:
    """The amount payable on a day: the lower amount in the early period, the full amount to the due date."""
    if paid_on <= fpn.early_payment_until:
        return fpn.early_payment_amount
    if paid_on <= fpn.payment_due:
        return fpn.full_amount
    return None


def _fpn_for_change(fpn: FixedPenaltyNotice, by) -> FixedPenaltyNotice:
    _require_perm(by, "change_fixedpenaltynotice", "change fixed penalty notices")
    fpn = FixedPenaltyNotice.objects.select_for_update().get(pk=fpn.pk)
    _require_record_change(by, fpn)
    return fpn


@transaction.atomic
def record_fpn_payment(
    *, fpn: FixedPenaltyNotice, by, paid_on: date, amount: Decimal, payment_reference: str = ""
) -> FixedPenaltyNotice:
    fpn = _fpn_for_change(fpn, by)
    _move(fpn, FPN_TRANSITIONS, FPNStatus.PAID, "notice")
    _not_future(paid_on, "payment date")
    if paid_on < _local_date(fpn.issued_at):
        raise NotAllowed("The payment date cannot be before the notice was issued.")
    due = amount_due_on(fpn, paid_on)
    if due is None:
        raise NotAllowed(
            f"The payment period ended on {_fmt(fpn.payment_due)}: the notice is unpaid and should be listed "
            "for prosecution."
        )
    if Decimal(amount) != due:
        raise NotAllowed(f"£{due} was due for a payment made on {_fmt(paid_on)}; £{Decimal(amount):.2f} was entered.")
    fpn.paid_on = paid_on
    fpn.amount_paid = due
    fpn.payment_reference = payment_reference.strip()
    fpn.status_changed_by = by
    save_with_history(fpn, by, f"Paid £{due}")
    return fpn


@transaction.atomic
def cancel_fpn(*, fpn: FixedPenaltyNotice, by, reason: str) -> FixedPenaltyNotice:
    _required_text(reason_for_cancelling=reason)
    fpn = _fpn_for_change(fpn, by)
    _move(fpn, FPN_TRANSITIONS, FPNStatus.CANCELLED, "notice")
    fpn.cancelled_reason = reason.strip()
    fpn.status_changed_by = by
    save_with_history(fpn, by, "Fixed penalty notice cancelled")
    return fpn


@transaction.atomic
def list_fpn_for_prosecution(*, fpn: FixedPenaltyNotice, by, on: date | None = None) -> FixedPenaltyNotice:
    """An unpaid notice goes to prosecution once its payment period has ended, never within 14 days."""
    on = on or timezone.localdate()
    fpn = _fpn_for_change(fpn, by)
    _move(fpn, FPN_TRANSITIONS, FPNStatus.PROSECUTION, "notice")
    days = law("fpn.no_proceedings_days", on=_local_date(fpn.issued_at))
    if on < fpn.no_proceedings_before:
        raise NotAllowed(
            f"No proceedings may start within {days} days of a fixed penalty notice (s52(5) and s68(4) of the "
            f"2014 Act): not before {_fmt(fpn.no_proceedings_before)}."
        )
    if on <= fpn.payment_due:
        raise NotAllowed(f"The recipient has until {_fmt(fpn.payment_due)} to pay; list it for prosecution after that.")
    fpn.prosecution_listed_on = on
    fpn.status_changed_by = by
    save_with_history(fpn, by, "Unpaid: listed for prosecution")
    for breach in filter(None, (fpn.cpn_breach, fpn.pspo_breach)):
        breach.outcome = BreachOutcome.PROSECUTION
        save_with_history(breach, by, "Fixed penalty unpaid: breach referred for prosecution")
    return fpn


# --- Public Spaces Protection Orders --------------------------------------------------------------------


def pspo_latest_expiry(in_force_from: date) -> date:
    return periods.last_day_of_period(in_force_from, years=law("pspo.max_years", on=in_force_from))


def pspo_latest_extension(expires_on: date) -> date:
    years = law("pspo.extension_max_years", on=expires_on)
    return periods.last_day_of_period(expires_on + timedelta(days=1), years=years)


@transaction.atomic
def make_pspo(
    *,
    by,
    title: str,
    area_description: str,
    made_on: date,
    in_force_from: date,
    expires_on: date,
    consultation_started_on: date,
    consultation_ended_on: date,
    consultees: str,
    conditions: list[str],
    consultation_summary: str = "",
    case: Case | None = None,
) -> PublicSpacesProtectionOrder:
    """Record a PSPO made by the council after consultation (s59, s72), lasting at most 3 years."""
    _require_perm(by, "add_publicspacesprotectionorder", "record Public Spaces Protection Orders")
    agency = _require_agency(by)
    if agency.kind not in law("pspo.makers", on=made_on):
        raise NotAllowed(f"{agency} cannot make a PSPO: only a local authority can (s59 of the 2014 Act).")
    if case is not None:
        _require_case_change(by, case)
    _required_text(title=title, area_description=area_description, consultees=consultees)
    conditions = [c.strip() for c in conditions if c and c.strip()]
    if not conditions:
        raise NotAllowed("Enter at least one condition: what the order prohibits or requires.")
    if consultation_ended_on < consultation_started_on:
        raise NotAllowed("The consultation cannot end before it started.")
    if consultation_ended_on > made_on:
        raise NotAllowed("A PSPO is made after the consultation has ended (s72(3) of the 2014 Act).")
    if in_force_from < made_on:
        raise NotAllowed("The order cannot come into force before it is made.")
    latest = pspo_latest_expiry(in_force_from)
    if expires_on > latest:
        raise NotAllowed(
            f"A PSPO can last at most {law('pspo.max_years', on=in_force_from)} years (s60(1) of the 2014 Act): "
            "one in force from "
            f"{_fmt(in_force_from)} must end by {_fmt(latest)}."
        )
    if expires_on < in_force_from:
        raise NotAllowed("The order cannot end before it comes into force.")
    pspo = PublicSpacesProtectionOrder(
        owner_agency=agency,
        case=case,
        title=title.strip(),
        area_description=area_description.strip(),
        made_on=made_on,
        in_force_from=in_force_from,
        expires_on=expires_on,
        consultation_started_on=consultation_started_on,
        consultation_ended_on=consultation_ended_on,
        consultees=consultees.strip(),
        consultation_summary=consultation_summary.strip(),
        created_by=by,
    )
    save_with_history(pspo, by, "PSPO made")
    for number, text in enumerate(conditions, start=1):
        save_with_history(PSPOCondition(pspo=pspo, number=number, text=text), by, "PSPO condition")
    return pspo


def _pspo_for_change(pspo: PublicSpacesProtectionOrder, by) -> PublicSpacesProtectionOrder:
    _require_perm(by, "change_publicspacesprotectionorder", "change Public Spaces Protection Orders")
    pspo = PublicSpacesProtectionOrder.objects.select_for_update().get(pk=pspo.pk)
    agency = access.agency_of(by)
    if agency is None or agency.pk != pspo.owner_agency_id:
        raise NotAllowed(f"Only {pspo.owner_agency} can change this order.")
    return pspo


@transaction.atomic
def extend_pspo(
    *, pspo: PublicSpacesProtectionOrder, by, decided_on: date, new_expires_on: date, reason: str
) -> PSPOExtension:
    """Extend a PSPO before it expires, by at most 3 years at a time (s60(2)-(4)); each extension recorded."""
    pspo = _pspo_for_change(pspo, by)
    _required_text(reason_for_the_extension=reason)
    latest = pspo_latest_extension(pspo.expires_on)
    return _extend(
        pspo,
        PSPOExtension(
            pspo=pspo,
            decided_on=decided_on,
            previous_expires_on=pspo.expires_on,
            new_expires_on=new_expires_on,
            reason=reason.strip(),
            recorded_by=by,
        ),
        by=by,
        end_field="expires_on",
        in_force=pspo.status == PSPOStatus.IN_FORCE,
        decided_on=decided_on,
        new_end=new_expires_on,
        latest=latest,
        too_late=f"The order expired on {_fmt(pspo.expires_on)}: it can only be extended before it expires.",
        too_long=f"An extension can be for at most {law('pspo.extension_max_years', on=decided_on)} years (s60(2) "
        "of the 2014 "
        f"Act): this order can be extended to {_fmt(latest)} at the latest.",
        reason="PSPO extended",
    )


def _extend(
    order, extension, *, by, end_field: str, in_force: bool, decided_on, new_end, latest, too_late, too_long, reason
):
    """The s60 / s82 shape: an order in force, extended before it ends, to a later day no later than `latest`.

    `extension` is the unsaved record of it; `too_late` and `too_long` are the order's own wording of the refusals.
    """
    if not in_force:
        raise InvalidTransition("A discharged order cannot be extended.")
    current = getattr(order, end_field)
    if decided_on > current:
        raise NotAllowed(too_late)
    if new_end <= current:
        raise NotAllowed("The new end date must be after the current one.")
    if new_end > latest:
        raise NotAllowed(too_long)
    save_with_history(extension, by, reason)
    setattr(order, end_field, new_end)
    save_with_history(order, by, f"Extended to {_fmt(new_end)}")
    return extension


@transaction.atomic
def discharge_pspo(*, pspo: PublicSpacesProtectionOrder, by, reason: str) -> PublicSpacesProtectionOrder:
    pspo = _pspo_for_change(pspo, by)
    _required_text(reason_for_discharging=reason)
    if pspo.status != PSPOStatus.IN_FORCE:
        raise InvalidTransition("This order has already been discharged.")
    pspo.status = PSPOStatus.DISCHARGED
    save_with_history(pspo, by, f"Discharged: {reason.strip()[:80]}")
    return pspo


@transaction.atomic
def record_pspo_breach(
    *,
    pspo: PublicSpacesProtectionOrder,
    condition: PSPOCondition,
    by,
    occurred_at: datetime,
    location: str,
    description: str,
    offender_name: str = "",
    offender_address: str = "",
    ward: Ward | None = None,
    case: Case | None = None,
) -> PSPOBreach:
    """A breach of a PSPO condition, owned by the recording officer's agency (or visible through its case)."""
    _require_perm(by, "add_pspobreach", "record PSPO breaches")
    agency = _require_agency(by)
    if case is not None:
        _require_case_change(by, case)
    pspo = PublicSpacesProtectionOrder.objects.get(pk=pspo.pk)  # its current end date, after any extension
    if agency.pk != pspo.owner_agency_id and not (pspo.case_id and access.can_view(by, pspo.case)):
        raise NotAllowed(f"Only {pspo.owner_agency} can record breaches of this order.")
    if condition.pspo_id != pspo.pk:
        raise NotAllowed("Choose a condition of this order.")
    _required_text(location=location, description_of_the_breach=description)
    _not_future(occurred_at, "time of the breach")
    day = _local_date(occurred_at)
    if pspo.status != PSPOStatus.IN_FORCE or not (pspo.in_force_from <= day <= pspo.expires_on):
        raise NotAllowed(f"The order was not in force on {_fmt(day)}.")
    breach = PSPOBreach(
        pspo=pspo,
        condition=condition,
        owner_agency=agency,
        case=case,
        occurred_at=occurred_at,
        location=location.strip(),
        ward=ward,
        offender_name=offender_name.strip(),
        offender_address=offender_address.strip(),
        description=description.strip(),
        recorded_by=by,
    )
    save_with_history(breach, by, "PSPO breach recorded")
    return breach


# --- Closure notices and orders -------------------------------------------------------------------------


def closure_hearing_deadline(served_at: datetime) -> datetime:
    """s80(3)-(4): the court hears the application within 48 hours of service, Christmas Day disregarded."""
    hours = law("closure.hearing_within_hours", on=_local_date(served_at))
    return periods.hours_disregarding_christmas(served_at, hours)


@transaction.atomic
def issue_closure_notice(
    *,
    case: Case,
    by,
    premises: str,
    prohibition: str,
    authorised_by_role: str,
    authorised_by_name: str,
    consultation: str,
    people_informed: str,
    served_at: datetime,
    duration_hours: int,
    hearing_court: str,
    hearing_at: datetime,
    housing_advice: str,
    legal_advice: str,
) -> ClosureNotice:
    """A s76 closure notice: up to 24 hours, with the hearing it must state fixed within 48 hours of service."""
    _require_perm(by, "add_closurenotice", "issue closure notices")
    _require_case_change(by, case)
    agency = _require_agency(by)
    issuers = law_rule("closure.notice_issuers", on=_local_date(served_at))
    if agency.kind not in issuers.value:
        who = (
            "the police, the council or a registered housing provider"
            if "housing" in issuers.value
            else ("the police or the council")
        )
        raise NotAllowed(
            f"{agency} cannot issue a closure notice on {_fmt(_local_date(served_at))}: only {who} can "
            f"({issuers.citation})."
        )
    _required_text(
        premises=premises,
        prohibition=prohibition,
        name_of_the_authorising_officer=authorised_by_name,
        consultation=consultation,
        people_informed=people_informed,
        court_for_the_hearing=hearing_court,
        housing_advice_contacts=housing_advice,
        legal_advice_contacts=legal_advice,
    )
    authorisers = law("closure.notice_authorised_by", on=_local_date(served_at))
    if authorised_by_role != authorisers.get(agency.kind):
        expected = ClosureAuthority(authorisers[agency.kind]).label.lower()
        raise NotAllowed(f"A closure notice from {agency} must be authorised by a {expected} (s76(1)).")
    maximum = law("closure.notice_max_hours", on=_local_date(served_at))
    if not 1 <= duration_hours <= maximum:
        raise NotAllowed(
            f"A closure notice lasts at most {maximum} hours (s77(1)); extend it to up to "
            f"{law('closure.notice_extended_max_hours', on=_local_date(served_at))} hours with a further authorisation."
        )
    _not_future(served_at, "time the notice was served")
    deadline = closure_hearing_deadline(served_at)
    _check_hearing(served_at, hearing_at, deadline)
    notice = ClosureNotice(
        case=case,
        premises=premises.strip(),
        prohibition=prohibition.strip(),
        issuing_agency=agency,
        authorised_by_role=authorised_by_role,
        authorised_by_name=authorised_by_name.strip(),
        consultation=consultation.strip(),
        people_informed=people_informed.strip(),
        served_at=served_at,
        served_by=by,
        duration_hours=duration_hours,
        expires_at=_after_hours(served_at, duration_hours),
        hearing_court=hearing_court.strip(),
        hearing_at=hearing_at,
        hearing_deadline=deadline,
        housing_advice=housing_advice.strip(),
        legal_advice=legal_advice.strip(),
    )
    save_with_history(notice, by, "Closure notice served")
    return notice


def _check_hearing(served_at: datetime, hearing_at: datetime, deadline: datetime) -> None:
    if hearing_at <= served_at:
        raise NotAllowed("The hearing must be after the notice is served.")
    if hearing_at > deadline:
        raise NotAllowed(
            f"The magistrates' court must hear the closure order application within "
            f"{law('closure.hearing_within_hours', on=_local_date(served_at))} hours of service, Christmas Day "
            "disregarded (s80(3)-(4)): "
            f"by {_fmt_time(deadline)}."
        )


def _closure_for_change(notice: ClosureNotice, by) -> ClosureNotice:
    _require_perm(by, "change_closurenotice", "change closure notices")
    _require_case_change(by, notice.case)
    return ClosureNotice.objects.select_for_update().select_related("issuing_agency").get(pk=notice.pk)


@transaction.atomic
def extend_closure_notice(
    *,
    notice: ClosureNotice,
    by,
    total_hours: int,
    extended_by_role: str,
    extended_by_name: str,
    decided_at: datetime | None = None,
) -> ClosureNotice:
    """s77: before it expires, a senior officer may extend a notice to at most 48 hours in all."""
    notice = _closure_for_change(notice, by)
    decided_at = decided_at or timezone.now()
    if notice.status != ClosureStatus.IN_FORCE:
        raise InvalidTransition("Only a notice in force can be extended.")
    if notice.extended_by_role:
        raise InvalidTransition("This notice has already been extended.")
    _required_text(name_of_the_authorising_officer=extended_by_name)
    expected = law("closure.extension_authorised_by", on=_local_date(notice.served_at)).get(notice.issuing_agency.kind)
    if extended_by_role != expected:
        raise NotAllowed(
            f"The extension must be authorised by a {ClosureExtensionAuthority(expected).label.lower()} (s77(2))."
        )
    if decided_at >= notice.expires_at:
        raise NotAllowed(f"The notice expired at {_fmt_time(notice.expires_at)}: it can only be extended before then.")
    maximum = law("closure.notice_extended_max_hours", on=_local_date(notice.served_at))
    if total_hours <= notice.duration_hours:
        raise NotAllowed(f"The extended notice must last more than the current {notice.duration_hours} hours.")
    if total_hours > maximum:
        raise NotAllowed(f"A closure notice can last at most {maximum} hours in all, with its extension (s77(1)).")
    notice.duration_hours = total_hours
    # never shorter than a continuation the court ordered on adjourning the hearing (s81(4))
    notice.expires_at = max(notice.expires_at, _after_hours(notice.served_at, total_hours))
    notice.extended_by_role = extended_by_role
    notice.extended_by_name = extended_by_name.strip()
    save_with_history(notice, by, f"Closure notice extended to {total_hours} hours")
    return notice


@transaction.atomic
def cancel_closure_notice(*, notice: ClosureNotice, by, reason: str) -> ClosureNotice:
    notice = _closure_for_change(notice, by)
    _required_text(reason_for_cancelling=reason)
    _move(notice, CLOSURE_TRANSITIONS, ClosureStatus.CANCELLED, "closure notice")
    save_with_history(notice, by, f"Closure notice cancelled: {reason.strip()[:80]}")
    return notice


def closure_adjournment_latest(hearing_at: datetime) -> datetime:
    """s81(3): the end of the 14th day after the hearing being adjourned, the latest the new hearing may be."""
    day = _local_date(hearing_at) + timedelta(days=law("closure.adjournment_max_days", on=_local_date(hearing_at)))
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _adjournment_rule(hearing_at: datetime) -> str:
    days = law("closure.adjournment_max_days", on=_local_date(hearing_at))
    latest = _local_date(closure_adjournment_latest(hearing_at))
    return (
        f"The court may adjourn the hearing for at most {days} days (s81(3) of the 2014 Act): the hearing listed for "
        f"{_fmt_time(hearing_at)} can be adjourned to {_fmt(latest)} at the latest."
    )


def latest_adjournment(notice: ClosureNotice) -> ClosureHearingAdjournment | None:
    return notice.adjournments.order_by("-adjourned_hearing_at", "-id").first()


def _check_decision_hearing(notice: ClosureNotice, heard_at: datetime) -> None:
    """The decision is made at the first hearing (within 48 hours), or at the adjourned one (within 14 days)."""
    adjourned = latest_adjournment(notice)
    if adjourned is None:
        _check_hearing(notice.served_at, heard_at, notice.hearing_deadline)
        return
    if _local_date(heard_at) < adjourned.adjourned_on:
        raise NotAllowed(
            f"The hearing was adjourned on {_fmt(adjourned.adjourned_on)}: the decision cannot be before then."
        )
    if heard_at > notice.hearing_deadline:
        raise NotAllowed(
            f"The adjourned hearing had to be within {law('closure.adjournment_max_days', on=_local_date(heard_at))} "
            "days of the "
            f"hearing it adjourned (s81(3) of the 2014 Act), by {_fmt_time(notice.hearing_deadline)}: record a "
            "further adjournment if the court adjourned again."
        )


@transaction.atomic
def adjourn_closure_hearing(
    *,
    notice: ClosureNotice,
    by,
    adjourned_on: date,
    new_hearing_at: datetime,
    notice_continues: bool,
    reason: str,
) -> ClosureHearingAdjournment:
    """s81(3)-(4): the court adjourns the closure-order hearing for at most 14 days, and may keep the notice
    in force until the new hearing.

    A notice may be adjourned more than once, but each adjournment runs at most 14 days from the hearing it
    adjourns (the one listed when it is made), so the new hearing date and the 14-day limit move on each time.
    """
    notice = _closure_for_change(notice, by)
    if notice.status != ClosureStatus.IN_FORCE:
        raise InvalidTransition(
            f"The court has already dealt with this notice ({notice.get_status_display().lower()}): only a "
            "hearing still to be decided can be adjourned."
        )
    if not (reason or "").strip():
        raise NotAllowed("Enter the court's reason for adjourning.")
    _not_future(adjourned_on, "date the hearing was adjourned")
    adjourned_hearing_at = notice.hearing_at
    if adjourned_on < _local_date(adjourned_hearing_at):
        raise NotAllowed(
            f"The hearing is listed for {_fmt_time(adjourned_hearing_at)}: the court adjourns it at that hearing, "
            "so the date adjourned cannot be before then."
        )
    if adjourned_on > _local_date(notice.hearing_deadline):
        raise NotAllowed(
            f"The hearing had to take place by {_fmt_time(notice.hearing_deadline)}: an adjournment on "
            f"{_fmt(adjourned_on)} is too late."
        )
    if new_hearing_at <= adjourned_hearing_at or _local_date(new_hearing_at) < adjourned_on:
        raise NotAllowed("The adjourned hearing must be after the hearing it adjourns.")
    latest = closure_adjournment_latest(adjourned_hearing_at)
    if new_hearing_at > latest:
        raise NotAllowed(_adjournment_rule(adjourned_hearing_at))
    adjournment = ClosureHearingAdjournment(
        notice=notice,
        case_id=notice.case_id,
        adjourned_on=adjourned_on,
        adjourned_hearing_at=adjourned_hearing_at,
        new_hearing_at=new_hearing_at,
        notice_continues=notice_continues,
        previous_expires_at=notice.expires_at,
        reason=reason.strip(),
        recorded_by=by,
    )
    save_with_history(adjournment, by, f"Closure hearing adjourned to {_fmt_time(new_hearing_at)}")
    notice.hearing_at = new_hearing_at
    notice.hearing_deadline = latest
    if notice_continues and new_hearing_at > notice.expires_at:
        notice.expires_at = new_hearing_at
    save_with_history(
        notice,
        by,
        f"Hearing adjourned to {_fmt(_local_date(new_hearing_at))}"
        + ("; notice continued in force until then" if notice_continues else ""),
    )
    return adjournment


def closure_order_latest_end(starts_on: date) -> date:
    return periods.last_day_of_period(starts_on, months=law("closure.order_max_months", on=starts_on))


def closure_order_total_latest_end(starts_on: date) -> date:
    return periods.last_day_of_period(starts_on, months=law("closure.order_total_max_months", on=starts_on))


def _closure_too_long(latest: date) -> str:
    """The s82(4) refusal, the same whether the order is extended or varied."""
    return (
        f"A closure order can never last more than {law('closure.order_total_max_months', on=latest)} months in all "
        f"(s82(4)): this one must end by {_fmt(latest)}."
    )


@transaction.atomic
def refuse_closure_order(*, notice: ClosureNotice, by, heard_at: datetime) -> ClosureNotice:
    notice = _closure_for_change(notice, by)
    _not_future(heard_at, "time of the hearing")
    _check_decision_hearing(notice, heard_at)
    _move(notice, CLOSURE_TRANSITIONS, ClosureStatus.ORDER_REFUSED, "closure notice")
    save_with_history(notice, by, "Closure order refused by the court")
    return notice


@transaction.atomic
def grant_closure_order(
    *,
    notice: ClosureNotice,
    by,
    heard_at: datetime,
    court: str,
    scope: str,
    starts_on: date,
    ends_on: date,
    terms: str = "",
) -> ClosureOrder:
    """The court's order (s80): heard within 48 hours of service, full or partial, at most 3 months."""
    _require_perm(by, "add_closureorder", "record closure orders")
    notice = _closure_for_change(notice, by)
    _not_future(heard_at, "time of the hearing")
    _check_decision_hearing(notice, heard_at)
    _move(notice, CLOSURE_TRANSITIONS, ClosureStatus.ORDER_GRANTED, "closure notice")
    _required_text(court=court)
    if scope not in ClosureScope.values:
        raise NotAllowed("Choose whether the order is a full or a partial closure.")
    if scope == ClosureScope.PARTIAL:
        _required_text(terms_of_the_partial_order=terms)
    if starts_on < _local_date(heard_at):
        raise NotAllowed("The order cannot start before the hearing.")
    latest = closure_order_latest_end(starts_on)
    if ends_on > latest:
        raise NotAllowed(
            f"A closure order lasts at most {law('closure.order_max_months', on=starts_on)} months (s80(6)): one "
            "starting "
            f"{_fmt(starts_on)} must end by {_fmt(latest)}."
        )
    if ends_on < starts_on:
        raise NotAllowed("The order cannot end before it starts.")
    order = ClosureOrder(
        notice=notice,
        case=notice.case,
        court=court.strip(),
        heard_at=heard_at,
        scope=scope,
        terms=terms.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        original_ends_on=ends_on,
        appeal_deadline=periods.last_day_beginning_with(
            _local_date(heard_at), days=law("closure.order_appeal_days", on=_local_date(heard_at))
        ),
        recorded_by=by,
    )
    save_with_history(order, by, "Closure order granted")
    save_with_history(notice, by, "Closure order granted by the court")
    return order


@transaction.atomic
def extend_closure_order(
    *, order: ClosureOrder, by, decided_on: date, new_ends_on: date, court: str
) -> ClosureOrderExtension:
    """s82: the court may extend an order, made before it ends, but never beyond 6 months in all."""
    _require_perm(by, "change_closureorder", "change closure orders")
    _require_case_change(by, order.case)
    order = ClosureOrder.objects.select_for_update().get(pk=order.pk)
    _required_text(court=court)
    latest = closure_order_total_latest_end(order.starts_on)
    return _extend(
        order,
        ClosureOrderExtension(
            order=order,
            decided_on=decided_on,
            previous_ends_on=order.ends_on,
            new_ends_on=new_ends_on,
            court=court.strip(),
            recorded_by=by,
        ),
        by=by,
        end_field="ends_on",
        in_force=order.status == ClosureOrderStatus.IN_FORCE,
        decided_on=decided_on,
        new_end=new_ends_on,
        latest=latest,
        too_late=f"The order ended on {_fmt(order.ends_on)}: it can only be extended before it ends.",
        too_long=_closure_too_long(latest),
        reason="Closure order extended",
    )


# --- Criminal Behaviour Orders and civil injunctions ----------------------------------------------------


def _order_dates(*, made_on: date, starts_on: date, ends_on: date | None, application_heard_on: date) -> None:
    if application_heard_on > made_on:
        raise NotAllowed("The order cannot be made before the application was heard.")
    if starts_on < made_on:
        raise NotAllowed("The order cannot start before it was made.")
    if ends_on is not None and ends_on < starts_on:
        raise NotAllowed("The order cannot end before it starts.")
    _not_future(made_on, "date the order was made")


def _first_review(starts_on: date, ends_on: date | None) -> date | None:
    """An under-18's order is reviewed a year in, unless it has ended by then."""
    review = periods.add_months(starts_on, law("order.youth_review_months", on=starts_on))
    return None if ends_on is not None and review > ends_on else review


def _youth(date_of_birth: date, made_on: date) -> bool:
    return periods.age_on(date_of_birth, made_on) < law("adult_age", on=made_on)


def _check_cbo_length(*, youth: bool, starts_on: date, ends_on: date | None) -> None:
    """s25(5): an adult's CBO lasts at least 2 years or is indefinite; an under-18's 1 to 3 years. Checked when
    the order is made and again when the court varies its end."""
    if youth:
        minimum, maximum = law("cbo.youth_min_years", on=starts_on), law("cbo.youth_max_years", on=starts_on)
        shortest = periods.last_day_of_period(starts_on, years=minimum)
        longest = periods.last_day_of_period(starts_on, years=maximum)
        if ends_on is None or not shortest <= ends_on <= longest:
            raise NotAllowed(
                f"A CBO on someone under 18 must last between {minimum} and "
                f"{maximum} years (s25(5)): from {_fmt(starts_on)}, end it between "
                f"{_fmt(shortest)} and {_fmt(longest)}."
            )
    elif ends_on is not None:
        minimum = law("cbo.adult_min_years", on=starts_on)
        shortest = periods.last_day_of_period(starts_on, years=minimum)
        if ends_on < shortest:
            raise NotAllowed(
                f"A CBO on an adult lasts at least {minimum} years or is indefinite (s25(5)): "
                f"from {_fmt(starts_on)}, end it on {_fmt(shortest)} or later, or leave the end date blank."
            )


def _check_injunction_length(*, youth: bool, starts_on: date, ends_on: date | None) -> None:
    """s1(6): an injunction against an under-18 lasts at most 12 months; made or varied."""
    if youth:
        months = law("injunction.youth_max_months", on=starts_on)
        longest = periods.last_day_of_period(starts_on, months=months)
        if ends_on is None or ends_on > longest:
            raise NotAllowed(
                f"An injunction against someone under 18 lasts at most {months} "
                f"months (s1(6)): from {_fmt(starts_on)}, end it by {_fmt(longest)}."
            )


def _court_order(model, *, by, youth: bool, **fields):
    """A CBO or injunction as made (unsaved): its text tidied, and an under-18's first review date set."""
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    review = _first_review(fields["starts_on"], fields["ends_on"]) if youth else None
    return model(**fields, is_youth=youth, next_review_on=review, recorded_by=by)


@transaction.atomic
def record_cbo(
    *,
    case: Case,
    by,
    subject: Person,
    subject_date_of_birth: date,
    court: str,
    conviction_offence: str,
    application_heard_on: date,
    made_on: date,
    starts_on: date,
    ends_on: date | None,
    prohibitions: str = "",
    requirements: str = "",
    next_hearing_on: date | None = None,
    convicted_on: date | None = None,
) -> CriminalBehaviourOrder:
    """A CBO: an adult's lasts at least 2 years or is indefinite, an under-18's 1 to 3 years; it records the
    statute it was made under, s22 of the 2014 Act or the Sentencing Code, by the date of the conviction."""
    _require_perm(by, "add_criminalbehaviourorder", "record Criminal Behaviour Orders")
    _require_case_change(by, case)
    _required_text(court=court, offence_convicted_of=conviction_offence)
    if not (prohibitions.strip() or requirements.strip()):
        raise NotAllowed("Enter the order's prohibitions or requirements.")
    _order_dates(made_on=made_on, starts_on=starts_on, ends_on=ends_on, application_heard_on=application_heard_on)
    convicted_on = convicted_on or made_on
    if convicted_on > made_on:
        raise NotAllowed("The conviction cannot be after the order was made: a CBO is made on conviction.")
    youth = _youth(subject_date_of_birth, made_on)
    _check_cbo_length(youth=youth, starts_on=starts_on, ends_on=ends_on)
    order = _court_order(
        CriminalBehaviourOrder,
        convicted_on=convicted_on,
        made_under=law("cbo.citation", on=convicted_on),
        by=by,
        youth=youth,
        case=case,
        subject=subject,
        subject_date_of_birth=subject_date_of_birth,
        court=court,
        conviction_offence=conviction_offence,
        application_heard_on=application_heard_on,
        next_hearing_on=next_hearing_on,
        made_on=made_on,
        starts_on=starts_on,
        ends_on=ends_on,
        prohibitions=prohibitions,
        requirements=requirements,
    )
    save_with_history(order, by, "Criminal Behaviour Order recorded")
    return order


@transaction.atomic
def record_injunction(
    *,
    case: Case,
    by,
    subject: Person,
    subject_date_of_birth: date,
    court: str,
    application_heard_on: date,
    made_on: date,
    starts_on: date,
    ends_on: date | None,
    prohibitions: str = "",
    requirements: str = "",
    power_of_arrest: bool = False,
    power_of_arrest_terms: str = "",
    next_hearing_on: date | None = None,
    risk_assessed_on: date | None = None,
    risk_assessment: str = "",
) -> CivilInjunction:
    """A s1 civil injunction; against an under-18 it lasts at most 12 months and is reviewed yearly. From the
    commencement of Respect Orders an adult gets a Respect Order instead."""
    _require_perm(by, "add_civilinjunction", "record civil injunctions")
    _require_case_change(by, case)
    agency = _require_agency(by)
    _required_text(court=court)
    if not (prohibitions.strip() or requirements.strip()):
        raise NotAllowed("Enter the injunction's prohibitions or requirements.")
    if power_of_arrest:
        _required_text(terms_the_power_of_arrest_attaches_to=power_of_arrest_terms)
    _order_dates(made_on=made_on, starts_on=starts_on, ends_on=ends_on, application_heard_on=application_heard_on)
    minimum = law("injunction.min_age", on=made_on)
    if periods.age_on(subject_date_of_birth, made_on) < minimum:
        raise NotAllowed(
            f"{subject} is under {minimum} on {_fmt(made_on)}: an injunction can only be granted against a person "
            f"aged {minimum} or over (s1(1) of the 2014 Act)."
        )
    youth = _youth(subject_date_of_birth, made_on)
    if not youth:
        replaced = law_rule("injunction.adults_by_respect_order", on=application_heard_on)
        if replaced.value:
            raise NotAllowed(
                f"{subject} is an adult: from the commencement of Respect Orders an application against an adult "
                f"is for a Respect Order, not a civil injunction ({replaced.citation}). Record a Respect Order."
            )
    _check_risk_assessment(application_heard_on, risk_assessed_on, risk_assessment)
    _check_injunction_length(youth=youth, starts_on=starts_on, ends_on=ends_on)
    injunction = _court_order(
        CivilInjunction,
        by=by,
        youth=youth,
        case=case,
        subject=subject,
        subject_date_of_birth=subject_date_of_birth,
        court=court,
        applicant_agency=agency,
        application_heard_on=application_heard_on,
        next_hearing_on=next_hearing_on,
        made_on=made_on,
        starts_on=starts_on,
        ends_on=ends_on,
        prohibitions=prohibitions,
        requirements=requirements,
        power_of_arrest=power_of_arrest,
        power_of_arrest_terms=power_of_arrest_terms if power_of_arrest else "",
        risk_assessed_on=risk_assessed_on if risk_assessment.strip() else None,
        risk_assessment=risk_assessment if risk_assessed_on else "",
    )
    save_with_history(injunction, by, "Civil injunction recorded")
    return injunction


def _check_risk_assessment(applied_on: date, assessed_on: date | None, assessment: str) -> None:
    """From commencement, the application needs a risk assessment of the respondent made before it.

    The application date the record holds is the day it was heard; the assessment must be on or before it."""
    required = law_rule("injunction.risk_assessment_required", on=applied_on)
    if assessed_on is None and not assessment.strip():
        if required.value:
            raise NotAllowed(
                "Record the risk assessment of the respondent made before the application (their "
                "vulnerabilities, the risk of harm to anyone, other ways of stopping the behaviour, other "
                f"matters): it is required for applications from {_fmt(applied_on)} ({required.citation})."
            )
        return
    if assessed_on is None or not assessment.strip():
        raise NotAllowed("Give both the date of the respondent's risk assessment and what it found.")
    if assessed_on > applied_on:
        raise NotAllowed("The risk assessment must be made before the application, not after it was heard.")


@transaction.atomic
def record_respect_order(
    *,
    case: Case,
    by,
    subject: Person,
    subject_date_of_birth: date,
    court: str,
    application_heard_on: date,
    made_on: date,
    starts_on: date,
    ends_on: date | None,
    prohibitions: str = "",
    requirements: str = "",
    power_of_arrest: bool = False,
    power_of_arrest_terms: str = "",
    next_hearing_on: date | None = None,
    risk_assessed_on: date | None = None,
    risk_assessment: str = "",
) -> RespectOrder:
    """A Respect Order on an adult (Crime and Policing Act 2026): only once commenced, only on someone 18 or
    over; a fixed period or until further order; breach is a criminal offence."""
    _require_perm(by, "add_respectorder", "record Respect Orders")
    _require_case_change(by, case)
    agency = _require_agency(by)
    _required_text(court=court)
    if not (prohibitions.strip() or requirements.strip()):
        raise NotAllowed("Enter the order's prohibitions or requirements.")
    if power_of_arrest:
        _required_text(terms_the_power_of_arrest_attaches_to=power_of_arrest_terms)
    _order_dates(made_on=made_on, starts_on=starts_on, ends_on=ends_on, application_heard_on=application_heard_on)
    commenced = law_rule("injunction.adults_by_respect_order", on=application_heard_on)
    if not commenced.value:
        raise NotAllowed(
            f"Respect Orders are not in force on {_fmt(application_heard_on)}: until their commencement date is set, "
            "record a civil injunction (s1 of the 2014 Act)."
        )
    minimum = law("respect_order.min_age", on=made_on)
    if periods.age_on(subject_date_of_birth, made_on) < minimum:
        raise NotAllowed(
            f"{subject} is under {minimum} on {_fmt(made_on)}: a Respect Order can only be made against a person "
            f"aged {minimum} or over; under-18s keep civil injunctions ({commenced.citation})."
        )
    _check_risk_assessment(application_heard_on, risk_assessed_on, risk_assessment)
    order = _court_order(
        RespectOrder,
        by=by,
        youth=False,
        case=case,
        subject=subject,
        subject_date_of_birth=subject_date_of_birth,
        court=court,
        applicant_agency=agency,
        application_heard_on=application_heard_on,
        next_hearing_on=next_hearing_on,
        made_on=made_on,
        starts_on=starts_on,
        ends_on=ends_on,
        prohibitions=prohibitions,
        requirements=requirements,
        power_of_arrest=power_of_arrest,
        power_of_arrest_terms=power_of_arrest_terms if power_of_arrest else "",
        risk_assessed_on=risk_assessed_on,
        risk_assessment=risk_assessment,
    )
    save_with_history(order, by, "Respect Order recorded")
    return order


@transaction.atomic
def record_review(*, order: CriminalBehaviourOrder | CivilInjunction | RespectOrder, by, reviewed_on: date):
    """An under-18's order is reviewed every 12 months: the next review is set from this one."""
    _require_perm(by, f"change_{type(order)._meta.model_name}", "record reviews")
    _require_case_change(by, order.case)
    if not order.is_youth:
        raise NotAllowed("Only orders on under-18s have statutory reviews.")
    _not_future(reviewed_on, "date of the review")
    order.next_review_on = periods.add_months(reviewed_on, law("order.youth_review_months", on=reviewed_on))
    if order.ends_on and order.next_review_on > order.ends_on:
        order.next_review_on = None
    save_with_history(order, by, f"Reviewed on {_fmt(reviewed_on)}")
    return order


@transaction.atomic
def record_order_breach(
    *,
    order: ClosureOrder | CriminalBehaviourOrder | CivilInjunction | RespectOrder,
    by,
    occurred_on: date,
    description: str,
    action_taken: str = "",
) -> OrderBreach:
    """A breach of a closure order, CBO, injunction or Respect Order, within the order's dates."""
    _require_perm(by, "add_orderbreach", "record breaches of orders")
    _require_case_change(by, order.case)
    _required_text(description_of_the_breach=description)
    _not_future(occurred_on, "date of the breach")
    if occurred_on < order.starts_on or (order.ends_on and occurred_on > order.ends_on):
        raise NotAllowed(f"The order was not in force on {_fmt(occurred_on)}.")
    if order.status not in (ClosureOrderStatus.IN_FORCE, CourtOrderStatus.IN_FORCE, CourtOrderStatus.VARIED):
        raise InvalidTransition("This order is no longer in force.")
    breach = OrderBreach(description=description.strip(), action_taken=action_taken.strip(), occurred_on=occurred_on)
    if isinstance(order, ClosureOrder):
        breach.closure_order = order
    elif isinstance(order, CriminalBehaviourOrder):
        breach.cbo = order
    elif isinstance(order, RespectOrder):
        breach.respect_order = order  # a criminal offence, for the police to pursue
    else:
        breach.injunction = order
    breach.recorded_by = by
    save_with_history(breach, by, "Breach of order recorded")
    return breach


# --- Variation and discharge of closure orders, CBOs and injunctions --------------------------------------

Order = ClosureOrder | CriminalBehaviourOrder | CivilInjunction


def _order_for_change(order: Order, by) -> Order:
    model = type(order)
    _require_perm(by, f"change_{model._meta.model_name}", f"change {model._meta.verbose_name_plural}")
    _require_case_change(by, order.case)
    return model.objects.select_for_update().get(pk=order.pk)


def _order_made_on(order: Order) -> date:
    return _local_date(order.heard_at) if isinstance(order, ClosureOrder) else order.made_on


def _check_order_decision(order: Order, *, to: str, decided_on: date, court: str, doing: str) -> None:
    """Only an order in force (not discharged, not yet ended) can be varied or discharged, by a court decision
    made on or after the day the order was made."""
    table = CLOSURE_ORDER_TRANSITIONS if isinstance(order, ClosureOrder) else COURT_ORDER_TRANSITIONS
    if to not in table.get(order.status, set()):
        raise InvalidTransition(f"This order has been discharged: only an order in force can be {doing}.")
    _not_future(decided_on, "date of the court's decision")
    made = _order_made_on(order)
    if decided_on < made:
        raise NotAllowed(f"The order was made on {_fmt(made)}: it cannot be {doing} before then.")
    if order.ends_on is not None and decided_on > order.ends_on:
        raise NotAllowed(f"The order ended on {_fmt(order.ends_on)}: only an order in force can be {doing}.")
    _required_text(court=court)


def _decision_on(order: Order, **fields) -> OrderVariation:
    link = {ClosureOrder: "closure_order", CriminalBehaviourOrder: "cbo", CivilInjunction: "injunction"}[type(order)]
    return OrderVariation(case_id=order.case_id, **{link: order}, **fields)


@transaction.atomic
def vary_order(
    *,
    order: Order,
    by,
    decided_on: date,
    court: str,
    new_ends_on: date | None = None,
    new_terms: str = "",
    new_prohibitions: str = "",
    new_requirements: str = "",
    reason: str = "",
) -> OrderVariation:
    """The court varies an order in force: a new last day and/or new terms (closure order: s82-s83; CBO: s27;
    injunction: s8). The length rules of the order's kind still hold: a closure order never runs beyond 6
    months from its start (s82(4)); a CBO or injunction keeps its adult or under-18 limits (s25(5), s1(6))."""
    order = _order_for_change(order, by)
    closure = isinstance(order, ClosureOrder)
    to = ClosureOrderStatus.IN_FORCE if closure else CourtOrderStatus.VARIED
    _check_order_decision(order, to=to, decided_on=decided_on, court=court, doing="varied")
    new_terms, new_prohibitions, new_requirements = (
        (text or "").strip() for text in (new_terms, new_prohibitions, new_requirements)
    )
    if closure and (new_prohibitions or new_requirements):
        raise NotAllowed("A closure order has terms, not prohibitions or requirements: enter its new terms.")
    if not closure and new_terms:
        raise NotAllowed("Enter the order's new prohibitions or requirements.")
    if new_ends_on is None and not (new_terms or new_prohibitions or new_requirements):
        raise NotAllowed("Enter what the court changed: the order's new last day, its new terms, or both.")
    if new_ends_on is not None:
        if new_ends_on <= decided_on:
            raise NotAllowed(
                f"The new last day of the order must be after the date of the variation ({_fmt(decided_on)})."
            )
        if new_ends_on < order.starts_on:
            raise NotAllowed(f"The order cannot end before it starts ({_fmt(order.starts_on)}).")
        if closure:
            latest = closure_order_total_latest_end(order.starts_on)
            if new_ends_on > latest:
                raise NotAllowed(_closure_too_long(latest))
        elif isinstance(order, CriminalBehaviourOrder):
            _check_cbo_length(youth=order.is_youth, starts_on=order.starts_on, ends_on=new_ends_on)
        else:
            _check_injunction_length(youth=order.is_youth, starts_on=order.starts_on, ends_on=new_ends_on)
    variation = _decision_on(
        order,
        decision=OrderDecision.VARIED,
        decided_on=decided_on,
        court=court.strip(),
        previous_ends_on=order.ends_on,
        new_ends_on=new_ends_on,
        new_terms=new_terms,
        new_prohibitions=new_prohibitions,
        new_requirements=new_requirements,
        reason=(reason or "").strip(),
        recorded_by=by,
    )
    save_with_history(variation, by, "Order varied by the court")
    if new_ends_on is not None:
        order.ends_on = new_ends_on
    if closure:
        order.terms = new_terms or order.terms
    else:
        order.prohibitions = new_prohibitions or order.prohibitions
        order.requirements = new_requirements or order.requirements
        if order.next_review_on and order.ends_on and order.next_review_on > order.ends_on:
            order.next_review_on = None
    order.status = to
    save_with_history(order, by, f"Varied by the court on {_fmt(decided_on)}")
    return variation


@transaction.atomic
def discharge_order(*, order: Order, by, decided_on: date, court: str, reason: str) -> OrderVariation:
    """The court discharges an order in force (closure order: s83; CBO: s27; injunction: s8): it is discharged
    and ends that day, so it leaves the deadlines and its register shows it discharged.

    An order discharged before it started keeps its dates: it never took effect.
    """
    order = _order_for_change(order, by)
    closure = isinstance(order, ClosureOrder)
    to = ClosureOrderStatus.DISCHARGED if closure else CourtOrderStatus.DISCHARGED
    _check_order_decision(order, to=to, decided_on=decided_on, court=court, doing="discharged")
    if not (reason or "").strip():
        raise NotAllowed("Enter the reason the court discharged the order.")
    previous = order.ends_on
    if decided_on >= order.starts_on and (previous is None or decided_on < previous):
        order.ends_on = decided_on
    discharge = _decision_on(
        order,
        decision=OrderDecision.DISCHARGED,
        decided_on=decided_on,
        court=court.strip(),
        previous_ends_on=previous,
        new_ends_on=order.ends_on,
        reason=reason.strip(),
        recorded_by=by,
    )
    save_with_history(discharge, by, "Order discharged by the court")
    order.status = to
    if not closure:
        order.next_review_on = None
    save_with_history(order, by, f"Discharged by the court on {_fmt(decided_on)}")
    return discharge

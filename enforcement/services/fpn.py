"""Fixed penalty notices: offence codes, issue, payment, cancellation, prosecution."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from casework.errors import InvalidTransition, NotAllowed
from casework.models import Case, Ward
from casework.services import save_with_history
from statutory.selectors import rule as law_rule
from statutory.selectors import value as law

from .. import periods
from ..config import limit
from ..models import (
    BreachOutcome,
    CPNBreach,
    FixedPenaltyNotice,
    FPNNumberCounter,
    FPNStatus,
    OffenceCode,
    PSPOBreach,
)
from .shared import (
    FPN_TRANSITIONS,
    _fmt,
    _local_date,
    _move,
    _not_future,
    _require_agency,
    _require_case_change,
    _require_perm,
    _require_record_change,
    _required_text,
)

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
    if _is_breach_code(offence.code):
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
    under_rule = law_rule("fpn.early_payment_days_under", on=on)
    under = under_rule.value
    if offence.early_payment_days is not None and offence.early_payment_days >= under:
        problems.append(
            f"The lower amount can only be offered for payment within a period of less than {under} days "
            f"({under_rule.citation}): set the early payment period to {under - 1} days or fewer."
        )
    return problems


@transaction.atomic
def save_offence_code(*, offence: OffenceCode, by: User) -> OffenceCode:
    """Administrators keep the offence codes; figures that break the statutory limits are refused."""
    _require_perm(by, "change_offencecode" if offence.pk else "add_offencecode", "change offence codes")
    problems = offence_code_problems(offence)
    if problems:
        raise NotAllowed(" ".join(problems))
    save_with_history(offence, by, "Offence code changed" if offence.pk else "Offence code added")
    return offence


def _payment_date(issued_on: date, days: int, *, latest: date | None = None) -> date:
    """The day `days` after the day of issue, moved to the next working day (local practice) but never past
    `latest`, the last day the statute allows the period to run to."""
    day = issued_on + timedelta(days=days)
    if limit("FPN_PAYMENT_DATES_ROLL_TO_WORKING_DAY"):
        rolled = periods.roll_to_working_day(day)
        day = rolled if latest is None or rolled <= latest else day
    return day


def _is_breach_code(code: str) -> bool:
    return code in (limit("CPN_BREACH_OFFENCE_CODE"), limit("PSPO_BREACH_OFFENCE_CODE"))


def proceedings_may_start_on(issued_on: date) -> date:
    """s52(5)(a) and s68(4): no proceedings before the end of the period of 14 days *following* the date of the
    notice, so the first day they may be taken is the 15th day after it (issued 3 June: from 18 June)."""
    return issued_on + timedelta(days=law("fpn.no_proceedings_days", on=issued_on) + 1)


@dataclass(frozen=True)
class PaymentDates:
    early_payment_until: date
    payment_due: date
    no_proceedings_before: date


def fpn_payment_dates(offence: OffenceCode, issued_on: date) -> PaymentDates:
    """The discount and payment dates for a notice issued on `issued_on`, and the first day proceedings may begin.

    For CPN and PSPO breaches the lower amount may only be offered for a period of less than 14 days (s52(8),
    s68): moving its last day to the next working day never takes it past the 13th day."""
    latest_early = None
    if _is_breach_code(offence.code):
        latest_early = issued_on + timedelta(days=law("fpn.early_payment_days_under", on=issued_on) - 1)
    early = _payment_date(issued_on, offence.early_payment_days, latest=latest_early)
    due = _payment_date(issued_on, offence.payment_days)
    return PaymentDates(early, due, proceedings_may_start_on(issued_on))


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
    by: User,
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
    if _is_breach_code(offence.code):
        cap = law_rule("fpn.cpn_pspo_max_amount", on=issued_on)  # the cap in force on the day of issue
        committed_on = _local_date(offence_at)
        if offence.full_amount > Decimal(law("fpn.cpn_pspo_max_amount", on=committed_on)):
            # never a heavier penalty than the one applicable when the breach was committed (Article 7 ECHR):
            # a breach before a higher cap commenced is fined at the amounts in effect on the day of the breach
            offence = offence_in_effect(offence_code, committed_on) or offence
            then = law_rule("fpn.cpn_pspo_max_amount", on=committed_on)
            if offence.full_amount > Decimal(then.value):
                raise NotAllowed(
                    f"The breach was committed on {_fmt(committed_on)}, when a fixed penalty for it could be at most "
                    f"£{Decimal(then.value):,.0f} ({then.citation}); {offence.code} has no amounts in effect then "
                    "within that cap: an administrator must correct the offence code."
                )
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


def _fine_breach(breach: CPNBreach | PSPOBreach, by: User, **notice) -> FixedPenaltyNotice:
    """Issue the breach's fixed penalty and mark the breach dealt with by it, in the caller's transaction."""
    fpn = issue_fpn(by=by, **notice)
    breach.outcome = BreachOutcome.FIXED_PENALTY
    save_with_history(breach, by, "Fixed penalty notice issued for the breach")
    return fpn


@transaction.atomic
def issue_fpn_for_cpn_breach(
    *,
    breach: CPNBreach,
    by: User,
    issued_at: datetime,
    offence_description: str,
    location: str,
    notice_number: str = "",
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
    *, breach: PSPOBreach, by: User, issued_at: datetime, offence_description: str, notice_number: str = ""
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
def refer_breach_for_prosecution(
    *, breach: CPNBreach | PSPOBreach, by: User, notes: str = ""
) -> CPNBreach | PSPOBreach:
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


def _fpn_for_change(fpn: FixedPenaltyNotice, by: User) -> FixedPenaltyNotice:
    _require_perm(by, "change_fixedpenaltynotice", "change fixed penalty notices")
    fpn = FixedPenaltyNotice.objects.select_for_update().get(pk=fpn.pk)
    _require_record_change(by, fpn)
    return fpn


@transaction.atomic
def record_fpn_payment(
    *, fpn: FixedPenaltyNotice, by: User, paid_on: date, amount: Decimal, payment_reference: str = ""
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
def cancel_fpn(*, fpn: FixedPenaltyNotice, by: User, reason: str) -> FixedPenaltyNotice:
    _required_text(reason_for_cancelling=reason)
    fpn = _fpn_for_change(fpn, by)
    _move(fpn, FPN_TRANSITIONS, FPNStatus.CANCELLED, "notice")
    fpn.cancelled_reason = reason.strip()
    fpn.status_changed_by = by
    save_with_history(fpn, by, "Fixed penalty notice cancelled")
    return fpn


@transaction.atomic
def list_fpn_for_prosecution(*, fpn: FixedPenaltyNotice, by: User, on: date | None = None) -> FixedPenaltyNotice:
    """An unpaid notice goes to prosecution once its payment period has ended, never within 14 days."""
    on = on or timezone.localdate()
    fpn = _fpn_for_change(fpn, by)
    _move(fpn, FPN_TRANSITIONS, FPNStatus.PROSECUTION, "notice")
    issued_on = _local_date(fpn.issued_at)
    days = law("fpn.no_proceedings_days", on=issued_on)
    # counted from the day of issue too: notices recorded before December 2026 hold the 14th day here
    first_day = max(fpn.no_proceedings_before, proceedings_may_start_on(issued_on))
    if on < first_day:
        raise NotAllowed(
            f"No proceedings may start within {days} days following the date of a fixed penalty notice (s52(5)(a) "
            f"and s68(4) of the 2014 Act): not before {_fmt(first_day)}."
        )
    if on <= fpn.payment_due:
        raise NotAllowed(f"The recipient has until {_fmt(fpn.payment_due)} to pay; list it for prosecution after that.")
    fpn.prosecution_listed_on = on
    fpn.status_changed_by = by
    save_with_history(fpn, by, "Unpaid: listed for prosecution")
    breaches: list[CPNBreach | PSPOBreach] = [b for b in (fpn.cpn_breach, fpn.pspo_breach) if b is not None]
    for breach in breaches:
        breach.outcome = BreachOutcome.PROSECUTION
        save_with_history(breach, by, "Fixed penalty unpaid: breach referred for prosecution")
    return fpn

"""Closure notices and closure orders (ss76-93 of the 2014 Act)."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casework.errors import InvalidTransition, NotAllowed
from casework.models import Case
from casework.services import save_with_history
from statutory.selectors import rule as law_rule
from statutory.selectors import value as law

from .. import periods
from ..models import (
    ClosureAuthority,
    ClosureExtensionAuthority,
    ClosureHearingAdjournment,
    ClosureNotice,
    ClosureOrder,
    ClosureOrderExtension,
    ClosureOrderStatus,
    ClosureScope,
    ClosureStatus,
)
from .shared import (
    CLOSURE_TRANSITIONS,
    _acting_on_case,
    _after_hours,
    _extend,
    _fmt,
    _fmt_time,
    _local_date,
    _locked_through_case,
    _move,
    _not_future,
    _require_perm,
    _required_text,
)

# --- Closure notices and orders -------------------------------------------------------------------------


def closure_hearing_deadline(served_at: datetime) -> datetime:
    """s80(3)-(4): the court hears the application within 48 hours of service, Christmas Day disregarded."""
    hours = law("closure.hearing_within_hours", on=_local_date(served_at))
    return periods.hours_disregarding_christmas(served_at, hours)


@transaction.atomic
def issue_closure_notice(
    *,
    case: Case,
    by: User,
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
    agency = _acting_on_case(by, case, "add_closurenotice", "issue closure notices")
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


def _closure_for_change(notice: ClosureNotice, by: User) -> ClosureNotice:
    return _locked_through_case(notice, by, "change_closurenotice", "change closure notices", "issuing_agency")


@transaction.atomic
def extend_closure_notice(
    *,
    notice: ClosureNotice,
    by: User,
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
def cancel_closure_notice(*, notice: ClosureNotice, by: User, reason: str) -> ClosureNotice:
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
    by: User,
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
def refuse_closure_order(*, notice: ClosureNotice, by: User, heard_at: datetime) -> ClosureNotice:
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
    by: User,
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
    *, order: ClosureOrder, by: User, decided_on: date, new_ends_on: date, court: str
) -> ClosureOrderExtension:
    """s82: the court may extend an order, made before it ends, but never beyond 6 months in all."""
    order = _locked_through_case(order, by, "change_closureorder", "change closure orders")
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

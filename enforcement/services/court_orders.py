"""Criminal Behaviour Orders, civil injunctions and Respect Orders; variation and discharge of orders."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NotRequired, TypedDict, Unpack

from django.contrib.auth.models import User
from django.db import transaction

from casework.errors import InvalidTransition, NotAllowed
from casework.models import Case, Person
from casework.services import save_with_history
from statutory.selectors import rule as law_rule
from statutory.selectors import value as law

from .. import periods
from ..models import (
    CivilInjunction,
    ClosureOrder,
    ClosureOrderStatus,
    CourtOrderStatus,
    CriminalBehaviourOrder,
    OrderBreach,
    OrderDecision,
    OrderVariation,
    PowerOfArrestGround,
    RespectOrder,
)
from .closure import _closure_too_long, closure_order_total_latest_end
from .shared import (
    CLOSURE_ORDER_TRANSITIONS,
    COURT_ORDER_TRANSITIONS,
    _acting_on_case,
    _fmt,
    _local_date,
    _locked_through_case,
    _not_future,
    _require_case_change,
    _require_perm,
    _required_text,
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


def _review_period_end(begins_on: date) -> date:
    """The last day of a review period: 12 months beginning with `begins_on` (1 April 2024 to 31 March 2025)."""
    return periods.last_day_of_period(begins_on, months=law("order.youth_review_months", on=begins_on))


def _review_due(period_end: date, *, date_of_birth: date, ends_on: date | None) -> date | None:
    """s28(1) (s348 of the Sentencing Code): a review is due by the end of a review period only if the subject will
    still be under 18 at its end and the order runs until its end or beyond."""
    if ends_on is not None and ends_on < period_end:
        return None
    if periods.age_on(date_of_birth, period_end) >= law("adult_age", on=period_end):
        return None
    return period_end


def _first_review(starts_on: date, ends_on: date | None, date_of_birth: date) -> date | None:
    """An under-18's order is reviewed within the 12 months beginning with the day it takes effect (s28(2)(a))."""
    return _review_due(_review_period_end(starts_on), date_of_birth=date_of_birth, ends_on=ends_on)


def _review_after(order, reviewed_on: date) -> date | None:
    """The next review due after one held on `reviewed_on`: the review periods run one after another from the
    day the order took effect (or was last varied), not from the day of the review (s28(2)(b))."""
    due = order.next_review_on or _review_period_end(order.starts_on)
    while due < reviewed_on:  # a late review counts for the period it was held in
        due = _review_period_end(due + timedelta(days=1))
    period_begins = periods.add_months(due + timedelta(days=1), -law("order.youth_review_months", on=due))
    if reviewed_on >= period_begins:  # this period's review is done: the next one is due by the end of the next
        due = _review_period_end(due + timedelta(days=1))
    return _review_due(due, date_of_birth=order.subject_date_of_birth, ends_on=order.ends_on)


def _youth(date_of_birth: date, made_on: date) -> bool:
    return periods.age_on(date_of_birth, made_on) < law("adult_age", on=made_on)


def _check_cbo_length(*, youth: bool, starts_on: date, ends_on: date | None) -> None:
    """s25(4)-(5): an adult's CBO lasts at least 2 years or is indefinite; an under-18's 1 to 3 years. Checked when
    the order is made and again when the court varies its end."""
    if youth:
        minimum, maximum = law("cbo.youth_min_years", on=starts_on), law("cbo.youth_max_years", on=starts_on)
        shortest = periods.last_day_of_period(starts_on, years=minimum)
        longest = periods.last_day_of_period(starts_on, years=maximum)
        if ends_on is None or not shortest <= ends_on <= longest:
            raise NotAllowed(
                f"A CBO on someone under 18 must last between {minimum} and {maximum} years (s25(4) of the 2014 "
                f"Act; s343 of the Sentencing Code): from {_fmt(starts_on)}, end it between {_fmt(shortest)} and "
                f"{_fmt(longest)}."
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


def _court_order(model, *, by: User, youth: bool, **fields):
    """A CBO or injunction as made (unsaved): its text tidied, and an under-18's first review date set."""
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    review = _first_review(fields["starts_on"], fields["ends_on"], fields["subject_date_of_birth"]) if youth else None
    return model(**fields, is_youth=youth, next_review_on=review, recorded_by=by)


def _check_cbo_takes_effect(*, subject: Person, made_on: date, starts_on: date) -> None:
    """s25(1)-(2) (s343 of the Sentencing Code): a CBO takes effect on the day it is made, unless the offender is
    subject to another CBO that day, when it may take effect on the day that one ceases to have effect (its last
    day, or the day after it)."""
    if starts_on == made_on:
        return
    previous_ends = CriminalBehaviourOrder.objects.filter(
        subject=subject,
        status__in=(CourtOrderStatus.IN_FORCE, CourtOrderStatus.VARIED),
        starts_on__lte=made_on,
        ends_on__gte=made_on,
    ).values_list("ends_on", flat=True)
    if any(end is not None and starts_on in (end, end + timedelta(days=1)) for end in previous_ends):
        return
    raise NotAllowed(
        f"A CBO takes effect on the day it is made ({_fmt(made_on)}), unless {subject} is subject to another CBO "
        "that day, when it may take effect the day that order ends (s25(1)-(2) of the 2014 Act; s343 of the "
        "Sentencing Code)."
    )


@transaction.atomic
def record_cbo(
    *,
    case: Case,
    by: User,
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
    _check_cbo_takes_effect(subject=subject, made_on=made_on, starts_on=starts_on)
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


@dataclass(frozen=True)
class _CivilOrderTerms:
    """What a civil injunction and a Respect Order both hold: the court, what the order forbids or requires,
    and any power of arrest with the terms it attaches to (s1 and s4 of the 2014 Act). An injunction also holds
    the s4(1) ground the court found for the power of arrest; `power_of_arrest_ground` is None for a kind of
    order that does not record one (a Respect Order)."""

    court: str
    prohibitions: str
    requirements: str
    power_of_arrest: bool
    power_of_arrest_terms: str
    power_of_arrest_ground: str | None = None

    def check(self, *, what: str) -> None:
        _required_text(court=self.court)
        if not (self.prohibitions.strip() or self.requirements.strip()):
            raise NotAllowed(f"Enter the {what}'s prohibitions or requirements.")
        if self.power_of_arrest:
            _required_text(terms_the_power_of_arrest_attaches_to=self.power_of_arrest_terms)
            if (
                self.power_of_arrest_ground is not None
                and self.power_of_arrest_ground not in PowerOfArrestGround.values
            ):
                raise NotAllowed(
                    "A power of arrest may be attached only if the court thinks the behaviour consists of or "
                    "includes the use or threatened use of violence against other persons, or there is a "
                    "significant risk of harm to other persons from the respondent (s4(1) of the 2014 Act): "
                    "record the ground the court found."
                )

    def fields(self) -> dict[str, Any]:
        return {
            "court": self.court,
            "prohibitions": self.prohibitions,
            "requirements": self.requirements,
            "power_of_arrest": self.power_of_arrest,
            "power_of_arrest_terms": self.power_of_arrest_terms if self.power_of_arrest else "",
        } | self._ground()

    def _ground(self) -> dict[str, str]:
        if self.power_of_arrest_ground is None:
            return {}
        return {"power_of_arrest_ground": self.power_of_arrest_ground if self.power_of_arrest else ""}


def _risk_assessment_fields(assessed_on: date | None, assessment: str) -> dict[str, Any]:
    """The risk assessment as the order keeps it: both parts or neither (_check_risk_assessment saw to that)."""
    return {
        "risk_assessed_on": assessed_on if assessment.strip() else None,
        "risk_assessment": assessment if assessed_on else "",
    }


class CivilOrderDetails(TypedDict):
    """What the court made, as an injunction or a Respect Order records it (the officer's form)."""

    case: Case
    subject: Person
    subject_date_of_birth: date
    court: str
    application_heard_on: date
    made_on: date
    starts_on: date
    ends_on: date | None
    prohibitions: NotRequired[str]
    requirements: NotRequired[str]
    power_of_arrest: NotRequired[bool]
    power_of_arrest_terms: NotRequired[str]
    power_of_arrest_ground: NotRequired[str]
    next_hearing_on: NotRequired[date | None]
    risk_assessed_on: NotRequired[date | None]
    risk_assessment: NotRequired[str]


def _record_civil_order(model, details: CivilOrderDetails, *, by: User, who):
    """What recording an injunction and a Respect Order share, in the order the checks have always run;
    `who(subject, date_of_birth, made_on, heard_on)` applies the kind's own rules on whom it may be made
    against and says whether they are under 18."""
    order = {**_CIVIL_ORDER_DEFAULTS, **details}
    case, made_on, starts_on, ends_on = order["case"], order["made_on"], order["starts_on"], order["ends_on"]
    heard_on = order["application_heard_on"]
    assessed_on, assessment = order["risk_assessed_on"], order["risk_assessment"]
    codename, doing, what, reason = _CIVIL_ORDERS[model]
    agency = _acting_on_case(by, case, codename, doing)
    terms = _CivilOrderTerms(
        order["court"],
        order["prohibitions"],
        order["requirements"],
        order["power_of_arrest"],
        order["power_of_arrest_terms"],
        order["power_of_arrest_ground"] if model is CivilInjunction else None,
    )
    terms.check(what=what)
    _order_dates(made_on=made_on, starts_on=starts_on, ends_on=ends_on, application_heard_on=heard_on)
    youth = who(order["subject"], order["subject_date_of_birth"], made_on, heard_on)
    _check_risk_assessment(heard_on, assessed_on, assessment)
    _check_injunction_length(youth=youth, starts_on=starts_on, ends_on=ends_on)
    record = _court_order(
        model,
        by=by,
        youth=youth,
        case=case,
        subject=order["subject"],
        subject_date_of_birth=order["subject_date_of_birth"],
        applicant_agency=agency,
        application_heard_on=heard_on,
        next_hearing_on=order["next_hearing_on"],
        made_on=made_on,
        starts_on=starts_on,
        ends_on=ends_on,
        **terms.fields(),
        **_risk_assessment_fields(assessed_on, assessment),
    )
    save_with_history(record, by, reason)
    return record


# model: (add permission, what the refusal says the user may not do, what the order is called, history reason)
_CIVIL_ORDERS = {
    CivilInjunction: ("add_civilinjunction", "record civil injunctions", "injunction", "Civil injunction recorded"),
    RespectOrder: ("add_respectorder", "record Respect Orders", "order", "Respect Order recorded"),
}

_CIVIL_ORDER_DEFAULTS: dict[str, Any] = {
    "prohibitions": "",
    "requirements": "",
    "power_of_arrest": False,
    "power_of_arrest_terms": "",
    "power_of_arrest_ground": "",
    "next_hearing_on": None,
    "risk_assessed_on": None,
    "risk_assessment": "",
}


@transaction.atomic
def record_injunction(*, by: User, **details: Unpack[CivilOrderDetails]) -> CivilInjunction:
    """A s1 civil injunction; against an under-18 it lasts at most 12 months and is reviewed yearly. From the
    commencement of Respect Orders an adult gets a Respect Order instead."""

    def who(subject: Person, date_of_birth: date, made_on: date, heard_on: date) -> bool:
        minimum = law("injunction.min_age", on=made_on)
        if periods.age_on(date_of_birth, made_on) < minimum:
            raise NotAllowed(
                f"{subject} is under {minimum} on {_fmt(made_on)}: an injunction can only be granted against a "
                f"person aged {minimum} or over (s1(1) of the 2014 Act)."
            )
        youth = _youth(date_of_birth, made_on)
        if not youth:
            replaced = law_rule("injunction.adults_by_respect_order", on=heard_on)
            if replaced.value:
                raise NotAllowed(
                    f"{subject} is an adult: from the commencement of Respect Orders an application against an "
                    f"adult is for a Respect Order, not a civil injunction ({replaced.citation}). Record a Respect "
                    "Order."
                )
        return youth

    return _record_civil_order(CivilInjunction, details, by=by, who=who)


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
def record_respect_order(*, by: User, **details: Unpack[CivilOrderDetails]) -> RespectOrder:
    """A Respect Order on an adult (Crime and Policing Act 2026): only once commenced, only on someone 18 or
    over; a fixed period or until further order; breach is a criminal offence."""

    def who(subject: Person, date_of_birth: date, made_on: date, heard_on: date) -> bool:
        commenced = law_rule("injunction.adults_by_respect_order", on=heard_on)
        if not commenced.value:
            raise NotAllowed(
                f"Respect Orders are not in force on {_fmt(heard_on)}: until their commencement date is set, "
                "record a civil injunction (s1 of the 2014 Act)."
            )
        minimum = law("respect_order.min_age", on=made_on)
        if periods.age_on(date_of_birth, made_on) < minimum:
            raise NotAllowed(
                f"{subject} is under {minimum} on {_fmt(made_on)}: a Respect Order can only be made against a "
                f"person aged {minimum} or over; under-18s keep civil injunctions ({commenced.citation})."
            )
        return False

    return _record_civil_order(RespectOrder, details, by=by, who=who)


@transaction.atomic
def record_review(*, order: CriminalBehaviourOrder | CivilInjunction | RespectOrder, by: User, reviewed_on: date):
    """An under-18's order is reviewed every 12 months: the next review is set from this one."""
    _require_perm(by, f"change_{type(order)._meta.model_name}", "record reviews")
    _require_case_change(by, order.case)
    if not order.is_youth:
        raise NotAllowed("Only orders on under-18s have statutory reviews.")
    _not_future(reviewed_on, "date of the review")
    if reviewed_on < order.starts_on:
        raise NotAllowed(f"The order took effect on {_fmt(order.starts_on)}: it cannot be reviewed before then.")
    order.next_review_on = _review_after(order, reviewed_on)
    save_with_history(order, by, f"Reviewed on {_fmt(reviewed_on)}")
    return order


@transaction.atomic
def record_order_breach(
    *,
    order: ClosureOrder | CriminalBehaviourOrder | CivilInjunction | RespectOrder,
    by: User,
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


def _order_for_change(order: Order, by: User) -> Order:
    meta = type(order)._meta
    return _locked_through_case(order, by, f"change_{meta.model_name}", f"change {meta.verbose_name_plural}")


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
    by: User,
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
    months from its start (s82(4)); a CBO or injunction keeps its adult or under-18 limits (s25(4)-(5), s1(6))."""
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
        if isinstance(order, ClosureOrder):
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
    if isinstance(order, ClosureOrder):
        order.terms = new_terms or order.terms
    else:
        order.prohibitions = new_prohibitions or order.prohibitions
        order.requirements = new_requirements or order.requirements
        if order.is_youth:
            # s28(2): a variation starts a new review period of 12 months beginning with the day it is made
            order.next_review_on = _first_review(decided_on, order.ends_on, order.subject_date_of_birth)
    order.status = to
    save_with_history(order, by, f"Varied by the court on {_fmt(decided_on)}")
    return variation


@transaction.atomic
def discharge_order(*, order: Order, by: User, decided_on: date, court: str, reason: str) -> OrderVariation:
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
    if not isinstance(order, ClosureOrder):
        order.next_review_on = None
    save_with_history(order, by, f"Discharged by the court on {_fmt(decided_on)}")
    return discharge

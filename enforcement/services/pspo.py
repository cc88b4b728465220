"""Public Spaces Protection Orders (ss59-75 of the 2014 Act): making, extending, discharging, breaches."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction

from casework import access
from casework.errors import InvalidTransition, NotAllowed
from casework.models import Case, Ward
from casework.services import save_with_history
from statutory.selectors import value as law

from .. import periods
from ..models import (
    PSPOBreach,
    PSPOCondition,
    PSPOExtension,
    PSPOStatus,
    PublicSpacesProtectionOrder,
)
from .shared import (
    _extend,
    _fmt,
    _local_date,
    _not_future,
    _require_agency,
    _require_case_change,
    _require_perm,
    _required_text,
)

# --- Public Spaces Protection Orders --------------------------------------------------------------------


def pspo_latest_expiry(in_force_from: date) -> date:
    return periods.last_day_of_period(in_force_from, years=law("pspo.max_years", on=in_force_from))


def pspo_latest_extension(expires_on: date) -> date:
    years = law("pspo.extension_max_years", on=expires_on)
    return periods.last_day_of_period(expires_on + timedelta(days=1), years=years)


@transaction.atomic
def make_pspo(
    *,
    by: User,
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


def _pspo_for_change(pspo: PublicSpacesProtectionOrder, by: User) -> PublicSpacesProtectionOrder:
    _require_perm(by, "change_publicspacesprotectionorder", "change Public Spaces Protection Orders")
    pspo = PublicSpacesProtectionOrder.objects.select_for_update().get(pk=pspo.pk)
    agency = access.agency_of(by)
    if agency is None or agency.pk != pspo.owner_agency_id:
        raise NotAllowed(f"Only {pspo.owner_agency} can change this order.")
    return pspo


@transaction.atomic
def extend_pspo(
    *, pspo: PublicSpacesProtectionOrder, by: User, decided_on: date, new_expires_on: date, reason: str
) -> PSPOExtension:
    """Extend a PSPO before it expires (s60(2)), by at most 3 years at a time (s60(3)(a)), as often as needed
    (s60(4)); each extension recorded."""
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
        too_long=f"An extension can be for at most {law('pspo.extension_max_years', on=decided_on)} years (s60(3)(a) "
        "of the 2014 "
        f"Act): this order can be extended to {_fmt(latest)} at the latest.",
        reason="PSPO extended",
    )


@transaction.atomic
def discharge_pspo(*, pspo: PublicSpacesProtectionOrder, by: User, reason: str) -> PublicSpacesProtectionOrder:
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
    by: User,
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

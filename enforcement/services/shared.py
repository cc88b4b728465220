"""What every enforcement power shares: the state machines, who may act, and date helpers."""

from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from casework import access
from casework.errors import InvalidTransition, NotAllowed
from casework.models import Agency, Case
from casework.services import save_with_history
from common.dates import govuk_time

from ..models import (
    ClosureOrderStatus,
    ClosureStatus,
    CourtOrderStatus,
    CPNStatus,
    FPNStatus,
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


def _require_perm(by: User, codename: str, doing: str) -> None:
    access.require(by, f"enforcement.{codename}", f"You do not have permission to {doing}.", error=NotAllowed)


def _require_agency(by: User) -> Agency:
    agency = access.agency_of(by)
    if agency is None:
        raise NotAllowed("Only a member of a partner agency can record enforcement action.")
    return agency


def _require_case_change(by: User, case: Case) -> None:
    if not access.can_change(by, case):
        raise NotAllowed("You do not have permission to change this case.")


def _acting_on_case(by: User, case: Case, codename: str, doing: str) -> Agency:
    """Recording something new on a case: the permission, then the case, then the agency it is recorded for."""
    _require_perm(by, codename, doing)
    _require_case_change(by, case)
    return _require_agency(by)


def _locked_through_case(record, by: User, codename: str, doing: str, *related: str):
    """A record that changes with its case: the permission, then the case, then the record locked for the
    rest of the transaction (with `related` joined)."""
    _require_perm(by, codename, doing)
    _require_case_change(by, record.case)
    queryset = type(record).objects.select_for_update()
    return (queryset.select_related(*related) if related else queryset).get(pk=record.pk)


def _require_record_change(by: User, record) -> None:
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
    return f"{govuk_time(local)} on {local.day} {local:%B %Y}"


def _extend(
    order,
    extension,
    *,
    by: User,
    end_field: str,
    in_force: bool,
    decided_on,
    new_end,
    latest,
    too_late,
    too_long,
    reason,
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

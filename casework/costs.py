"""Case costs: officer time and spend on actions, for agencies that record them (docs/case-costs.md).

Optional per agency (`Agency.records_costs`, set by an Administrator in the admin). A cost belongs to the agency
that owns the action; that agency and the lead agency record it, and only they see it (managers and auditors,
who read every case, see every cost). Partners on the case see neither the entries nor the totals.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from . import access
from .errors import NotAllowed
from .models import Action, ActionCost, Case, SpendKind

#: The most one entry may hold: a typing slip (9,000 hours, £1,000,000 for a mediation) is refused, not summed.
#: Local practice, not law: override in settings.CASEWORK["COST_LIMITS"].
DEFAULT_LIMITS: dict[str, int] = {"MAX_HOURS": 100, "MAX_SPEND": 50_000}


class CostError(NotAllowed):
    """A cost that cannot be recorded as given; the message says what to change."""


def limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "CASEWORK", {}).get("COST_LIMITS", {})}


def _own_agency_id(user) -> int | None:
    agency = access.agency_of(user)
    return agency.pk if agency else None


def sees_all_costs(user, case: Case) -> bool:
    """The lead agency, managers and auditors see every cost on a case; other agencies their own only."""
    return access.sees_all_cases(user) or (
        _own_agency_id(user) is not None and _own_agency_id(user) == case.lead_agency_id
    )


def may_record(user, action: Action) -> bool:
    """The owner agency or the lead agency, with change rights on the case, on an action of an agency that records
    costs."""
    agency_id = _own_agency_id(user)
    return (
        action.owner_agency.records_costs
        and agency_id is not None
        and agency_id in (action.owner_agency_id, action.case.lead_agency_id)
        and access.can_change(user, action.case)
    )


def may_remove(user, cost: ActionCost) -> bool:
    agency_id = _own_agency_id(user)
    return (
        agency_id is not None
        and agency_id in (cost.agency_id, cost.case.lead_agency_id)
        and access.can_change(user, cost.case)
    )


# Reads ---------------------------------------------------------------------------------------------------------


def costs_for(*, user, case: Case) -> QuerySet[ActionCost]:
    """The costs on a case this user may see (the caller has already resolved that they may see the case)."""
    costs = ActionCost.objects.filter(case=case).select_related("agency", "recorded_by")
    if sees_all_costs(user, case):
        return costs
    agency_id = _own_agency_id(user)
    return costs.filter(agency_id=agency_id) if agency_id is not None else costs.none()


@dataclass
class Totals:
    minutes: int
    spend: Decimal
    entries: int

    @property
    def time(self) -> str:
        return format_minutes(self.minutes)


def totals(costs: QuerySet[ActionCost]) -> Totals:
    sums = costs.aggregate(minutes=Sum("minutes"), spend=Sum("spend"), entries=Count("id"))
    return Totals(minutes=sums["minutes"] or 0, spend=sums["spend"] or Decimal("0"), entries=sums["entries"])


def format_minutes(minutes: int) -> str:
    """Officer time as people say it: "2 hours 30 minutes", "45 minutes", "1 hour"."""
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(f"{hours:,} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def reportable_costs(user: User) -> QuerySet[ActionCost]:
    """Costs a dashboard counts: every agency's for managers and auditors; otherwise the user's agency's own costs
    and every cost on the cases it leads (what the user could see case by case)."""
    if access.sees_all_cases(user):
        return ActionCost.objects.all()
    agency_id = _own_agency_id(user)
    if agency_id is None:
        return ActionCost.objects.none()
    visible = ActionCost.objects.filter(case__in=access.visible_cases(user))
    return visible.filter(Q(agency_id=agency_id) | Q(case__lead_agency_id=agency_id))


def costs_by_agency(*, user: User, start: date, end: date) -> list[dict[str, Any]]:
    """Officer time and spend recorded for the days `start`..`end` (inclusive), by agency; one grouped query."""
    rows = (
        reportable_costs(user)
        .filter(spent_on__gte=start, spent_on__lte=end)
        .values("agency__name")
        .annotate(minutes=Sum("minutes"), spend=Sum("spend"), cases=Count("case_id", distinct=True))
        .order_by("agency__name")
    )
    return [
        {
            "agency": r["agency__name"],
            "minutes": r["minutes"] or 0,
            "spend": r["spend"] or Decimal("0"),
            "cases": r["cases"],
        }
        for r in rows
    ]


# Writes --------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_cost(
    *,
    action: Action,
    by: User,
    spent_on: date,
    minutes: int = 0,
    spend: Decimal = Decimal("0"),
    spend_kind: str = "",
    description: str = "",
) -> ActionCost:
    """Record officer time and/or spend on an action; every check first, then one row with its history."""
    from .services import save_with_history

    action = Action.objects.select_related("owner_agency", "case").get(pk=action.pk)
    if not action.owner_agency.records_costs:
        raise NotAllowed(f"{action.owner_agency} does not record case costs.")
    if not may_record(by, action):
        raise NotAllowed("Only the agency that owns the action or the lead agency can record its costs.")
    limit = limits()
    minutes, spend = int(minutes or 0), Decimal(spend or 0)
    if minutes < 0 or spend < 0:
        raise CostError("Time and spend cannot be less than 0.")
    if minutes > limit["MAX_HOURS"] * 60:
        raise CostError(f"Officer time must be {limit['MAX_HOURS']} hours or less for one entry.")
    if spend > limit["MAX_SPEND"]:
        raise CostError(f"Spend must be £{limit['MAX_SPEND']:,} or less for one entry.")
    if minutes == 0 and spend == 0:
        raise CostError("Enter the officer time, the spend, or both.")
    if spend > 0 and spend_kind not in SpendKind.values:
        raise CostError("Choose what the money was spent on.")
    if spend == 0:
        spend_kind = ""
    if spent_on > timezone.localdate():
        raise CostError("The date of the cost must be today or in the past.")
    if spent_on < timezone.localtime(action.case.opened_at).date():
        raise CostError("The date of the cost must be on or after the day the case was opened.")
    cost = ActionCost(
        action=action,
        case=action.case,
        agency=action.owner_agency,
        spent_on=spent_on,
        minutes=minutes,
        spend=spend,
        spend_kind=spend_kind,
        description=description.strip(),
        recorded_by=by,
    )
    save_with_history(cost, by, "Cost recorded")
    return cost


@transaction.atomic
def remove_cost(*, cost: ActionCost, by: User) -> None:
    """Take back an entry made in error; its history keeps what it said and who removed it."""
    from common import history

    if not may_remove(by, cost):
        raise NotAllowed("Only the agency the cost belongs to or the lead agency can remove it.")
    history.attribute(cost, by=by, reason="Cost removed")
    cost.delete()


@dataclass
class ActionsCosts:
    """What the Actions tab shows of costs: the entries by action, the case's totals, and who may record where."""

    shown: bool
    by_action: dict[int, list[ActionCost]]
    totals: Totals
    recordable: set[int]
    removable: set[int]
    everyone: bool


def for_actions_tab(*, user, case_access: access.CaseAccess, actions: list[Action]) -> ActionsCosts:
    """One query whatever the number of actions: the costs this user may see on the case."""
    case = case_access.case
    visible = costs_for(user=user, case=case)
    entries = list(visible.order_by("spent_on", "id"))
    by_action: dict[int, list[ActionCost]] = {}
    for entry in entries:
        by_action.setdefault(entry.action_id, []).append(entry)
    agency_id = _own_agency_id(user)
    recordable = (
        {
            a.pk
            for a in actions
            if a.owner_agency.records_costs and agency_id in (a.owner_agency_id, case.lead_agency_id)
        }
        if case_access.can_change and agency_id is not None
        else set()
    )
    removable = (
        {e.pk for e in entries if agency_id in (e.agency_id, case.lead_agency_id)}
        if case_access.can_change and agency_id is not None
        else set()
    )
    for action in actions:  # what the template reads beside each action
        action.cost_entries = by_action.get(action.pk, [])  # type: ignore[attr-defined]
        action.may_record_cost = action.pk in recordable  # type: ignore[attr-defined]
    for entry in entries:
        entry.removable = entry.pk in removable  # type: ignore[attr-defined]
    return ActionsCosts(
        shown=bool(entries) or bool(recordable),
        by_action=by_action,
        totals=Totals(
            minutes=sum(e.minutes for e in entries),
            spend=sum((e.spend for e in entries), Decimal("0")),
            entries=len(entries),
        ),
        recordable=recordable,
        removable=removable,
        everyone=sees_all_costs(user, case),
    )


def in_use() -> bool:
    """Whether any agency records costs (the dashboard shows its costs section then)."""
    from .models import Agency

    return Agency.objects.filter(records_costs=True).exists()

"""Hate incidents and the housing regulator's NM01 measure (Tenant Satisfaction Measures): ASB cases opened, those
involving hate incidents, per 1,000 homes when the partnership has set how many homes it covers. Reads only."""

from collections import Counter
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q

from .calendar import day_bounds
from .models import HateCharacteristic, Incident
from .selectors import reporting_scope


def homes_managed() -> int:
    """Homes the NM01 rate is per 1,000 of (CASEWORK["HOMES_MANAGED"]); 0 when not set: counts only."""
    return int(getattr(settings, "CASEWORK", {}).get("HOMES_MANAGED") or 0)


def per_thousand_homes(count: int) -> float | None:
    homes = homes_managed()
    return round(count / homes * 1000, 2) if homes else None


def nm01_counts(*, user: User, start: date, end: date) -> dict:
    """Counts for the period over the cases the user's dashboard counts (`reporting_scope`), in 2 queries:
    ASB cases opened, how many of them are hate-related, hate incidents reported and by characteristic."""
    since, until = day_bounds(start, end)
    scope = reporting_scope(user)
    cases = scope.filter(opened_at__gte=since, opened_at__lt=until).aggregate(
        opened=Count("id"), hate=Count("id", filter=Q(hate_related=True))
    )
    incidents = Incident.objects.filter(
        case__in=scope, hate_related=True, reported_at__gte=since, reported_at__lt=until
    ).values_list("hate_characteristics", flat=True)
    by_code: Counter = Counter()
    total = 0
    for characteristics in incidents:
        total += 1
        by_code.update(set(characteristics or []) or {""})
    return shape_nm01(cases["opened"] or 0, cases["hate"] or 0, total, by_code)


def shape_nm01(opened: int, hate_cases: int, incidents: int, by_code: Counter) -> dict:
    """`nm01_counts` from its sums; `by_code` counts incidents per characteristic code, "" for none recorded."""
    by_characteristic = [(label, by_code.get(code, 0)) for code, label in HateCharacteristic.choices]
    if by_code.get(""):
        by_characteristic.append(("Not recorded", by_code[""]))
    return {
        "asb_cases_opened": opened,
        "hate_cases_opened": hate_cases,
        "hate_incidents": incidents,
        "by_characteristic": by_characteristic,
    }

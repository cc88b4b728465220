"""Reading the rule table: the rule in force on a given day, with commencement dates from the database."""

from datetime import date
from typing import Any

from .models import Commencement
from .rules import RULES, Rule


def commencement_dates() -> dict[str, date | None]:
    """Every commencement key and its date (None while regulations have not set one); one query."""
    return dict(Commencement.objects.values_list("key", "commences_on"))


def starts_on(candidate: Rule, commencements: dict[str, date | None] | None = None) -> date | None:
    """The first day a rule is in force; None when it awaits a commencement date."""
    if candidate.commencement_key:
        dates = commencement_dates() if commencements is None else commencements
        return dates.get(candidate.commencement_key)
    return candidate.effective_from or date.min


def versions(key: str) -> list[Rule]:
    found = [candidate for candidate in RULES if candidate.key == key]
    if not found:
        raise KeyError(f"No statutory rule {key!r} (statutory/rules.py)")
    return found


def rule(key: str, *, on: date) -> Rule:
    """The version of a rule in force on `on`: of those started by then and not ended, the latest to start.

    A commenced amendment therefore supersedes the rule it amends from its commencement date. A day before
    every version (a date before the Act) gets the earliest version, so old records still read sensibly.
    """
    candidates = versions(key)
    commencements = commencement_dates() if any(c.commencement_key for c in candidates) else {}
    in_force = []
    for candidate in candidates:
        start = starts_on(candidate, commencements)
        if start is None or start > on:
            continue
        if candidate.effective_to is not None and candidate.effective_to < on:
            continue
        in_force.append((start, candidate))
    if in_force:
        return max(in_force, key=lambda pair: pair[0])[1]
    dated = [c for c in candidates if not c.commencement_key]
    return min(dated or candidates, key=lambda c: c.effective_from or date.min)


def value(key: str, *, on: date) -> Any:
    """The statutory figure (or list, or flag) in force on `on`."""
    return rule(key, on=on).value


def in_force(key: str, *, on: date) -> bool:
    """For flag rules: whether the provision applies on `on`."""
    return bool(value(key, on=on))


def commencements() -> list[Commencement]:
    return list(Commencement.objects.select_related("changed_by").order_by("key"))

"""Working days in England and Wales: weekends and bank holidays (from the offline `holidays` package);
and the aware datetime bounds of a range of local calendar days, for filtering datetime columns by date."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself never counts)."""
    if days < 0:
        raise ValueError("days must be zero or more")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, otherwise the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware bounds of the local days `start` to `end` (both included), for a half-open filter.

    Filter with `field__gte=since, field__lt=until`: local midnight at the start of `start` up to, not
    including, local midnight after `end`, in the current time zone (the project's TIME_ZONE,
    Europe/London). That selects exactly what `field__date__gte=start, field__date__lte=end` does,
    across summer time changes too, but compares the bare column, so PostgreSQL can use its index
    (`__date` wraps the column in `AT TIME ZONE ...::date`, which no plain index matches).
    """
    tz = timezone.get_current_timezone()
    # The last representable day has no next midnight: its end is the end of time (a filter typed as 31/12/9999).
    until = datetime.combine(end + timedelta(days=1), time.min) if end < date.max else datetime.max
    return timezone.make_aware(datetime.combine(start, time.min), tz), timezone.make_aware(until, tz)

"""Date and time arithmetic for statutory periods: years, months, ages and the closure hearing window."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from casework import calendar as working_days
from common.dates import add_months


def add_years(day: date, years: int) -> date:
    """The anniversary; 29 February falls on 1 March in a common year (how UK law counts birthdays)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def last_day_of_period(start: date, *, years: int = 0, months: int = 0) -> date:
    """The last day of a period that starts on `start` (inclusive): the day before the anniversary."""
    end = add_years(start, years) if years else start
    end = add_months(end, months) if months else end
    return end - timedelta(days=1)


def last_day_beginning_with(start: date, *, days: int) -> date:
    """The last day of a period of `days` days *beginning with* `start`: 21 days from 3 November end on 23 November."""
    return start + timedelta(days=days - 1)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day`; someone born on 29 February comes of age on 1 March in a common year."""
    years = day.year - date_of_birth.year
    if day < add_years(date_of_birth, years):
        years -= 1
    return years


def roll_to_working_day(day: date) -> date:
    return working_days.next_working_day(day)


def _local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def hours_disregarding_christmas(start: datetime, hours: int) -> datetime:
    """The moment `hours` after `start`, not counting any time on Christmas Day (s80(4) of the 2014 Act).

    Christmas Day is the local calendar day 25 December; elapsed time is real time, so a clock change
    inside the window is counted as it happened.
    """
    tz = _local_tz()
    current = start.astimezone(UTC)  # arithmetic in UTC: aware local datetimes add wall-clock time
    remaining = timedelta(hours=hours)
    while remaining > timedelta(0):
        local = current.astimezone(tz)
        christmas_start = datetime.combine(date(local.year, 12, 25), time.min, tzinfo=tz).astimezone(UTC)
        christmas_end = datetime.combine(date(local.year, 12, 26), time.min, tzinfo=tz).astimezone(UTC)
        if christmas_start <= current < christmas_end:
            current = christmas_end
            continue
        if current >= christmas_end:
            christmas_start = datetime.combine(date(local.year + 1, 12, 25), time.min, tzinfo=tz).astimezone(UTC)
        if current + remaining <= christmas_start:
            current = current + remaining
            remaining = timedelta(0)
        else:
            remaining -= christmas_start - current
            current = christmas_start
    return current

"""Calendar arithmetic the statutes and the council's rules share."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier); a day the month lacks becomes its last day
    (31 Jan + 1 = 28/29 Feb, 31 Mar - 1 = 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# GOV.UK style (www.gov.uk/guidance/style-guide/a-to-z): "3 December 2026", "4:23pm", "midday", "midnight",
# "3 December 2026 at 4:23pm". One place, so every page, PDF and email says a time the same way.
def govuk_time(moment, *, seconds: bool = False) -> str:
    if moment.hour == 12 and moment.minute == 0 and not seconds:
        return "midday"
    if moment.hour == 0 and moment.minute == 0 and not seconds:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    if seconds:
        return f"{hour}:{moment.minute:02d}:{moment.second:02d}{suffix}"
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


def govuk_date(day, *, short: bool = False, weekday: bool = False) -> str:
    month = day.strftime("%b" if short else "%B")
    text = f"{day.day} {month} {day.year}"
    return f"{day.strftime('%A')} {text}" if weekday else text


def govuk_datetime(moment, *, short: bool = False, seconds: bool = False) -> str:
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{govuk_date(moment, short=short)} at {govuk_time(moment, seconds=seconds)}"

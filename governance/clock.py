"""The statutory clocks of information governance, as rules with the law beside them.

Subject access (UK GDPR Art. 12(3), as amended by the Data (Use and Access) Act 2025): one month counted from
the day after receipt, to the corresponding date of the next month (the month's last day when it has no such
date); extendable by two further months for complex or numerous requests; the clock stops while the
controller asks the requester to clarify and restarts when the answer arrives. A deadline on a weekend or
bank holiday moves to the next working day (ICO guidance).

Data-protection complaints (UK GDPR Art. 164A, inserted by DUAA 2025 s103, from 19 June 2026): acknowledge
within 30 days of receipt.
"""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, timedelta

from casework.calendar import next_working_day

SAR_MONTHS = 1
SAR_EXTENSION_MONTHS = 2
COMPLAINT_ACKNOWLEDGE_DAYS = 30
COMPLAINTS_DUTY_FROM = date(2026, 6, 19)


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` later; the last day of that month when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Pause:
    paused_on: date
    resumed_on: date | None  # None: still waiting for the requester


@dataclass(frozen=True)
class SarClock:
    deadline: date | None  # None while the clock is paused
    paused_days: int
    paused: bool
    extended: bool


def sar_clock(*, received_on: date, extended: bool = False, pauses: list[Pause] = ()) -> SarClock:
    """When the response is due: the calendar deadline, pushed back by the days spent waiting for clarification,
    then moved off a weekend or bank holiday."""
    months = SAR_MONTHS + (SAR_EXTENSION_MONTHS if extended else 0)
    due = add_months(received_on + timedelta(days=1), months)
    paused_days = 0
    for pause in pauses:
        if pause.resumed_on is None:
            return SarClock(None, paused_days, True, extended)
        paused_days += max((pause.resumed_on - pause.paused_on).days, 0)
    return SarClock(next_working_day(due + timedelta(days=paused_days)), paused_days, False, extended)


def complaint_acknowledge_by(received_on: date) -> date:
    return received_on + timedelta(days=COMPLAINT_ACKNOWLEDGE_DAYS)

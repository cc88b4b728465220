"""Reporting periods the board uses, and the same period a year earlier for comparison."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def months(self) -> list[date]:
        months, current = [], self.start.replace(day=1)
        while current <= self.end:
            months.append(current)
            current = _add_months(current, 1)
        return months


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, 1)


def _month_end(first: date) -> date:
    return _add_months(first, 1) - timedelta(days=1)


def shift_years(day: date, years: int) -> date:
    """The same calendar day `years` earlier or later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_three_months(today: date) -> Period:
    """The three complete months before the current one."""
    end = today.replace(day=1) - timedelta(days=1)
    start = _add_months(end.replace(day=1), -2)
    return Period(start, end, f"{start:%B %Y} to {end:%B %Y}")


def rolling_twelve_months(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    start = _add_months(end.replace(day=1), -11)
    return Period(start, end, f"12 months to {end:%B %Y}")


def financial_year(start_year: int) -> Period:
    """1 April to 31 March, the partnership's reporting year (e.g. 2022 -> 2022/23)."""
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31), f"{start_year}/{str(start_year + 1)[-2:]}")


def current_financial_year_start(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


def custom(start: date, end: date) -> Period:
    if end < start:
        raise ValueError("The end date must be the same as or after the start date")
    return Period(start, end, f"{start:%-d %B %Y} to {end:%-d %B %Y}")


def year_earlier(period: Period) -> Period:
    start, end = shift_years(period.start, -1), shift_years(period.end, -1)
    if period.end == _month_end(period.end.replace(day=1)):
        end = _month_end(end.replace(day=1))  # keep whole months whole (28 Feb 2023 <- 29 Feb 2024)
    return Period(start, end, f"{start:%-d %b %Y} to {end:%-d %b %Y}")

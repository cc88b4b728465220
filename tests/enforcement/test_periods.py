"""Deadline arithmetic: month ends, leap years, birthdays, bank holidays and the Christmas Day rule."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from enforcement import periods, services
from enforcement.models import OffenceCode

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year: the last day of February
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(start, months, expected):
    assert periods.add_months(start, months) == expected


def test_a_29_february_anniversary_falls_on_1_march_in_a_common_year():
    assert periods.add_years(date(2024, 2, 29), 1) == date(2025, 3, 1)
    assert periods.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_last_day_of_a_period_is_the_day_before_the_anniversary():
    assert periods.last_day_of_period(date(2022, 12, 1), years=3) == date(2025, 11, 30)
    assert periods.last_day_of_period(date(2024, 2, 29), years=3) == date(2027, 2, 28)
    assert periods.last_day_of_period(date(2024, 1, 1), months=3) == date(2024, 3, 31)
    assert periods.last_day_of_period(date(2023, 11, 30), months=3) == date(2024, 2, 28)


def test_age_turns_on_the_birthday_and_leap_day_births_come_of_age_on_1_march():
    born = date(2008, 3, 10)
    assert periods.age_on(born, date(2024, 3, 9)) == 15
    assert periods.age_on(born, date(2024, 3, 10)) == 16
    leap_born = date(2000, 2, 29)
    assert periods.age_on(leap_born, date(2001, 2, 28)) == 0
    assert periods.age_on(leap_born, date(2001, 3, 1)) == 1
    assert periods.age_on(leap_born, date(2004, 2, 29)) == 4


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def test_closure_hearing_window_is_48_hours_when_christmas_is_not_in_it():
    assert services.closure_hearing_deadline(_at(2025, 12, 22, 12, 0)) == _at(2025, 12, 24, 12, 0)
    assert services.closure_hearing_deadline(_at(2025, 6, 2, 9, 30)) == _at(2025, 6, 4, 9, 30)


def test_closure_hearing_window_disregards_christmas_day():
    # Served on Christmas Eve: 14 hours to midnight, Christmas Day skipped, 34 hours more.
    assert services.closure_hearing_deadline(_at(2025, 12, 24, 10, 0)) == _at(2025, 12, 27, 10, 0)
    # Served the day before Christmas Eve: the window reaches into Christmas Day, which does not count.
    assert services.closure_hearing_deadline(_at(2025, 12, 23, 12, 0)) == _at(2025, 12, 26, 12, 0)
    # Served on Christmas Day itself: the count starts on Boxing Day.
    assert services.closure_hearing_deadline(_at(2025, 12, 25, 15, 0)) == _at(2025, 12, 28, 0, 0)


def test_closure_hearing_window_counts_real_hours_across_a_clock_change():
    # The clocks go back at 02:00 on 26 October 2025: 48 real hours end an hour earlier on the wall clock.
    assert services.closure_hearing_deadline(_at(2025, 10, 25, 12, 0)) == _at(2025, 10, 27, 11, 0)


@pytest.mark.django_db
def test_fpn_payment_dates_roll_past_christmas_and_boxing_day():
    offence = OffenceCode.objects.get(code="CST01")
    dates = services.fpn_payment_dates(offence, date(2024, 12, 11))
    assert dates.early_payment_until == date(2024, 12, 27)  # 25th and 26th are bank holidays
    assert dates.payment_due == date(2025, 1, 8)
    assert dates.no_proceedings_before == date(2024, 12, 26)  # calendar days: the 14 following end on the 25th


@pytest.mark.django_db
def test_fpn_payment_dates_across_month_end_leap_day_and_weekends():
    offence = OffenceCode.objects.get(code="CST01")
    assert services.fpn_payment_dates(offence, date(2024, 2, 15)).early_payment_until == date(2024, 2, 29)
    assert services.fpn_payment_dates(offence, date(2023, 1, 31)).early_payment_until == date(2023, 2, 14)
    # 14 days after Friday 22 March 2024 is Good Friday; Easter Monday follows the weekend.
    assert services.fpn_payment_dates(offence, date(2024, 3, 15)).early_payment_until == date(2024, 4, 2)


@pytest.mark.django_db
def test_fpn_payment_dates_can_count_plain_calendar_days(settings):
    settings.ENFORCEMENT = {"FPN_PAYMENT_DATES_ROLL_TO_WORKING_DAY": False}
    offence = OffenceCode.objects.get(code="CST01")
    assert services.fpn_payment_dates(offence, date(2024, 12, 11)).early_payment_until == date(2024, 12, 25)

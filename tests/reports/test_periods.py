"""Period arithmetic the board relies on: quarters, rolling years, financial years, leap years."""

from datetime import date

import pytest

from reports import periods
from reports.forms import PeriodForm


def test_last_three_months_are_the_complete_months_before_this_one():
    period = periods.last_three_months(date(2023, 6, 19))
    assert (period.start, period.end) == (date(2023, 3, 1), date(2023, 5, 31))
    assert period.label == "March 2023 to May 2023"
    assert [m.month for m in period.months()] == [3, 4, 5]


def test_last_three_months_across_a_new_year():
    period = periods.last_three_months(date(2024, 2, 10))
    assert (period.start, period.end) == (date(2023, 11, 1), date(2024, 1, 31))


def test_rolling_twelve_months():
    period = periods.rolling_twelve_months(date(2023, 7, 19))
    assert (period.start, period.end) == (date(2022, 7, 1), date(2023, 6, 30))
    assert len(period.months()) == 12


def test_financial_year_runs_april_to_march():
    period = periods.financial_year(2022)
    assert (period.start, period.end, period.label) == (date(2022, 4, 1), date(2023, 3, 31), "2022/23")
    assert periods.current_financial_year_start(date(2023, 3, 31)) == 2022
    assert periods.current_financial_year_start(date(2023, 4, 1)) == 2023


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (date(2024, 2, 1), date(2024, 2, 29), (date(2023, 2, 1), date(2023, 2, 28))),
        (date(2024, 2, 29), date(2024, 3, 31), (date(2023, 2, 28), date(2023, 3, 31))),
        (date(2025, 2, 1), date(2025, 2, 28), (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2023, 3, 1), date(2023, 5, 31), (date(2022, 3, 1), date(2022, 5, 31))),
    ],
)
def test_year_earlier_keeps_whole_months_whole_across_leap_years(start, end, expected):
    earlier = periods.year_earlier(periods.custom(start, end))
    assert (earlier.start, earlier.end) == expected


def test_custom_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        periods.custom(date(2023, 5, 1), date(2023, 4, 1))


def test_period_form_validates_custom_dates():
    form = PeriodForm(
        {
            "period": "custom",
            "start_0": "1",
            "start_1": "5",
            "start_2": "2023",
            "end_0": "1",
            "end_1": "4",
            "end_2": "2023",
        },
        today=date(2023, 7, 1),
    )
    assert not form.is_valid()
    assert "The end date must be the same as or after the start date" in str(form.errors)
    form = PeriodForm({"period": "financial_year", "financial_year": "2022"}, today=date(2023, 7, 1))
    assert form.is_valid(), form.errors
    assert form.to_period().label == "2022/23"

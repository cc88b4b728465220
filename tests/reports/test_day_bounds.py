"""Dashboard periods are whole local (Europe/London) days. The selectors filter datetimes by aware bounds
(`>= local midnight of the first day`, `< local midnight after the last`) instead of `__date`, so PostgreSQL
can use the column's index; these tests prove the counts are exactly what `__date` gave, in summer time and
across the clock changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from casework import selectors as casework_selectors
from casework.calendar import day_bounds
from casework.models import Case, CaseCategory
from enforcement import selectors as enforcement_selectors
from reports import periods, selectors
from tests.factories import CaseFactory, make_fpn, make_written_warning

LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def test_bounds_are_local_midnights_in_summer_and_in_winter():
    since, until = day_bounds(date(2026, 4, 1), date(2026, 6, 30))  # British Summer Time (UTC+1) at both ends
    assert utc(since) == datetime(2026, 3, 31, 23, tzinfo=UTC)
    assert utc(until) == datetime(2026, 6, 30, 23, tzinfo=UTC)
    since, until = day_bounds(date(2025, 12, 1), date(2025, 12, 31))  # GMT
    assert utc(since) == datetime(2025, 12, 1, tzinfo=UTC)
    assert utc(until) == datetime(2026, 1, 1, tzinfo=UTC)


def test_the_days_the_clocks_change_are_23_and_25_hours_long():
    since, until = day_bounds(date(2026, 3, 29), date(2026, 3, 29))
    assert utc(until) - utc(since) == timedelta(hours=23)
    since, until = day_bounds(date(2025, 10, 26), date(2025, 10, 26))
    assert utc(until) - utc(since) == timedelta(hours=25)


@pytest.mark.django_db
def test_a_case_counts_on_its_local_day_at_both_ends_of_a_summer_period(manager, officer, ward):
    """One case per moment, each in its own category, so a miss at one end cannot hide a wrong count at the other."""
    period = periods.custom(date(2026, 4, 1), date(2026, 6, 30))
    opened = {
        CaseCategory.LITTERING: at(2026, 3, 31, 23, 30),  # 22:30 UTC on 31 March: the day before, not counted
        CaseCategory.NOISE: at(2026, 4, 1, 0, 30),  # 23:30 UTC on 31 March: the first day, counted
        CaseCategory.GRAFFITI: at(2026, 6, 30, 23, 30),  # 22:30 UTC on 30 June: the last day, counted
        CaseCategory.FLY_TIPPING: at(2026, 7, 1, 0, 30),  # 23:30 UTC on 30 June: the day after, not counted
    }
    for category, opened_at in opened.items():
        CaseFactory(by=officer, ward=ward, category=category, opened_at=opened_at)

    volumes = casework_selectors.case_volumes(user=manager, start=period.start, end=period.end)
    logged = {row["key"]: row["total"] for row in volumes["by_category"] if row["total"]}
    assert logged == {CaseCategory.NOISE: 1, CaseCategory.GRAFFITI: 1}
    assert volumes["total"] == 2
    board = selectors.dashboard(user=manager, period=period)
    assert {row[0]: row[1:] for row in board.table("cases_by_ward").rows}["Burnt Oak"] == [2, 2, 0]
    assert board.table("cases_by_category").totals == ["Total", 2, 0, 2, 0]  # logged, a year earlier, open, closed


@pytest.mark.django_db
def test_a_case_counts_on_its_local_day_at_the_end_of_a_winter_period(manager, officer, ward):
    CaseFactory(by=officer, ward=ward, opened_at=at(2025, 12, 31, 23, 30))
    CaseFactory(by=officer, ward=ward, opened_at=at(2026, 1, 1, 0, 30))
    december = casework_selectors.case_volumes(user=manager, start=date(2025, 12, 1), end=date(2025, 12, 31))
    january = casework_selectors.case_volumes(user=manager, start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert (december["total"], january["total"]) == (1, 1)


@pytest.mark.django_db
def test_fixed_penalties_and_warnings_count_on_their_local_day(manager, officer, case):
    make_fpn(by=officer, issued_at=at(2026, 6, 30, 23, 30))
    make_fpn(by=officer, issued_at=at(2026, 7, 1, 0, 30))
    make_written_warning(case=case, by=officer, served_at=at(2026, 6, 30, 23, 30))
    make_written_warning(case=case, by=officer, served_at=at(2026, 7, 1, 0, 30))

    fpns = enforcement_selectors.fpns_by_offence_code(user=manager, start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert sum(row["issued"] for row in fpns) == 1
    tools = enforcement_selectors.tools_and_powers_by_month(user=manager, start=date(2026, 6, 1), end=date(2026, 6, 30))
    assert tools["totals"]["cpn_warning"] == 1
    assert [(m["month"], m["counts"]["cpn_warning"]) for m in tools["months"]] == [(date(2026, 6, 1), 1)]
    july = enforcement_selectors.fpns_by_offence_code(user=manager, start=date(2026, 7, 1), end=date(2026, 7, 31))
    assert sum(row["issued"] for row in july) == 1


@pytest.mark.django_db
def test_bounds_select_exactly_what_the_date_lookup_selects(officer, ward):
    """Cases every half hour (UTC) around local midnights in summer, in winter and on both clock-change days."""
    midnights = [at(2026, 3, 29), at(2026, 3, 30), at(2025, 10, 26), at(2025, 10, 27), at(2026, 7, 1), at(2026, 1, 1)]
    moments = {utc(m) + timedelta(minutes=30 * step) for m in midnights for step in range(-5, 6)}
    for opened_at in sorted(moments):
        CaseFactory(by=officer, ward=ward, opened_at=opened_at)
    days = [date(2026, 3, 28), date(2026, 3, 29), date(2025, 10, 26), date(2026, 6, 30), date(2025, 12, 31)]
    ranges = [(day, day) for day in days] + [
        (date(2025, 10, 26), date(2026, 3, 29)),
        (date(2026, 3, 30), date(2026, 6, 30)),
        (date(2026, 1, 1), date(2026, 7, 1)),
    ]
    for start, end in ranges:
        since, until = day_bounds(start, end)
        by_bounds = set(Case.objects.filter(opened_at__gte=since, opened_at__lt=until).values_list("pk", flat=True))
        by_date = set(
            Case.objects.filter(opened_at__date__gte=start, opened_at__date__lte=end).values_list("pk", flat=True)
        )
        assert by_bounds == by_date, (start, end)
        assert by_bounds, (start, end)

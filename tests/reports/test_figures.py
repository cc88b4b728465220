"""The dashboard's maintained figures (reports/figures.py, issue #23): kept by every write, equal to a fresh count."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from casework import hate, services
from casework import selectors as casework_selectors
from casework.models import Case, CaseCategory, CaseOutcome, CaseStatus, Incident
from reports import figures, periods, selectors
from reports.models import CaseFigure
from tests.factories import WardFactory

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def at(*args, tz=LONDON) -> datetime:
    return datetime(*args, tzinfo=tz)


def _open(officer, ward, opened_at, category=CaseCategory.NOISE, hate_related=False) -> Case:
    return services.create_case(
        by=officer,
        title="Noise",
        category=category,
        description="Loud music",
        ward=ward,
        hate_related=hate_related,
        opened_at=opened_at,
    )


def _incident(case, officer, council, reported_at, characteristics=()):
    return services.add_incident(
        case=case,
        by=officer,
        occurred_at=reported_at - timedelta(hours=1),
        reported_at=reported_at,
        reported_to=council,
        description="Shouting",
        hate_related=bool(characteristics),
        hate_characteristics=list(characteristics),
    )


@pytest.fixture
def history(officer, council, ward, barnet_homes, housing_user):
    """Two years of cases and incidents written through the services: status changes, closures and reopenings,
    edits that move a case to another ward and category, hate flags set by incidents, a month's edges in summer
    time, and a case led by another agency."""
    other_ward = WardFactory(name="Colindale", code="colindale")
    cases = []
    for month in range(1, 25):
        year, m = 2022 + (month - 1) // 12, (month - 1) % 12 + 1
        cases.append(_open(officer, ward, at(year, m, 3, 10), category=CaseCategory.NOISE))
        cases.append(_open(officer, other_ward, at(year, m, 20, 15), category=CaseCategory.ASB_PERSONAL))
    # 23:30 UTC on 31 May is 00:30 on 1 June in London: a June case, in both the figures and the live count.
    edge = _open(officer, ward, at(2023, 5, 31, 23, 30, tz=UTC))
    cases.append(edge)
    _open(housing_user, ward, at(2023, 3, 8, 9))  # led by Barnet Homes
    for i, case in enumerate(cases):
        if i % 3 == 0:
            services.transition_case(case=case, by=officer, to=CaseStatus.INVESTIGATING)
        if i % 4 == 0:
            services.transition_case(
                case=case, by=officer, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes="Stopped"
            )
        if i % 8 == 0:
            services.transition_case(case=Case.objects.get(pk=case.pk), by=officer, to=CaseStatus.OPEN)
        if i % 5 == 0:
            current = Case.objects.get(pk=case.pk)
            services.update_case(
                case=current,
                by=officer,
                expected_version=current.version,
                ward=other_ward,
                category=CaseCategory.DRUG_RELATED,
            )
        if i % 6 == 0:
            _incident(case, officer, council, case.opened_at + timedelta(days=2), ["race"])
        if i % 7 == 0:
            _incident(case, officer, council, case.opened_at + timedelta(days=3), ["religion", "race"])
        if i % 9 == 0:
            _incident(case, officer, council, case.opened_at + timedelta(days=1))
    _incident(edge, officer, council, at(2023, 6, 30, 23, 30, tz=UTC), ["disability"])  # 1 July in London
    return cases


PERIODS = [
    periods.rolling_twelve_months(date(2024, 1, 15)),
    periods.last_three_months(date(2023, 7, 2)),
    periods.financial_year(2022),
    periods.custom(date(2023, 5, 10), date(2023, 8, 20)),  # partial months at both ends: counted live
    periods.custom(date(2023, 6, 1), date(2023, 6, 15)),  # no whole month
    periods.custom(date(2023, 6, 1), date(2023, 7, 1)),  # a whole month and one day
]


@pytest.mark.django_db
def test_figures_kept_by_the_services_equal_a_fresh_count(history, manager):
    assert CaseFigure.objects.exists()
    assert figures.differences() == []
    for period in PERIODS:
        assert figures.case_volumes(
            user=manager, start=period.start, end=period.end
        ) == casework_selectors.case_volumes(user=manager, start=period.start, end=period.end), period
        assert figures.nm01_counts(user=manager, start=period.start, end=period.end) == hate.nm01_counts(
            user=manager, start=period.start, end=period.end
        ), period
    volumes = figures.case_volumes(user=manager, start=date(2023, 6, 1), end=date(2023, 6, 30))
    assert volumes["total"] == 3  # the two June cases and the one opened at 00:30 on 1 June
    assert (
        figures.nm01_counts(user=manager, start=date(2023, 7, 1), end=date(2023, 7, 31))["by_characteristic"][
            [code for code, _ in hate.HateCharacteristic.choices].index("disability")
        ][1]
        == 1
    )


@pytest.mark.django_db
def test_dashboard_shows_the_same_figures_as_a_fresh_scan(history, manager, monkeypatch):
    period = periods.rolling_twelve_months(date(2024, 1, 15))
    board = selectors.dashboard(user=manager, period=period)
    monkeypatch.setattr(figures, "_reads_figures", lambda user: False)  # the old computation, scanning the cases
    scanned = selectors.dashboard(user=manager, period=period)
    for key in ("cases_by_category", "cases_by_ward", "nm01", "hate_by_characteristic"):
        assert board.table(key) == scanned.table(key), key
    assert [s.indicators for s in board.sections] == [s.indicators for s in scanned.sections]
    assert board.table("cases_by_category").totals[1] == 12 * 2 + 2  # 2023: and the 1 June case, Barnet Homes'


@pytest.mark.django_db
def test_deleting_a_case_and_an_incident_moves_their_figures(history, officer):
    Incident.objects.filter(hate_related=True).first().delete()
    Case.objects.filter(incidents__hate_related=True).first().delete()
    assert figures.differences() == []


@pytest.mark.django_db
def test_only_managers_read_the_figures_everyone_else_keeps_their_scoped_count(history, officer, manager):
    period = periods.financial_year(2022)
    CaseFigure.objects.update(cases=1000)  # whatever the table says, the officer's figures do not come from it
    officer_sees = figures.case_volumes(user=officer, start=period.start, end=period.end)
    assert officer_sees == casework_selectors.case_volumes(user=officer, start=period.start, end=period.end)
    assert officer_sees["total"] == 24  # the council's own cases; not Barnet Homes' one
    assert figures.case_volumes(user=manager, start=period.start, end=period.end)["total"] > 1000


@pytest.mark.django_db
def test_rebuild_repairs_the_figures_and_check_reports_a_difference(history):
    CaseFigure.objects.filter(pk=CaseFigure.objects.first().pk).update(cases=99)
    assert figures.differences()
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_dashboard_figures", "--check")
    call_command("rebuild_dashboard_figures")
    assert figures.differences() == []
    call_command("rebuild_dashboard_figures", "--check")

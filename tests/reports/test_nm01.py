"""The NM01 figures on the dashboard (#19): ASB cases opened, those involving hate incidents, hate incidents by
protected characteristic; per 1,000 homes when the partnership says how many homes it covers."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework import hate, services
from reports import periods, selectors
from tests.factories import CaseFactory


def _hate_incident(case, by, agency, characteristics, hate_related=True):
    now = timezone.now()
    return services.add_incident(
        case=case,
        by=by,
        occurred_at=now - timedelta(hours=1),
        reported_at=now,
        reported_to=agency,
        description="Shouted abuse",
        hate_related=hate_related,
        hate_characteristics=characteristics,
    )


@pytest.fixture
def period():
    today = timezone.localdate()
    return periods.Period(start=today - timedelta(days=30), end=today, label="Last 30 days")


@pytest.mark.django_db
def test_counts_cases_opened_and_hate_incidents_by_characteristic(officer, manager, council, ward, period):
    first, second, _third = (CaseFactory(by=officer, ward=ward) for _ in range(3))
    _hate_incident(first, officer, council, ["race", "religion"])
    _hate_incident(first, officer, council, ["race"])
    _hate_incident(second, officer, council, [], hate_related=True)  # hate, characteristic not recorded
    _hate_incident(second, officer, council, [], hate_related=False)  # not hate
    counts = hate.nm01_counts(user=manager, start=period.start, end=period.end)
    assert counts["asb_cases_opened"] == 3 and counts["hate_cases_opened"] == 2 and counts["hate_incidents"] == 3
    by = dict(counts["by_characteristic"])
    assert by["Race or ethnicity"] == 2 and by["Religion or belief"] == 1 and by["Not recorded"] == 1
    assert by["Alternative subculture or other"] == 0


@pytest.mark.django_db
def test_dashboard_shows_nm01_counts_then_a_rate_when_homes_are_set(client, officer, manager, council, ward, settings):
    case = CaseFactory(by=officer, ward=ward)
    _hate_incident(case, officer, council, ["sexual_orientation"])
    board = selectors.dashboard(user=manager, period=periods.last_three_months(date.today() + timedelta(days=100)))
    table = board.table("nm01")
    assert table.columns == ["Measure", "This period", "A year earlier"]
    settings.CASEWORK = {**settings.CASEWORK, "HOMES_MANAGED": 4000}
    today = timezone.localdate()
    period = periods.Period(start=today - timedelta(days=5), end=today, label="This week")
    table = selectors.dashboard(user=manager, period=period).table("nm01")
    assert table.columns[-1] == "Per 1,000 homes"
    assert table.rows[0][1:] == [1, 0, 0.25] and table.rows[1][1:] == [1, 0, 0.25] and table.rows[2][1] == 1
    client.force_login(manager)
    body = client.get("/reports/").content.decode()
    assert "ASB and hate incidents (NM01)" in body


@pytest.mark.django_db
def test_a_partner_counts_only_its_own_agencys_cases(housing_user, officer, council, ward, period):
    _hate_incident(CaseFactory(by=officer, ward=ward), officer, council, ["race"])
    counts = hate.nm01_counts(user=housing_user, start=period.start, end=period.end)
    assert counts["asb_cases_opened"] == 0 and counts["hate_incidents"] == 0

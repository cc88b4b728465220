"""The dashboard's case costs section (#20): officer time and spend in the period, by agency."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from casework import costs, services
from casework.models import ActionCost, LegalBasis, SpendKind
from reports import periods
from reports.costs import costs_section


@pytest.fixture
def recorded(case, officer, council, police, police_user):
    for agency in (council, police):
        agency.records_costs = True
        agency.save()
    services.share_case(
        case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer, can_change=True
    )
    today = timezone.localdate()
    ours = services.add_action(case=case, by=officer, description="Mediation", owner_agency=council, due_date=today)
    theirs = services.add_action(case=case, by=officer, description="Patrols", owner_agency=police, due_date=today)
    costs.record_cost(
        action=ours, by=officer, spent_on=today, minutes=90, spend=Decimal("300"), spend_kind=SpendKind.MEDIATION
    )
    costs.record_cost(action=theirs, by=police_user, spent_on=today, minutes=30)
    # A year and a day ago: outside the period, in the comparison
    ActionCost.objects.create(
        action=ours, case=case, agency=council, spent_on=today - timedelta(days=366), minutes=60, spend=0
    )
    return today


def _period(today):
    return periods.custom(today - timedelta(days=7), today)


def test_the_section_sums_time_and_spend_by_agency(recorded, manager):
    period = _period(recorded)
    section = costs_section(user=manager, period=period, previous=periods.year_earlier(period))
    by_agency = section.tables[0]
    assert [row[:3] for row in by_agency.rows] == [
        ["LBB Community Safety", 1.5, "£300.00"],
        ["Metropolitan Police", 0.5, "£0.00"],
    ]
    assert by_agency.totals[:3] == ["Total", 2.0, "£300.00"]


def test_the_manager_sees_it_on_the_dashboard_and_as_csv(client, recorded, manager):
    client.force_login(manager)
    today, start = recorded, recorded - timedelta(days=7)
    query = {
        "period": "custom",
        **{f"start_{i}": v for i, v in enumerate((start.day, start.month, start.year))},
        **{f"end_{i}": v for i, v in enumerate((today.day, today.month, today.year))},
    }
    page = client.get("/reports/", query).content.decode()
    assert "Case costs" in page and "Officer time and spend by agency" in page and "£300.00" in page
    csv = client.get("/reports/dashboard.csv", {**query, "table": "costs_by_agency"}).content.decode()
    assert "Metropolitan Police,0.5,£0.00" in csv


def test_no_section_when_no_agency_records_costs(db, manager):
    today = timezone.localdate()
    period = _period(today)
    assert costs_section(user=manager, period=period, previous=periods.year_earlier(period)) is None


def test_an_agency_counts_its_own_costs_and_those_on_cases_it_leads(recorded, officer, police_user):
    assert costs.reportable_costs(officer).count() == 3  # the lead: every cost on its case
    assert list(costs.reportable_costs(police_user).values_list("minutes", flat=True)) == [30]

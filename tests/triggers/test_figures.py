"""The s104 publication figures: seed 003's 2022/23 year (11 received, 5 accepted, 6 rejected), page and CSV."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLog
from tests.factories import TriggerApplicationFactory, incident_report
from triggers import selectors, services

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=11)))


@pytest.fixture
def year_2022_23(council, police, manager):
    """Barnet 2022/23: 11 applications, 5 accepted and 6 rejected, all responded to and subject to a case review;
    here the 5 accepted reviews made recommendations. One application either side of the year."""
    received = [date(2022, 4, 20) + timedelta(days=30 * n) for n in range(11)]
    for n, day in enumerate(received):
        application = TriggerApplicationFactory(
            owner_agency=council,
            received_at=at(day),
            incidents=[incident_report(day - timedelta(days=d)) for d in (50, 30, 10)],
        )
        accepted = n < 5
        services.record_threshold_decision(
            application=application, by=manager, met=accepted, reason="Decided", decided_at=at(day + timedelta(days=10))
        )
        meeting = day + timedelta(days=25)
        services.arrange_review(application=application, by=manager, meeting_on=meeting, location="", agencies=[police])
        if accepted:
            services.add_recommendation(
                application=application,
                by=manager,
                description="Joint patrols",
                owner_agency=police,
                due_date=meeting + timedelta(days=30),
            )
        services.record_review_held(
            application=application, by=manager, held_on=meeting, attended=[police], findings="x"
        )
    TriggerApplicationFactory(owner_agency=council, received_at=at(date(2022, 3, 31)))
    TriggerApplicationFactory(owner_agency=council, received_at=at(date(2023, 4, 1)))


def test_annual_figures_for_2022_23_match_seed_003(year_2022_23, manager, django_assert_max_num_queries):
    start, end = selectors.financial_year(2022)
    assert (start, end) == (date(2022, 4, 1), date(2023, 3, 31))
    manager.has_perm("triggers.view_application")  # warm the permission cache
    with django_assert_max_num_queries(2):
        figures = selectors.annual_figures(user=manager, start=start, end=end)
    assert figures.applications_received == 11
    assert figures.threshold_met == 5
    assert figures.threshold_not_met == 6
    assert figures.reviews_carried_out == 11
    assert figures.reviews_with_recommendations == 5


def test_the_figures_page_and_csv(client, year_2022_23, manager):
    client.force_login(manager)
    page = client.get("/triggers/figures/", {"year": 2022}).content.decode()
    assert "1 April 2022 to 31 March 2023" in page
    assert "Applications where the threshold was not met" in page
    response = client.get("/triggers/figures.csv", {"year": 2022})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Period", "Measure", "Number"]
    assert {row[1]: row[2] for row in rows[1:]} == {
        "Applications received": "11",
        "Applications where the threshold was met": "5",
        "Applications where the threshold was not met": "6",
        "Case reviews carried out": "11",
        "Case reviews that resulted in recommendations": "5",
        "Applications received: Online form": "11",
        "Applications received: Phone": "0",
        "Applications received: Email": "0",
        "Applications received: Letter": "0",
        "Applications received: In person": "0",
        "Applications received: Through a third party (a councillor, MP or support worker)": "0",
    }
    assert AccessLog.objects.filter(action="export", object_type="trigger_figures").count() == 1


def test_figures_count_nothing_for_someone_without_access(year_2022_23, housing_user):
    start, end = selectors.financial_year(2022)
    assert selectors.annual_figures(user=housing_user, start=start, end=end).applications_received == 0


def test_the_public_figures_page_needs_no_sign_in_and_names_no_one(client, year_2022_23, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/triggers/public/figures/", {"year": 2022})
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 April 2022 to 31 March 2023" in page
    for label, value in (
        ("Applications received", 11),
        ("Applications where the threshold was not met", 6),
        ("Case reviews carried out", 11),
        ("Case reviews that resulted in recommendations", 5),
    ):
        assert f'{label}</th><td class="govuk-table__cell govuk-table__cell--numeric">{value}</td>' in page
    assert "Resident" not in page and "@example.org" not in page and "CT-2022" not in page
    assert "Sign out" not in page


def test_routes_taken_by_staff_are_counted(client, manager):
    client.force_login(manager)
    today = timezone.localdate()
    for channel in ("phone", "in_person", "third_party"):
        response = client.post(
            "/triggers/new/",
            {
                "channel": channel,
                "received_on_0": today.day,
                "received_on_1": today.month,
                "received_on_2": today.year,
                "applying_for": "self",
                "applicant_name": "Joan Smith",
                "applicant_phone": "07700 900982",
                "contact_preference": "phone",
                "problem_description": "Noise every night",
                "problem_location": "High Street",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    start, end = selectors.financial_year(selectors.current_financial_year())
    routes = dict(selectors.published_figures(start=start, end=end).routes)
    assert routes["Phone"] == 1 and routes["In person"] == 1 and routes["Online form"] == 0
    assert routes["Through a third party (a councillor, MP or support worker)"] == 1

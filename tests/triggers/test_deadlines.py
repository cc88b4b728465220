"""Deadlines in working days, across bank holidays, stored on the application and flagged when overdue."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from common.dates import add_months
from tests.factories import TriggerApplicationFactory, incident_report
from tests.triggers.outcomes import send_approved_outcome
from triggers import deadlines, selectors, services
from triggers.models import ApplicationStatus


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=hour)))


def test_add_months_clamps_to_the_end_of_the_month():
    """common.dates.add_months, which the trigger's complaint window counts with."""
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 15), -6) == date(2025, 9, 15)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


@pytest.mark.django_db
def test_acknowledgement_and_decision_deadlines_skip_christmas(council):
    # Received Friday 19 December 2025: 22, 23, 24 Dec, (25, 26 Dec bank holidays, weekend), 29, 30 Dec.
    application = TriggerApplicationFactory(owner_agency=council, received_at=at(date(2025, 12, 19)))
    assert application.acknowledge_by == date(2025, 12, 30)
    # 15 working days after 30 Dec: 31 Dec, (1 Jan bank holiday), 2 Jan, 5-9, 12-16, 19-21 Jan.
    assert application.threshold_decision_by == date(2026, 1, 21)
    assert application.next_due == date(2025, 12, 30)


@pytest.mark.django_db
def test_deadlines_skip_easter(council, manager):
    # Received Thursday 2 April 2026: (Good Friday 3 Apr, weekend, Easter Monday 6 Apr), 7, 8, 9, 10, 13 Apr.
    application = TriggerApplicationFactory(owner_agency=council, received_at=at(date(2026, 4, 2)))
    assert application.acknowledge_by == date(2026, 4, 13)
    # A decision on Wednesday 1 April: the review meeting 20 working days later is 1 May, not 29 April.
    application = TriggerApplicationFactory(
        owner_agency=council,
        received_at=at(date(2026, 3, 20)),
        incidents=[incident_report(date(2026, 3, d)) for d in (2, 9, 16)],
    )
    decided = services.record_threshold_decision(
        application=application, by=manager, met=True, reason="Three reports", decided_at=at(date(2026, 4, 1))
    )
    assert decided.review_meeting_by == date(2026, 5, 1)
    assert decided.next_due == date(2026, 5, 1)


@pytest.mark.django_db
def test_deadlines_are_configurable(council, settings):
    settings.TRIGGERS = {"ACKNOWLEDGE_WORKING_DAYS": 3, "THRESHOLD_DECISION_WORKING_DAYS": 10}
    application = TriggerApplicationFactory(owner_agency=council, received_at=at(date(2026, 6, 1)))  # a Monday
    assert application.acknowledge_by == date(2026, 6, 4)
    assert application.threshold_decision_by == date(2026, 6, 18)


@pytest.mark.django_db
def test_acknowledgement_moves_the_decision_deadline_and_the_next_step(council, manager):
    application = TriggerApplicationFactory(owner_agency=council, received_at=at(date(2026, 6, 1)))
    assert deadlines.next_step(application) == "Acknowledge the application"
    acknowledged = services.record_acknowledgement(
        application=application, by=manager, method="phone", acknowledged_on=date(2026, 6, 2)
    )
    assert acknowledged.threshold_decision_by == date(2026, 6, 23)  # 15 working days after 2 June
    assert acknowledged.next_due == date(2026, 6, 23)
    assert deadlines.next_step(acknowledged) == "Decide whether the threshold is met"


@pytest.mark.django_db
def test_overdue_applications_are_flagged_on_the_list_and_on_my_work(client, council, manager):
    old = TriggerApplicationFactory(owner_agency=council, received_at=timezone.now() - timedelta(days=40))
    fresh = TriggerApplicationFactory(owner_agency=council, received_at=timezone.now())
    assert old.next_due < timezone.localdate() <= fresh.next_due
    client.force_login(manager)
    page = client.get("/triggers/").content.decode()
    assert "1 application overdue" in page
    row_old = page.split(old.reference)[2].split("</tr>")[0]
    row_fresh = page.split(fresh.reference)[2].split("</tr>")[0]
    assert "Overdue" in row_old and "Overdue" not in row_fresh
    overdue_only = client.get("/triggers/", {"overdue": "on"}).content.decode()
    assert old.reference in overdue_only and fresh.reference not in overdue_only

    from django.template import RequestContext, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = manager
    html = Template("{% load trigger_tags %}{% trigger_deadlines %}").render(RequestContext(request, {}))
    assert "Community Trigger deadlines" in html and old.reference in html and "Overdue" in html
    assert selectors.overdue_count(user=manager) == 1


@pytest.mark.django_db
def test_finished_applications_have_no_deadline(council, manager, approver):
    application = TriggerApplicationFactory(
        owner_agency=council, received_at=timezone.now() - timedelta(days=5), incidents=[]
    )
    decided = services.record_threshold_decision(application=application, by=manager, met=False, reason="No reports")
    assert decided.status == ApplicationStatus.THRESHOLD_NOT_MET and decided.next_due == decided.outcome_by
    sent = send_approved_outcome(decided, writer=manager, approver=approver, body="Not met, keep reporting")
    assert sent.next_due is None


@pytest.mark.django_db
def test_my_work_shows_overdue_case_reviews_only_to_those_who_can_act_on_them(client, council, manager, officer):
    from casework.extensions import my_work_sections

    old = TriggerApplicationFactory(owner_agency=council, received_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    [section] = [s for s in my_work_sections(user=manager, today=today) if s.title == "Community Trigger deadlines"]
    assert [item.text.split()[0] for item in section.items] == [old.reference] and section.items[0].overdue
    assert not [s for s in my_work_sections(user=officer, today=today) if s.title == "Community Trigger deadlines"]
    client.force_login(officer)
    assert client.get(f"/triggers/{old.reference}/acknowledge/").status_code == 403  # what they could not have done

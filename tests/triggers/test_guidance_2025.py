"""The 2025 guidance on the review itself: the victim invited or told why not, a single point of contact, every
decision with its reasons, and a review-held form that never pre-fills a date it would refuse."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.errors import NotAllowed
from tests.triggers.outcomes import send_approved_outcome
from triggers import letters, selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def met(application, manager):
    return services.record_threshold_decision(application=application, by=manager, met=True, reason="Three reports")


def _date(name, day) -> dict:
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def test_a_victim_not_invited_is_told_why_in_the_letter(client, met, manager, approver, police):
    client.force_login(manager)
    today = timezone.localdate()
    post = {**_date("meeting_on", today), "location": "", "agencies": [police.pk], "victim_invited": "no"}
    page = client.post(f"/triggers/{met.reference}/review/arrange/", post).content.decode()
    assert "Enter why the victim is not invited to the meeting" in page
    with pytest.raises(NotAllowed, match="Say why the victim is not invited"):
        services.arrange_review(
            application=met, by=manager, meeting_on=today, location="", agencies=[police], victim_invited=False
        )
    reason = "the meeting discusses the person you complained about."
    post["victim_not_invited_reason"] = reason
    assert client.post(f"/triggers/{met.reference}/review/arrange/", post).status_code == 302
    review = selectors.review_for(met)
    assert review.victim_invited is False and review.victim_not_invited_reason == reason
    services.record_review_held(application=met, by=manager, held_on=today, attended=[police], findings="x")
    letter = services.save_outcome_draft(application=met, by=manager, body="Plan agreed.")
    subject, body = letters.email(services.letter_context(application=met, letter=letter, dated=today))
    assert f"We did not invite you to the meeting because {reason}" in body


def test_a_single_point_of_contact_is_named_and_in_the_letter(client, met, manager, officer, housing_user):
    client.force_login(manager)
    url = f"/triggers/{met.reference}/contact/"
    assert client.post(url, {"contact": housing_user.pk}).status_code == 200  # not in the owning agency: refused
    assert client.post(url, {"contact": officer.pk}).status_code == 302
    met.refresh_from_db()
    assert met.single_point_of_contact == officer
    page = client.get(f"/triggers/{met.reference}/").content.decode()
    assert officer.get_full_name() in page
    assert met.history.first().history_change_reason.startswith("Single point of contact")


def test_closing_and_escalation_results_need_reasons(client, application, manager, approver):
    decided = services.record_threshold_decision(application=application, by=manager, met=False, reason="Late")
    sent = send_approved_outcome(decided, writer=manager, approver=approver)
    with pytest.raises(NotAllowed, match="reason for closing"):
        services.close_application(application=sent, by=manager, notes=" ")
    client.force_login(manager)
    page = client.post(f"/triggers/{sent.reference}/close/", {"notes": ""}).content.decode()
    assert "Enter the reason for closing the application" in page
    escalation = services.request_escalation(
        application=sent, by=manager, requested_on=timezone.localdate(), grounds="Nothing changed"
    )
    with pytest.raises(NotAllowed, match="reasons for the result"):
        services.record_escalation_result(
            escalation=escalation, by=manager, result="handling_upheld", notes="", concluded_on=timezone.localdate()
        )


def test_the_review_held_form_never_prefills_a_future_date(client, met, manager, police):
    tomorrow = timezone.localdate() + timedelta(days=1)
    services.arrange_review(
        application=met, by=manager, meeting_on=tomorrow, location="", agencies=[police], victim_invited=True
    )
    client.force_login(manager)
    page = client.get(f"/triggers/{met.reference}/review/held/").content.decode()
    assert f'value="{tomorrow.year}"' not in page
    yesterday = timezone.localdate() - timedelta(days=1)
    review = selectors.review_for(met)
    review.meeting_on = yesterday
    review.save()
    page = client.get(f"/triggers/{met.reference}/review/held/").content.decode()
    assert f'name="held_on_0" type="text" value="{yesterday.day}"' in page or f'value="{yesterday.day}"' in page

"""Partner agencies invited to a Case Review give their own information; nobody else can, or can see the request."""

import pytest
from django.utils import timezone

from audit.models import AccessLog
from casework.errors import NotAllowed
from triggers import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def arranged(application, manager, council, police):
    services.record_threshold_decision(application=application, by=manager, met=True, reason="Three reports")
    services.arrange_review(
        application=application, by=manager, meeting_on=timezone.localdate(), location="", agencies=[council, police]
    )
    application.refresh_from_db()
    return application


def test_an_invited_partner_gives_its_own_information(client, arranged, police_user, manager):
    client.force_login(police_user)
    listing = client.get("/triggers/information-requests/").content.decode()
    assert arranged.reference in listing and "Not given yet" in listing
    url = f"/triggers/information-requests/{arranged.reference}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"information": "Seven CAD reports since March; two arrests."})
    assert response.status_code == 302
    contribution = arranged.review.contributions.get(agency__short_name=police_user.membership.agency.short_name)
    assert contribution.information == "Seven CAD reports since March; two arrests."
    assert contribution.submitted_by == police_user
    assert contribution.history.first().history_user == police_user
    assert AccessLog.objects.filter(username=police_user.username, object_id=str(arranged.pk), action="change").exists()
    client.force_login(manager)
    review_page = client.get(f"/triggers/{arranged.reference}/review/").content.decode()
    assert "Seven CAD reports since March" in review_page and "Given by" in review_page
    assert client.get(f"/triggers/{arranged.reference}/").status_code == 200


def test_an_agency_not_invited_gets_404_and_cannot_contribute(client, arranged, housing_user, police_user):
    client.force_login(housing_user)
    assert arranged.reference not in client.get("/triggers/information-requests/").content.decode()
    url = f"/triggers/information-requests/{arranged.reference}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"information": "Made up"}).status_code == 404
    contribution = arranged.review.contributions.get(agency__short_name=police_user.membership.agency.short_name)
    with pytest.raises(NotAllowed):
        services.submit_contribution(contribution=contribution, by=housing_user, information="Made up")
    # still no way in to the application itself
    assert client.get(f"/triggers/{arranged.reference}/").status_code == 404


def test_requests_close_with_the_outcome(arranged, police_user, manager, approver):
    from tests.triggers.outcomes import send_approved_outcome

    assert selectors.contribution_requests(user=police_user).count() == 1
    services.record_review_held(
        application=arranged, by=manager, held_on=timezone.localdate(), attended=[], findings="Held"
    )
    send_approved_outcome(arranged, writer=manager, approver=approver)
    assert selectors.contribution_requests(user=police_user).count() == 0


def test_my_work_lists_unanswered_requests_for_the_partner(arranged, police_user):
    from casework.extensions import my_work_sections

    sections = my_work_sections(user=police_user, today=timezone.localdate())
    [section] = [s for s in sections if s.title == "Case Review information requested"]
    assert arranged.reference in section.items[0].text


def test_invited_agencies_are_told_and_the_contact_hears_back(police_user, housing_user, manager, arranged):
    """Asked bodies learn they were asked (no one types their information in for them); the single point of
    contact, or with none the owning team, learns when it arrives. The message names no person."""
    from notifications.models import Event, Notification

    asked = Notification.objects.get(user=police_user, event=Event.TRIGGER_INFORMATION_REQUESTED)
    assert arranged.reference in asked.message and "has been asked for information" in asked.message
    assert asked.url == f"/triggers/information-requests/{arranged.reference}/"
    assert not Notification.objects.filter(user=housing_user, event=Event.TRIGGER_INFORMATION_REQUESTED).exists()
    contribution = arranged.review.contributions.get(agency__short_name=police_user.membership.agency.short_name)
    services.submit_contribution(contribution=contribution, by=police_user, information="Two arrests.")
    heard = Notification.objects.get(user=manager, event=Event.TRIGGER_INFORMATION_GIVEN)
    assert arranged.reference in heard.message and "Two arrests" not in heard.message


def test_my_works_compiled_requests_are_the_querysets(arranged, police_user, housing_user, manager):
    """My work reads the requests through a query compiled once (selectors.contribution_request_list, issue 23)."""

    def fields(rows):
        return [
            (c.pk, c.agency_id, c.information, c.review.pk, c.review.application.reference, c.agency.name) for c in rows
        ]

    for user in (police_user, housing_user, manager):
        assert fields(selectors.contribution_request_list(user=user)) == fields(
            selectors.contribution_requests(user=user)
        )
    assert len(selectors.contribution_request_list(user=police_user)) == 1
    assert selectors.contribution_request_list(user=housing_user) == []

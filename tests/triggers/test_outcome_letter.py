"""The outcome letter: draft -> preview -> approved by a second manager -> sent by the applicant's channel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLog
from casework.errors import InvalidTransition, NotAllowed
from notifications.models import Delivery, Event
from triggers import letters, services
from triggers.models import ApplicationStatus, ContactPreference, OutcomeLetterStatus

pytestmark = pytest.mark.django_db


def detail(application, page: str = "") -> str:
    return f"/triggers/{application.reference}/{page}"


@pytest.fixture
def reviewed(application, manager, council, police):
    """An application whose review meeting was held yesterday, with one recommendation."""
    services.record_threshold_decision(application=application, by=manager, met=True, reason="Three reports")
    held_on = timezone.localdate() - timedelta(days=1)
    services.arrange_review(application=application, by=manager, meeting_on=held_on, location="", agencies=[police])
    services.add_recommendation(
        application=application,
        by=manager,
        description="Evening patrols on Deansbrook Road",
        owner_agency=police,
        due_date=timezone.localdate() + timedelta(days=14),
    )
    services.record_review_held(
        application=application, by=manager, held_on=held_on, attended=[police], findings="INTERNAL: no joint plan"
    )
    application.refresh_from_db()
    return application


def test_the_writer_cannot_approve_their_own_letter(client, reviewed, manager):
    letter = services.save_outcome_draft(application=reviewed, by=manager, body="We agreed a plan.")
    with pytest.raises(NotAllowed, match="Someone other than the writer"):
        services.approve_outcome(application=reviewed, by=manager, fingerprint=letters.fingerprint(letter))
    client.force_login(manager)
    preview = client.get(detail(reviewed, "outcome/preview/")).content.decode()
    assert "Approve the letter" not in preview and "must approve this letter" in preview
    client.post(detail(reviewed, "outcome/approve/"), {"fingerprint": letters.fingerprint(letter)})
    letter.refresh_from_db()
    assert letter.status == OutcomeLetterStatus.DRAFT


def test_a_reader_cannot_write_approve_or_send(client, reviewed, manager, officer):
    letter = services.save_outcome_draft(application=reviewed, by=manager, body="We agreed a plan.")
    with pytest.raises(NotAllowed):
        services.approve_outcome(application=reviewed, by=officer, fingerprint=letters.fingerprint(letter))
    client.force_login(officer)
    assert client.get(detail(reviewed, "outcome/write/")).status_code == 403
    assert client.post(detail(reviewed, "outcome/approve/"), {"fingerprint": "x"}).status_code == 403
    assert client.post(detail(reviewed, "outcome/send/")).status_code == 403
    assert "Approve the letter" not in client.get(detail(reviewed, "outcome/preview/")).content.decode()


def test_nothing_is_sent_before_approval_and_a_changed_letter_needs_approving_again(reviewed, manager, approver):
    letter = services.save_outcome_draft(application=reviewed, by=manager, body="First words.")
    with pytest.raises(InvalidTransition, match="must be approved"):
        services.send_outcome(application=reviewed, by=manager)
    seen = letters.fingerprint(letter)
    services.save_outcome_draft(application=reviewed, by=manager, body="Second words.")
    with pytest.raises(NotAllowed, match="changed since you opened the preview"):
        services.approve_outcome(application=reviewed, by=approver, fingerprint=seen)
    letter.refresh_from_db()
    approved = services.approve_outcome(application=reviewed, by=approver, fingerprint=letters.fingerprint(letter))
    assert approved.status == OutcomeLetterStatus.APPROVED
    redrafted = services.save_outcome_draft(application=reviewed, by=manager, body="Third words.")
    assert redrafted.status == OutcomeLetterStatus.DRAFT and redrafted.approved_by is None
    reasons = list(redrafted.history.values_list("history_change_reason", flat=True))
    assert "Outcome letter approved" in reasons and "Outcome letter redrafted: the approval is withdrawn" in reasons
    assert not Delivery.objects.filter(event=Event.TRIGGER_OUTCOME_LETTER).exists()
    reviewed.refresh_from_db()
    assert reviewed.status == ApplicationStatus.REVIEWED


def test_the_preview_is_the_email_and_the_email_reaches_the_applicant(
    client,
    reviewed,
    manager,
    approver,
    smtp_server,
    run_jobs,
):
    client.force_login(manager)
    write_page = client.get(detail(reviewed, "outcome/write/")).content.decode()
    assert "INTERNAL: no joint plan" not in write_page
    client.post(detail(reviewed, "outcome/write/"), {"body": "We agreed a joint plan with the police."})
    client.force_login(approver)
    preview = client.get(detail(reviewed, "outcome/preview/")).content.decode()
    assert "INTERNAL: no joint plan" not in preview
    held = (timezone.localdate() - timedelta(days=1)).strftime("%-d %B %Y")
    assert preview.count(held) == 1  # the meeting date once, in one format
    reviewed.refresh_from_db()
    fingerprint = letters.fingerprint(reviewed.outcome_letter)
    client.post(detail(reviewed, "outcome/approve/"), {"fingerprint": fingerprint})
    client.post(detail(reviewed, "outcome/send/"))
    reviewed.refresh_from_db()
    letter = reviewed.outcome_letter
    assert reviewed.status == ApplicationStatus.OUTCOME_SENT and letter.status == OutcomeLetterStatus.SENT
    assert letter.sent_to == reviewed.applicant_email and letter.sent_by == approver
    delivery = Delivery.objects.get(event=Event.TRIGGER_OUTCOME_LETTER)
    assert delivery.recipient == reviewed.applicant_email

    run_jobs()
    smtp_server.wait_for(Delivery.objects.count())
    [message] = smtp_server.to(reviewed.applicant_email)
    assert message.envelope_to == [reviewed.applicant_email]
    assert message["Subject"] == f"The outcome of your ASB Case Review {reviewed.reference}"
    text = message.get_payload(decode=True).decode()
    assert "We agreed a joint plan with the police." in text and "Evening patrols on Deansbrook Road" in text
    assert "INTERNAL" not in text and text.count(held) == 1
    pages = set(AccessLog.objects.filter(object_id=str(reviewed.pk)).values_list("details__page", flat=True).distinct())
    assert {"outcome letter preview", "outcome letter"} <= pages
    reasons = list(letter.history.values_list("history_change_reason", flat=True))
    assert {"Outcome letter drafted", "Outcome letter approved", "Outcome letter emailed to the applicant"} <= set(
        reasons
    )


def test_a_letter_is_sent_when_posted_on_a_date_given(client, application, manager, approver):
    application.contact_preference = ContactPreference.LETTER
    application.applicant_address = "1 Church Road"
    application.save()
    decided = services.record_threshold_decision(application=application, by=manager, met=False, reason="Not met")
    letter = services.save_outcome_draft(application=decided, by=manager, body="Keep reporting.")
    assert letter.channel == "letter"
    client.force_login(manager)
    assert client.get(detail(decided, "outcome/letter.pdf"))["Location"] == detail(decided, "outcome/")  # a draft
    services.approve_outcome(application=decided, by=approver, fingerprint=letters.fingerprint(letter))
    pdf = client.get(detail(decided, "outcome/letter.pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    with pytest.raises(NotAllowed, match="Enter the date the letter was posted"):
        services.send_outcome(application=decided, by=manager)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(NotAllowed, match="cannot be in the future"):
        services.send_outcome(application=decided, by=manager, posted_on=tomorrow)
    today = timezone.localdate()
    client.post(
        detail(decided, "outcome/send/"),
        {"posted_on_0": today.day, "posted_on_1": today.month, "posted_on_2": today.year},
    )
    decided.refresh_from_db()
    assert decided.status == ApplicationStatus.OUTCOME_SENT and decided.outcome_letter.posted_on == today
    assert not Delivery.objects.filter(event=Event.TRIGGER_OUTCOME_LETTER).exists()
    page = client.get(detail(decided, "outcome/")).content.decode()
    assert f"Posted on {today:%-d %B %Y}" in page

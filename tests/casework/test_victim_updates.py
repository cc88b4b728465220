"""The victim is sent an update by the channel they agreed, through the notification service, and it is logged."""

import pytest

from casework import victim
from casework.errors import NotAllowed
from casework.models import ContactChannel, PartyRole, VictimContact
from notifications.models import Channel, Delivery, Event
from tests.notifications.conftest import smtp_server  # noqa: F401 - the test SMTP server


def _victim(case):
    return case.parties.get(role=PartyRole.VICTIM)


def _plan(case, officer, channel):
    party = _victim(case)
    victim.set_contact_plan(case=case, party=party, by=officer, every_days=7, channel=channel)
    return party


@pytest.mark.django_db
def test_an_email_update_reaches_the_victim_and_is_in_the_contact_log(
    client,
    case,
    officer,
    run_jobs,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    party = _plan(case, officer, ContactChannel.EMAIL)
    party.person.email = "maria@example.org"
    party.person.save()
    client.force_login(officer)
    page = client.get(f"/cases/{case.reference}/victim/update/").content.decode()
    assert "Send the victim an update" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/cases/{case.reference}/victim/update/",
            {"party": party.pk, "message": "We have spoken to the housing provider and a visit is booked."},
        )
    assert response.status_code == 302
    contact = VictimContact.objects.get()
    assert contact.channel == ContactChannel.EMAIL and contact.contacted_by == officer
    assert contact.summary.startswith("Update sent by email: We have spoken")
    delivery = Delivery.objects.get(event=Event.VICTIM_UPDATE)
    assert delivery.recipient == "maria@example.org" and delivery.channel == Channel.EMAIL
    assert case.reference not in delivery.body and case.title not in delivery.body  # only the officer's words
    run_jobs()
    [message] = smtp_server.messages
    assert message["To"] == "maria@example.org" and "a visit is booked" in message.get_payload()
    assert contact.history.first().history_user == officer


@pytest.mark.django_db
def test_a_text_update_goes_to_the_victims_phone(case, officer, django_capture_on_commit_callbacks):
    party = _plan(case, officer, ContactChannel.TEXT)
    victim.send_update(case=case, party=party, by=officer, message="Your officer will call on Friday.")
    delivery = Delivery.objects.get(event=Event.VICTIM_UPDATE)
    assert delivery.channel == Channel.SMS and delivery.recipient == "07700 900123"


@pytest.mark.django_db
def test_updates_are_refused_with_a_reason_and_nothing_is_sent(client, case, officer, shared_case, housing_user):
    party = _victim(case)
    with pytest.raises(NotAllowed, match="Agree a contact plan"):
        victim.send_update(case=case, party=party, by=officer, message="Hello")
    _plan(case, officer, ContactChannel.PHONE)
    with pytest.raises(NotAllowed, match="asked to be contacted by phone"):
        victim.send_update(case=case, party=party, by=officer, message="Hello")
    victim.set_contact_plan(case=case, party=party, by=officer, every_days=7, channel=ContactChannel.EMAIL)
    with pytest.raises(NotAllowed, match="no email address"):
        victim.send_update(case=case, party=party, by=officer, message="Hello")
    with pytest.raises(NotAllowed):
        victim.send_update(case=case, party=party, by=housing_user, message="Hello")  # view-only partner
    assert not VictimContact.objects.exists() and not Delivery.objects.filter(event=Event.VICTIM_UPDATE).exists()
    client.force_login(officer)
    party.person.email = "maria@example.org"
    party.person.save()
    empty = client.post(f"/cases/{case.reference}/victim/update/", {"party": party.pk, "message": "  "})
    assert empty.status_code == 200 and "Write the update for the victim" in empty.content.decode()
    client.force_login(housing_user)
    assert client.get(f"/cases/{case.reference}/victim/update/").status_code == 403


@pytest.mark.django_db
def test_the_closure_letter_is_emailed_to_a_victim_who_chose_email_with_a_working_survey_link(
    client,
    case,
    officer,
    run_jobs,
    smtp_server,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    import re

    from casework import closure

    party = _plan(case, officer, ContactChannel.EMAIL)
    party.person.email = "maria@example.org"
    party.person.save()
    closure.request_closure(case=case, by=officer, outcome="resolved", reasons="The behaviour stopped after the visit.")
    client.force_login(officer)
    summary = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Email the closure letter to" in summary
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/cases/{case.reference}/close/letter/email/")
    assert response.status_code == 302
    contact = VictimContact.objects.get()
    assert contact.summary == "Closure letter emailed, with the satisfaction survey link" and contact.party == party
    assert contact.history.first().history_user == officer
    run_jobs()
    [message] = smtp_server.messages
    body = message.get_payload()
    assert message["To"] == "maria@example.org" and "The behaviour stopped after the visit." in body
    link = re.search(r"http://testserver(/cases/public/survey/[^\s]+/)", body).group(1)
    client.logout()
    assert client.get(link).status_code == 200  # the link in the email opens the survey, without signing in


@pytest.mark.django_db
def test_no_email_closure_letter_when_the_victim_chose_another_channel_or_for_a_partner(
    client, shared_case, officer, housing_user
):
    from casework import closure
    from casework.models import SatisfactionSurvey

    _plan(shared_case, officer, ContactChannel.PHONE)
    closure.request_closure(case=shared_case, by=officer, outcome="resolved", reasons="Stopped")
    client.force_login(officer)
    assert "Email the closure letter" not in client.get(f"/cases/{shared_case.reference}/").content.decode()
    client.post(f"/cases/{shared_case.reference}/close/letter/email/")
    assert not VictimContact.objects.exists() and not SatisfactionSurvey.objects.exists()
    with pytest.raises(NotAllowed):
        closure.email_closure_letter(case=shared_case, by=officer, survey_url_for=str)
    client.force_login(housing_user)
    assert client.post(f"/cases/{shared_case.reference}/close/letter/email/").status_code == 403  # reads, cannot change

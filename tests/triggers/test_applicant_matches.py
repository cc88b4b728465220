"""#19: the Case Review applicant in the person index. Staff recording an application are asked "Is this someone
already known?"; an application made online names nobody, and its summary shows staff the possible existing
records for the applicant, with a link action. The public never sees a proposal."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services as casework_services
from casework.models import PartyRole, Person
from tests.factories import CaseFactory
from tests.triggers.test_public_form import APPLY, answer_everything, sent
from triggers.models import Application

pytestmark = pytest.mark.django_db

QUESTION = "Is this someone already known?"
POSSIBLE = "Possible existing records for the applicant"


def _on_case(case, by, first="Maria", last="Evans", *, anonymous=False):
    person = casework_services.create_person(by=by, first_name=first, last_name=last, email="maria@example.org")
    casework_services.add_party(case=case, by=by, role=PartyRole.VICTIM, person=person, is_anonymous=anonymous)
    return person


def _intake(**extra):
    today = timezone.localdate()
    return {
        "channel": "phone",
        "received_on_0": today.day,
        "received_on_1": today.month,
        "received_on_2": today.year,
        "applying_for": "self",
        "applicant_name": "Maria Evanz",  # misspelt
        "applicant_phone": "020 8359 2000",
        "contact_preference": "phone",
        "problem_description": "Repeated drug dealing",
        "problem_location": "Deansbrook Road",
        **extra,
    }


def _proposed(body: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}"[^>]*value="([^"]+)"', body)


def test_staff_recording_an_application_pick_the_known_person(client, manager, officer, ward):
    maria = _on_case(CaseFactory(by=officer, ward=ward), officer)
    client.force_login(manager)
    page = client.post("/triggers/new/", _intake())
    body = page.content.decode()
    assert page.status_code == 200 and QUESTION in body and "Maria Evans" in body
    assert "There is a problem" not in body and not Application.objects.exists()
    people_before = Person.objects.count()
    response = client.post("/triggers/new/", _intake(match=str(maria.pk)))
    application = Application.objects.get()
    assert response["Location"] == f"/triggers/{application.reference}/"
    assert application.applicant_person == maria and application.applicant_name == "Maria Evanz"
    assert Person.objects.count() == people_before
    record = application.history.get()
    assert record.history_user == manager and record.applicant_person_id == maria.pk


def test_none_of_these_records_the_application_without_a_person(client, manager, officer, ward):
    _on_case(CaseFactory(by=officer, ward=ward), officer)
    client.force_login(manager)
    assert client.post("/triggers/new/", _intake(match="new")).status_code == 302
    assert Application.objects.get().applicant_person is None


def test_staff_are_not_offered_a_person_they_may_not_identify_and_a_forged_id_links_nobody(
    client, manager, officer, police_user, ward
):
    """The manager reads every case but sees an anonymous victim's identity only on their own agency's cases."""
    _on_case(CaseFactory(by=officer, ward=ward), officer)
    hidden = _on_case(CaseFactory(by=police_user, ward=ward), police_user, anonymous=True)
    client.force_login(manager)
    body = client.post("/triggers/new/", _intake()).content.decode()
    proposed = _proposed(body, "match")
    assert proposed and str(hidden.pk) not in proposed
    forged = client.post("/triggers/new/", _intake(match=str(hidden.pk))).content.decode()
    assert "Choose the person this is, or record a new person" in forged
    assert not Application.objects.exists()


def test_the_public_form_never_proposes_anyone(client, council, officer, ward):
    _on_case(CaseFactory(by=officer, ward=ward), officer)
    answer_everything(client)  # applies as "Maria Evans", maria@example.org: the known person exactly
    pages = [client.get(url).content.decode() for url in ("/triggers/public/", APPLY, APPLY + "check/")]
    pages.append(client.post(APPLY + "check/", sent(), follow=True).content.decode())
    for page in pages:
        assert QUESTION not in page and POSSIBLE not in page and "case you can see" not in page
    assert Application.objects.get().applicant_person is None


def _online(client, council):
    answer_everything(client)
    client.post(APPLY + "check/", sent())
    return Application.objects.get()


def test_a_manager_opening_an_online_application_links_the_applicant(client, council, manager, officer, ward):
    maria = _on_case(CaseFactory(by=officer, ward=ward), officer)
    application = _online(client, council)
    client.force_login(manager)
    summary = reverse("triggers:application_detail", args=[application.reference])
    body = client.get(summary).content.decode()
    assert POSSIBLE in body and _proposed(body, "person") == [str(maria.pk)]
    people_before = Person.objects.count()
    response = client.post(reverse("triggers:applicant_link", args=[application.reference]), {"person": maria.pk})
    assert response["Location"] == summary
    application.refresh_from_db()
    assert application.applicant_person == maria and Person.objects.count() == people_before
    record = application.history.first()
    assert record.history_user == manager and record.history_change_reason == "Applicant linked to a known person"
    body = client.get(summary).content.decode()
    assert POSSIBLE not in body and f"/people/{maria.pk}/" in body


def test_the_summary_proposes_only_people_the_reader_may_see(client, council, officer, police_user, ward):
    """An enforcement officer reads Case Review applications but not the police's cases; reading, not linking."""
    _on_case(CaseFactory(by=police_user, ward=ward), police_user)
    application = _online(client, council)
    client.force_login(officer)
    body = client.get(reverse("triggers:application_detail", args=[application.reference])).content.decode()
    assert POSSIBLE not in body
    mine = _on_case(CaseFactory(by=officer, ward=ward), officer)
    body = client.get(reverse("triggers:application_detail", args=[application.reference])).content.decode()
    assert POSSIBLE in body and "Maria Evans (on 1 case you can see" in body
    assert 'name="person"' not in body  # officers read the Case Review; managers change it
    link = reverse("triggers:applicant_link", args=[application.reference])
    assert client.post(link, {"person": mine.pk}).status_code == 403
    application.refresh_from_db()
    assert application.applicant_person is None


def test_a_forged_id_on_the_link_links_nobody(client, council, manager, officer, police_user, ward):
    _on_case(CaseFactory(by=officer, ward=ward), officer)
    hidden = _on_case(CaseFactory(by=police_user, ward=ward), police_user, anonymous=True)
    stranger = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")  # on no case
    application = _online(client, council)
    client.force_login(manager)
    link = reverse("triggers:applicant_link", args=[application.reference])
    for forged in (hidden.pk, stranger.pk, "new", ""):
        page = client.post(link, {"person": forged}, follow=True).content.decode()
        assert "Choose" in page
        application.refresh_from_db()
        assert application.applicant_person is None
    assert application.history.count() == 2  # received, acknowledged: nothing written

"""#19: a written warning to "another person" asks "Is this someone already known?" (casework.party_matches)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from casework import services as casework_services
from casework.models import CaseParty, PartyRole, Person
from enforcement.models import CommunityProtectionWarning
from tests.enforcement.test_screens import date_fields, warning_post
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

QUESTION = "Is this someone already known?"


def _known(case, by, first="Darren", last="Whitfield", role=PartyRole.PERSON_CAUSING_HARM):
    person = casework_services.create_person(by=by, first_name=first, last_name=last, date_of_birth=date(1991, 4, 2))
    casework_services.add_party(case=case, by=by, role=role, person=person)
    return person


def _typed(**extra):
    """The officer types the recipient with a spelling slip."""
    born = date_fields("date_of_birth", date(1991, 4, 2))
    return warning_post("new_person", first_name="Darren", last_name="Whitfeld", **born, **extra)


def test_a_misspelt_known_person_is_proposed_and_picking_links_them(client, case, officer, ward):
    other_case = CaseFactory(by=officer, ward=ward)
    darren = _known(other_case, officer)
    client.force_login(officer)
    url = reverse("enforcement:warning_create", args=[case.reference])
    page = client.post(url, _typed())
    body = page.content.decode()
    assert page.status_code == 200 and QUESTION in body and "Darren Whitfield (born 2 April 1991" in body
    assert "There is a problem" not in body  # asked, not an error
    assert not CommunityProtectionWarning.objects.exists()
    people_before = Person.objects.count()

    response = client.post(url, _typed(match=str(darren.pk)))
    assert response.status_code == 302
    warning = CommunityProtectionWarning.objects.get()
    assert warning.recipient_person == darren
    assert Person.objects.count() == people_before  # no new Person row
    party = case.parties.get(person=darren)
    assert party.role == PartyRole.PERSON_CAUSING_HARM
    record = party.history.get()
    assert record.history_user == officer and record.history_change_reason == "Party added"


def test_a_known_person_already_a_recipient_on_the_case_is_not_added_twice(client, case, officer):
    darren = _known(case, officer)
    client.force_login(officer)
    url = reverse("enforcement:warning_create", args=[case.reference])
    assert client.post(url, _typed(match=str(darren.pk))).status_code == 302
    assert CaseParty.objects.filter(case=case, person=darren).count() == 1
    assert CommunityProtectionWarning.objects.get().recipient_person == darren


def test_none_of_these_records_a_new_person(client, case, officer, ward):
    darren = _known(CaseFactory(by=officer, ward=ward), officer)
    client.force_login(officer)
    url = reverse("enforcement:warning_create", args=[case.reference])
    assert client.post(url, _typed(match="new")).status_code == 302
    warning = CommunityProtectionWarning.objects.get()
    assert warning.recipient_person != darren and str(warning.recipient_person) == "Darren Whitfeld"


def test_a_person_only_on_a_case_the_officer_cannot_see_is_not_proposed(client, case, officer, police_user, ward):
    hidden = _known(CaseFactory(by=police_user, ward=ward), police_user)
    client.force_login(officer)
    response = client.post(reverse("enforcement:warning_create", args=[case.reference]), _typed())
    assert response.status_code == 302  # nothing to ask: recorded as a new person
    assert CommunityProtectionWarning.objects.get().recipient_person != hidden


def test_a_forged_id_links_nobody(client, case, officer, police_user, ward):
    _known(CaseFactory(by=officer, ward=ward), officer)
    hidden = _known(CaseFactory(by=police_user, ward=ward), police_user)
    client.force_login(officer)
    url = reverse("enforcement:warning_create", args=[case.reference])
    response = client.post(url, _typed(match=str(hidden.pk)))
    body = response.content.decode()
    assert response.status_code == 200 and "Choose the person this is, or record a new person" in body
    proposed = re.findall(r'name="match"[^>]*value="([^"]+)"', body)
    assert proposed and str(hidden.pk) not in proposed  # only the person the officer can see is offered
    assert not CommunityProtectionWarning.objects.exists()
    assert not case.parties.filter(person=hidden).exists()

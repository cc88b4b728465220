"""s4(1) of the 2014 Act: a power of arrest may be attached to an injunction only if the court thinks (a) the
behaviour consists of or includes the use or threatened use of violence against other persons, or (b) there is
a significant risk of harm to other persons from the respondent. The ground the court found is recorded with it.
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.errors import NotAllowed
from enforcement import forms, services
from enforcement.models import CivilInjunction, PowerOfArrestGround
from tests.factories import make_injunction, make_notice_recipient

pytestmark = pytest.mark.django_db

VIOLENCE = "Violence or threatened violence against others (s4(1)(a))"
RISK = "Significant risk of harm to others from the respondent (s4(1)(b))"


def d(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _injunction_post(party, made: date, **extra) -> dict:
    return {
        "subject": party.pk,
        **d("subject_date_of_birth", party.person.date_of_birth),
        **d("application_heard_on", made),
        **d("made_on", made),
        **d("starts_on", made),
        "court": "Barnet County Court",
        "prohibitions": "Not to enter the Watling estate",
        **extra,
    }


def _details(case, officer, **extra) -> dict:
    subject = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 6, 1))
    today = timezone.localdate()
    return {
        "case": case,
        "by": officer,
        "subject": subject,
        "subject_date_of_birth": subject.date_of_birth,
        "court": "Barnet County Court",
        "application_heard_on": today,
        "made_on": today,
        "starts_on": today,
        "ends_on": None,
        "prohibitions": "Not to enter the Watling estate",
        **extra,
    }


def test_a_power_of_arrest_needs_the_s4_1_ground_the_court_found(case, officer):
    details = _details(case, officer, power_of_arrest=True, power_of_arrest_terms="The prohibition")
    with pytest.raises(NotAllowed, match=r"s4\(1\) of the 2014 Act"):
        services.record_injunction(**details)
    with pytest.raises(NotAllowed, match=r"s4\(1\) of the 2014 Act"):
        services.record_injunction(**details, power_of_arrest_ground="the respondent is rude")
    assert not CivilInjunction.objects.exists()
    injunction = services.record_injunction(**details, power_of_arrest_ground=PowerOfArrestGround.RISK_OF_HARM)
    assert injunction.power_of_arrest_ground == "risk_of_harm"
    row = injunction.history.get()
    assert row.history_user == officer and row.power_of_arrest_ground == "risk_of_harm"


def test_the_ground_is_cleared_when_no_power_of_arrest_is_attached(case, officer):
    injunction = services.record_injunction(**_details(case, officer, power_of_arrest_ground="violence"))
    assert not injunction.power_of_arrest and injunction.power_of_arrest_ground == ""


def test_the_form_asks_for_the_ground_and_the_order_page_shows_it(client, case, officer):
    person = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 6, 1))
    party = case.parties.get(person=person)
    client.force_login(officer)
    url = reverse("enforcement:injunction_create", args=[case.reference])
    today = timezone.localdate()
    arrest = {"power_of_arrest": "on", "power_of_arrest_terms": "The prohibition on entering the estate"}
    response = client.post(url, _injunction_post(party, today, **arrest))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the ground the court found for attaching the power of arrest" in body and "s4(1)" in body
    assert not CivilInjunction.objects.exists()
    response = client.post(url, _injunction_post(party, today, **arrest, power_of_arrest_ground="violence"))
    assert response.status_code == 302
    injunction = CivilInjunction.objects.get()
    assert injunction.power_of_arrest_ground == PowerOfArrestGround.VIOLENCE
    assert injunction.history.get().history_user == officer
    page = client.get(reverse("enforcement:injunction_detail", args=[injunction.pk])).content.decode()
    assert "Ground for the power of arrest" in page and VIOLENCE in page


def test_the_form_clears_the_ground_when_no_power_of_arrest_is_attached(client, case, officer):
    person = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 6, 1))
    party = case.parties.get(person=person)
    client.force_login(officer)
    url = reverse("enforcement:injunction_create", args=[case.reference])
    response = client.post(url, _injunction_post(party, timezone.localdate(), power_of_arrest_ground="violence"))
    assert response.status_code == 302
    injunction = CivilInjunction.objects.get()
    assert not injunction.power_of_arrest and injunction.power_of_arrest_ground == ""
    page = client.get(reverse("enforcement:injunction_detail", args=[injunction.pk])).content.decode()
    assert "None attached" in page and "Ground for the power of arrest" not in page


def test_an_injunction_recorded_before_the_ground_was_asked_for_shows_it_as_not_recorded(client, case, officer):
    injunction = make_injunction(case=case, by=officer, power_of_arrest=True, power_of_arrest_terms="The prohibition")
    CivilInjunction.objects.filter(pk=injunction.pk).update(power_of_arrest_ground="")  # as the migration left it
    client.force_login(officer)
    response = client.get(reverse("enforcement:injunction_detail", args=[injunction.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ground for the power of arrest" in page and "Not recorded" in page
    assert VIOLENCE not in page and RISK not in page


def test_respect_orders_do_not_ask_for_the_s4_ground():
    """Nothing in the code or research-2026.md carries s4(1) over to Respect Orders (breach is an offence)."""
    assert "power_of_arrest_ground" in forms.InjunctionForm.base_fields
    assert "power_of_arrest_ground" not in forms.RespectOrderForm.base_fields


def test_the_form_asks_for_the_terms_a_power_of_arrest_attaches_to(client, case, officer):
    person = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 6, 1))
    party = case.parties.get(person=person)
    client.force_login(officer)
    url = reverse("enforcement:injunction_create", args=[case.reference])
    post = _injunction_post(party, timezone.localdate(), power_of_arrest="on", power_of_arrest_ground="violence")
    response = client.post(url, post)
    assert response.status_code == 200
    assert "Enter the prohibitions or requirements the power of arrest attaches to" in response.content.decode()
    assert not CivilInjunction.objects.exists()

"""The MARAC repeat referral asks the person index: a victim recorded twice is a repeat once merged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import people
from casework import services as casework_services
from casework.models import PartyRole
from marac.models import Referral
from tests.factories import MaracReferralFactory
from tests.marac.test_referrals import close_from_marac
from tests.marac.test_repeat_victim import _case_with_victim, _refer_through_the_form

pytestmark = pytest.mark.django_db


def test_a_victim_recorded_under_another_spelling_is_a_repeat_once_merged(client, officer, coordinator, core, ward):
    heard = casework_services.create_person(by=officer, first_name="Maria", last_name="Kowalska")
    again = casework_services.create_person(by=officer, first_name="Marie", last_name="Kowalski")
    first = MaracReferralFactory(
        case=_case_with_victim(officer, ward, heard, "Harassment at Deansbrook Road"),
        by=officer,
        accept_by=coordinator,
        referred_at=timezone.now() - timedelta(days=120),
    )
    close_from_marac(first, coordinator, on=timezone.localdate() - timedelta(days=90))
    second_case = _case_with_victim(officer, ward, again, "Harassment at her new flat")
    people.merge_people(survivor=heard, duplicate=again, by=officer, reason="Same woman, same date of birth")
    assert second_case.parties.get(role=PartyRole.VICTIM).person == heard
    client.force_login(officer)
    _refer_through_the_form(client, second_case)
    referral = Referral.objects.get(case=second_case)
    assert referral.is_repeat and referral.previous_referral == first


def test_the_referral_page_shows_the_repeat_victim_flag_from_the_person_index(officer, coordinator, core, ward, client):
    """The same selector as the case page (casework.people.repeat_flags_for): counts only, never the other cases."""
    victim = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")
    cases = [_case_with_victim(officer, ward, victim, f"Harassment {n}") for n in range(3)]
    referral = MaracReferralFactory(case=cases[-1], by=officer)
    client.force_login(coordinator)
    body = client.get(f"/marac/referrals/{referral.pk}/").content.decode()
    assert "Repeat victim (3 cases in 12 months)" in body
    assert cases[0].reference not in body and "Harassment 0" not in body


def test_a_referral_of_a_one_off_victim_shows_no_repeat_flag(officer, coordinator, core, ward, client):
    victim = casework_services.create_person(by=officer, first_name="Ann", last_name="Once")
    referral = MaracReferralFactory(case=_case_with_victim(officer, ward, victim, "Harassment"), by=officer)
    client.force_login(coordinator)
    assert "Repeat victim" not in client.get(f"/marac/referrals/{referral.pk}/").content.decode()

"""Issue #15: a repeat referral is the same victim referred again within 12 months of their last hearing, any case."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services as casework_services
from casework.models import PartyRole
from marac.models import Referral
from tests.factories import CaseFactory, MaracReferralFactory
from tests.marac.test_referrals import close_from_marac

pytestmark = pytest.mark.django_db


def _refer_through_the_form(client, case):
    return client.post(
        reverse("marac:referral_create"),
        {
            "case_reference": case.reference,
            "reason": "Intimidation has started again at the new address.",
            "risk_level": "high",
            "actions_tried": "Visits and a CPN written warning",
            "consent": "given",
            "legal_basis": "cda_s115",
        },
        follow=True,
    )


def _case_with_victim(officer, ward, person, title):
    case = CaseFactory(by=officer, ward=ward, title=title)
    casework_services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=person)
    return case


def test_the_same_victim_on_another_case_is_a_repeat(client, officer, coordinator, core, ward):
    victim = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")
    first_case = _case_with_victim(officer, ward, victim, "Harassment at Deansbrook Road")
    first = MaracReferralFactory(
        case=first_case, by=officer, accept_by=coordinator, referred_at=timezone.now() - timedelta(days=120)
    )
    close_from_marac(first, coordinator, on=timezone.localdate() - timedelta(days=90))
    second_case = _case_with_victim(officer, ward, victim, "Harassment at her new flat")
    client.force_login(officer)
    page = _refer_through_the_form(client, second_case).content.decode()
    referral = Referral.objects.get(case=second_case)
    assert referral.is_repeat and referral.previous_referral == first
    assert "This is a repeat referral" in page


def test_another_victim_on_another_case_is_not_a_repeat(client, officer, coordinator, core, ward):
    victim = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")
    someone_else = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")
    first = MaracReferralFactory(
        case=_case_with_victim(officer, ward, victim, "First"),
        by=officer,
        accept_by=coordinator,
        referred_at=timezone.now() - timedelta(days=120),
    )
    close_from_marac(first, coordinator, on=timezone.localdate() - timedelta(days=90))
    second_case = _case_with_victim(officer, ward, someone_else, "Second")
    client.force_login(officer)
    _refer_through_the_form(client, second_case)
    assert Referral.objects.get(case=second_case).is_repeat is False

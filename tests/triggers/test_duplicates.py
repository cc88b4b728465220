"""Duplicate applications (same applicant, same matter) are flagged; different people or places are not."""

import pytest
from django.utils import timezone

from tests.factories import TriggerApplicationFactory
from triggers import selectors

pytestmark = pytest.mark.django_db


def _apply(council, **details):
    defaults = {
        "applicant_name": "Maria Evans",
        "applicant_email": "",
        "problem_location": "Deansbrook Road",
        "problem_postcode": "",
        "contact_preference": "letter",
        "applicant_address": "1 Church Road",
    }
    return TriggerApplicationFactory(owner_agency=council, received_at=timezone.now(), **{**defaults, **details})


def test_the_same_applicant_about_the_same_place_is_flagged(client, council, manager):
    first = _apply(council, applicant_email="Maria.Evans@example.org", problem_postcode="HA8 9BE")
    second = _apply(council, applicant_email="maria.evans@example.org", problem_postcode="ha89be")
    [duplicate] = selectors.possible_duplicates(application=second, user=manager)
    assert duplicate.application == first and duplicate.because == "the same email address, the same place"
    client.force_login(manager)
    page = client.get(f"/triggers/{second.reference}/").content.decode()
    assert "may repeat an earlier application" in page and first.reference in page


def test_phone_and_name_with_postcode_are_normalised(council, manager):
    first = _apply(council, applicant_phone="+44 7700 900982", problem_location="Deansbrook  road")
    second = _apply(council, applicant_phone="07700900982", problem_location="deansbrook road")
    assert [d.application for d in selectors.possible_duplicates(application=second, user=manager)] == [first]
    third = _apply(
        council, applicant_name="maria  evans", applicant_postcode="nw44bq", problem_location="Deansbrook Road"
    )
    fourth = _apply(
        council, applicant_name="Maria Evans", applicant_postcode="NW4 4BQ", problem_location="Deansbrook Road"
    )
    assert third in [d.application for d in selectors.possible_duplicates(application=fourth, user=manager)]


def test_other_people_or_other_places_are_not_flagged(council, manager):
    _apply(council, applicant_email="maria.evans@example.org", problem_location="High Street")
    _apply(council, applicant_name="John Murphy", applicant_email="john@example.org")
    mine = _apply(council, applicant_email="maria.evans@example.org")
    assert selectors.possible_duplicates(application=mine, user=manager) == []


def test_applications_the_user_cannot_see_are_never_shown(council, barnet_homes, officer):
    _apply(barnet_homes, applicant_email="maria.evans@example.org")
    mine = _apply(council, applicant_email="maria.evans@example.org")
    assert selectors.possible_duplicates(application=mine, user=officer) == []

"""The Case Review complainant count asks the person index: one person counted once."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.models import PartyRole
from tests.factories import CaseFactory, TriggerApplicationFactory, incident_report
from triggers import selectors, services


def _check(council, officer, manager, ward, *, applicant_name, applicant_phone="", last_name="Kowalska"):
    application = TriggerApplicationFactory(
        owner_agency=council,
        received_at=timezone.make_aware(datetime(2026, 3, 15, 10)),
        applicant_name=applicant_name,
        applicant_phone=applicant_phone,
        incidents=[incident_report(date(2026, 2, 1))],
    )
    case = CaseFactory(by=officer, ward=ward)
    victim = casework_services.create_person(by=officer, first_name="Maria", last_name=last_name, phone="07700 900456")
    party = casework_services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=victim)
    at = timezone.make_aware(datetime(2026, 2, 20, 20))
    casework_services.add_incident(
        case=case,
        by=officer,
        occurred_at=at,
        reported_at=at + timedelta(hours=2),
        reported_to=council,
        description="Threats",
        reported_by=party,
    )
    services.link_case(application=application, case=case, by=manager, found_by="postcode")
    return selectors.threshold_check(application=application, user=manager)


@pytest.mark.django_db
def test_the_applicant_spelt_differently_with_the_same_phone_is_counted_once(council, officer, manager, ward):
    check = _check(council, officer, manager, ward, applicant_name="Marie Kowalski", applicant_phone="07700900456")
    assert check.complainants == 1


@pytest.mark.django_db
def test_a_similar_name_with_nothing_else_in_common_is_another_complainant(council, officer, manager, ward):
    check = _check(council, officer, manager, ward, applicant_name="Marie Kowalski", applicant_phone="07700900999")
    assert check.complainants == 2

"""Lawful bases chosen from a maintained list with dates of effect; regimes per agency purpose; requests for data
from other public bodies recorded with their basis and what was given."""

from datetime import date

import pytest

from audit.models import Disclosure
from casework.errors import InvalidTransition
from casework.forms import ShareForm
from casework.models import LegalBasis, Person
from governance import lawful_bases, services
from governance.models import AgencyPurpose, LawfulBasis, Regime


@pytest.mark.django_db
def test_recognised_legitimate_interests_is_in_force_from_5_february_2026():
    before = {code for code, _l, _e in lawful_bases.share_choices(on=date(2026, 2, 4))}
    after = {code for code, _l, _e in lawful_bases.share_choices(on=date(2026, 2, 5))}
    assert "recognised_li" not in before and "recognised_li" in after
    assert {"cda_s115", "dpa_part3", "consent"} <= before


@pytest.mark.django_db
def test_every_stored_share_value_is_in_the_maintained_list():
    assert set(LegalBasis.values) <= set(LawfulBasis.objects.values_list("code", flat=True))


@pytest.mark.django_db
def test_the_share_form_explains_each_basis_where_it_is_chosen(client, officer, case):
    choices = dict(ShareForm().fields["legal_basis"].choices)
    assert choices["cda_s115"] == "s115 Crime and Disorder Act 1998"
    assert "recognised_li" in choices  # today is after 5 February 2026
    assert "public_task" not in choices  # in the list, but not a value a case share stores
    client.force_login(officer)
    page = client.get(f"/cases/{case.reference}/sharing/add/").content.decode()
    assert "Any person may disclose information to a relevant authority" in page  # the hint under s115


@pytest.mark.django_db
def test_a_request_from_a_public_body_is_recorded_and_disclosure_logged(client, auditor, case):
    person = Person.objects.get(last_name="Loud")
    basis = LawfulBasis.objects.get(code="recognised_li")
    with pytest.raises(InvalidTransition):
        services.record_data_request(
            requesting_body="DWP",
            requester="Fraud investigator",
            received_on=date(2026, 1, 10),  # before the basis existed
            lawful_basis=basis,
            requested="Address",
            given="Address",
            decided_on=date(2026, 1, 12),
            by=auditor,
        )
    client.force_login(auditor)
    response = client.post(
        "/governance/data-requests/",
        {
            "requesting_body": "Metropolitan Police",
            "requester": "DC Smith, CID",
            "received_on": "2026-11-02",
            "lawful_basis": LawfulBasis.objects.get(code="dpa_part3").pk,
            "person": person.pk,
            "requested": "Incidents involving him since June",
            "given": "Three incident summaries",
            "decided_on": "2026-11-03",
        },
    )
    assert response.status_code == 302
    row = Disclosure.objects.get(object_type="data_request")
    assert row.to_agency == "Metropolitan Police" and row.legal_basis.startswith("DPA 2018 Part 3")
    assert row.details["given"] == "Three incident summaries" and row.details["person_id"] == person.pk
    page = client.get("/governance/data-requests/").content.decode()
    assert "DC Smith, CID" in page


@pytest.mark.django_db
def test_the_regime_is_recorded_per_agency_purpose(client, auditor, police):
    client.force_login(auditor)
    response = client.post(
        "/governance/agency-purposes/",
        {
            "agency": police.pk,
            "purpose": "Investigating ASB offences",
            "regime": "dpa_part3",
            "effective_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert AgencyPurpose.objects.get().regime == Regime.DPA_PART3
    assert "Investigating ASB offences" in client.get("/governance/agency-purposes/").content.decode()
    assert "Recognised legitimate interests" in client.get("/governance/lawful-bases/").content.decode()

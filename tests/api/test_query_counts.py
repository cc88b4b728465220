"""Every list endpoint runs the same number of queries for a page of 10 as for a page of 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import services
from casework.models import LegalBasis, PartyRole
from tests.api.conftest import token_client
from tests.factories import CaseFactory


def _queries(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.fixture
def busy_case(officer, barnet_homes, police, ward):
    """50 cases shared with Barnet Homes; the first with 50 incidents, 50 actions and 20 parties."""
    now = timezone.now()
    cases = [CaseFactory(by=officer, ward=ward) for _ in range(50)]
    for case in cases:
        services.share_case(
            case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer
        )
    case = cases[0]
    for i in range(20):
        person = services.create_person(by=officer, first_name=f"P{i}", last_name="Person", phone="07700 900000")
        services.add_party(case=case, by=officer, role=PartyRole.WITNESS, person=person, is_anonymous=i % 2 == 0)
    party = case.parties.first()
    for i in range(50):
        services.add_incident(
            case=case,
            by=officer,
            occurred_at=now,
            reported_at=now,
            reported_to=police if i % 2 else case.lead_agency,
            description=f"Incident {i}",
            reported_by=party if i % 3 == 0 else None,
        )
        services.add_action(
            case=case,
            by=officer,
            description=f"Action {i}",
            owner_agency=case.lead_agency,
            due_date=now.date(),
            owner=officer,
        )
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["", "{ref}/incidents/", "{ref}/actions/"])
def test_list_queries_do_not_grow_with_the_page(busy_case, housing_user, endpoint):
    api = token_client(housing_user)
    url = "/api/v1/cases/" + endpoint.format(ref=busy_case.reference)
    api.get(url)  # warm the per-process caches (content types, permissions)
    small = _queries(api, f"{url}?page_size=10")
    large = _queries(api, f"{url}?page_size=50")
    assert small == large, f"{url}: {small} queries for 10 rows, {large} for 50"
    assert len(api.get(f"{url}?page_size=50").json()["results"]) == 50


@pytest.mark.django_db
def test_party_queries_do_not_grow_with_the_parties(busy_case, housing_user, officer, ward):
    api = token_client(housing_user)
    few = CaseFactory(by=officer, ward=ward)
    services.share_case(
        case=few, agency=housing_user.membership.agency, legal_basis=LegalBasis.CDA_S115, purpose="x", by=officer
    )
    person = services.create_person(by=officer, first_name="Only", last_name="One")
    services.add_party(case=few, by=officer, role=PartyRole.VICTIM, person=person)
    api.get(f"/api/v1/cases/{few.reference}/parties/")
    assert _queries(api, f"/api/v1/cases/{few.reference}/parties/") == _queries(
        api, f"/api/v1/cases/{busy_case.reference}/parties/"
    )

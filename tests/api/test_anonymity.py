"""An anonymous victim's identity never leaves the API for a partner: not in any response, not by search."""

import pytest

from casework.models import PartyRole
from tests.api.conftest import token_client

SECRETS = ["Maria", "Secretname", "07700 900123"]
READS = ["", "parties/", "incidents/", "actions/", "notices/"]


@pytest.fixture
def reported_by_the_victim(world, officer):
    """An incident the anonymous victim reported, so her label appears in the incident list too."""
    from django.utils import timezone

    from casework import services

    case, users, ids = world
    victim = case.parties.get(role=PartyRole.VICTIM)
    now = timezone.now()
    services.add_incident(
        case=case,
        by=officer,
        occurred_at=now,
        reported_at=now,
        reported_to=case.lead_agency,
        description="Threats",
        reported_by=victim,
    )
    return world


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["partner_view", "partner_change"])
def test_partners_see_anonymous_victim_and_nothing_else(reported_by_the_victim, who):
    case, users, _ = reported_by_the_victim
    api = token_client(users[who])
    bodies = [api.get(f"/api/v1/cases/{case.reference}/{page}").content.decode() for page in READS]
    bodies.append(api.get("/api/v1/cases/").content.decode())
    bodies.append(api.get(f"/api/v1/marac-referrals/{reported_by_the_victim[2]['referral_id']}/").content.decode())
    for body in bodies:
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaked to {who}"
    parties = {p["role"]: p for p in api.get(f"/api/v1/cases/{case.reference}/parties/").json()["results"]}
    assert parties["victim"] == {
        "id": parties["victim"]["id"],
        "role": "victim",
        "role_label": "Victim",
        "is_anonymous": True,
        "withheld": True,
        "details_withheld": True,
        "name": "Anonymous victim",
        "contact": "Withheld",
        "address": "Withheld",
        "vulnerabilities": [],
        "reasonable_adjustments": [],
    }
    assert parties["person_causing_harm"]["name"] == "Kevin Loud", "named parties are not hidden"
    incident = api.get(f"/api/v1/cases/{case.reference}/incidents/").json()["results"][0]
    assert incident["reported_by"]["name"] == "Anonymous victim (Victim)"


@pytest.mark.django_db
def test_searching_the_victims_name_finds_nothing_for_a_partner(world, housing_user, officer):
    case, _, _ = world
    api = token_client(housing_user)
    for query in ["Secretname", "Maria", "Maria Secretname"]:
        assert api.get("/api/v1/cases/", {"q": query}).json()["results"] == [], query
    assert [c["reference"] for c in api.get("/api/v1/cases/", {"q": "Loud"}).json()["results"]] == [case.reference]
    found_by_lead = token_client(officer).get("/api/v1/cases/", {"q": "Secretname"}).json()["results"]
    assert [c["reference"] for c in found_by_lead] == [case.reference]


@pytest.mark.django_db
def test_the_lead_agency_sees_the_victim(world, officer):
    case, _, _ = world
    parties = token_client(officer).get(f"/api/v1/cases/{case.reference}/parties/").json()["results"]
    victim = next(p for p in parties if p["role"] == "victim")
    assert victim["name"] == "Maria Secretname" and victim["contact"] == "07700 900123" and not victim["withheld"]

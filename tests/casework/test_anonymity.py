"""An anonymous victim's identity is seen by the lead agency only: never by a partner, anywhere."""

import pytest

SECRETS = ["Maria", "Secretname", "07700 900123"]
CASE_PAGES = ["", "parties/", "incidents/", "risk/", "actions/", "notes/", "evidence/", "sharing/", "timeline/"]


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


@pytest.mark.django_db
def test_partner_sees_anonymous_victim_and_no_identity_anywhere(client, shared_case, housing_user):
    client.force_login(housing_user)
    parties = _body(client.get(f"/cases/{shared_case.reference}/parties/"))
    assert "Anonymous victim" in parties
    assert "Kevin Loud" in parties  # named parties are not hidden
    for page in CASE_PAGES:
        body = _body(client.get(f"/cases/{shared_case.reference}/{page}"))
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} leaked on /{page}"
    timeline = _body(client.get(f"/cases/{shared_case.reference}/timeline/"))
    assert "anonymous victim" in timeline
    export = _body(client.get("/cases/export.csv"))
    assert shared_case.reference in export
    assert not any(secret in export for secret in SECRETS)


@pytest.mark.django_db
def test_searching_an_anonymous_victims_name_finds_nothing_for_a_partner(client, shared_case, housing_user):
    client.force_login(housing_user)
    assert "0 cases found" in _body(client.get("/cases/", {"q": "Secretname"}))
    assert "1 case found" in _body(client.get("/cases/", {"q": "Loud"}))


@pytest.mark.django_db
def test_lead_agency_sees_the_anonymous_victim(client, shared_case, officer):
    client.force_login(officer)
    parties = _body(client.get(f"/cases/{shared_case.reference}/parties/"))
    assert "Maria Secretname" in parties and "07700 900123" in parties
    assert "1 case found" in _body(client.get("/cases/", {"q": "Secretname"}))

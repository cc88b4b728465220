"""Every information governance URL x every kind of user -> the expected status, generated from the URLconf.

A new governance URL without an entry in EXPECTED fails, so no page ships unchecked. Only the Auditor role
(the information governance role) gets in; partners, officers, managers and administrators get 403.
"""

from datetime import date

import pytest
from django.urls import URLPattern, get_resolver, reverse

from casework.models import Person
from governance import services

ONLY_IG = {"auditor": 200, "officer": 403, "housing_user": 403, "manager": 403, "admin_user": 403, "anonymous": 302}
ONLY_IG_POST = {**ONLY_IG, "auditor": 302}
ONLY_IG_REDIRECT = {**ONLY_IG, "auditor": 302}

EXPECTED = {
    "index": ("GET", ONLY_IG_REDIRECT),
    "sar_list": ("GET", ONLY_IG),
    "sar_detail": ("GET", ONLY_IG),
    "sar_pack": ("GET", ONLY_IG_REDIRECT),  # before identity and searches: back to the request with a message
    "sar_identity": ("POST", ONLY_IG_POST),
    "sar_pause": ("POST", ONLY_IG_POST),
    "sar_resume": ("POST", ONLY_IG_POST),
    "sar_extend": ("POST", ONLY_IG_POST),
    "sar_searches": ("POST", ONLY_IG_POST),
    "sar_decide": ("POST", ONLY_IG_POST),
    "complaint_register": ("GET", ONLY_IG),
    "lawful_bases": ("GET", ONLY_IG),
    "agency_purposes": ("GET", ONLY_IG),
    "data_requests": ("GET", ONLY_IG),
    "complaint_detail": ("GET", ONLY_IG),
    "complaint_acknowledge": ("POST", ONLY_IG_POST),
    "complaint_investigate": ("POST", ONLY_IG_POST),
    "complaint_outcome": ("POST", ONLY_IG_POST),
}


def _names() -> set[str]:
    return {p.name for p in get_resolver("governance.urls").url_patterns if isinstance(p, URLPattern)}


def test_every_governance_url_has_an_expectation():
    assert _names() == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(ONLY_IG))
def test_authorization_matrix(client, who, request, case, auditor):
    person = Person.objects.get(last_name="Loud")
    sar = services.receive_sar(person=person, requester_name="Kevin Loud", received_on=date(2026, 11, 2), by=auditor)
    complaint = services.receive_complaint(
        complainant="K Loud", summary="Shared my address", received_on=date(2026, 11, 2), by=auditor
    )
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for name, (method, expectations) in EXPECTED.items():
        args = [sar.pk] if name.startswith("sar_") and name != "sar_list" else []
        if name.startswith("complaint_") and name != "complaint_register":
            args = [complaint.pk]
        url = reverse(f"governance:{name}", args=args)
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert response.status_code == expectations[who], f"{who} {method} {url}"


@pytest.mark.django_db
def test_an_unknown_request_is_404_for_the_ig_team_and_403_for_others(client, auditor, officer):
    client.force_login(auditor)
    assert client.get("/governance/subject-access/999999/").status_code == 404
    client.force_login(officer)
    assert client.get("/governance/subject-access/999999/").status_code == 403

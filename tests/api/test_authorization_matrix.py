"""Every API endpoint x every kind of caller -> the expected status, generated from the API's URLconf.

A new API route without an entry in EXPECTED fails this test, so no endpoint ships unchecked. The same
columns as the screens' matrix (tests/casework/test_authorization_matrix.py); anonymous callers get 401
JSON instead of a redirect to the sign-in page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casework.models import ActionStatus, Note
from tests.api.conftest import token_client

READ = {
    "lead": 200,
    "partner_view": 200,
    "partner_change": 200,
    "unshared": 404,
    "other_admin": 404,
    "manager": 200,
    "auditor": 200,
    "anonymous": 401,
}
CREATE = {
    "lead": 201,
    "partner_view": 403,
    "partner_change": 201,
    "unshared": 404,
    "other_admin": 404,
    "manager": 403,
    "auditor": 403,
    "anonymous": 401,
}
UPDATE = {**CREATE, "lead": 200, "partner_change": 200}
# Any agency that can see the case may refer it, if its role may (managers and auditors only read).
REFER = {**CREATE, "partner_view": 201}
# Not about one case: everyone signed in gets it; the list's contents are checked in test_cases.
EVERYONE = {**{who: 200 for who in READ}, "anonymous": 401}
NOWHERE = {**{who: 404 for who in READ}, "anonymous": 401}

INCIDENT = {
    "occurred_at": "2026-01-10T21:00:00Z",
    "reported_at": "2026-01-10T21:30:00Z",
    "description": "Shouting on the stairwell",
}

REFERRAL = {
    "reason": "Persistent intimidation",
    "risk_level": "high",
    "actions_tried": "Warning letters",
    "consent": "given",
    "legal_basis": "cda_s115",
}

# url name -> [(method, expectations, body)]
EXPECTED = {
    "schema": [("GET", EVERYONE, None)],
    "case_list": [("GET", EVERYONE, None)],
    "case_detail": [("GET", READ, None)],
    "case_parties": [("GET", READ, None)],
    "case_incidents": [("GET", READ, None), ("POST", CREATE, INCIDENT)],
    "case_actions": [("GET", READ, None)],
    "case_action": [("PATCH", UPDATE, {"status": ActionStatus.IN_PROGRESS})],
    "case_notes": [("POST", CREATE, {"text": "Spoke to the housing officer"})],
    "case_notices": [("GET", READ, None)],
    "case_marac_referrals": [("POST", REFER, REFERRAL)],
    "marac_referral": [("GET", READ, None)],
    "no_such_endpoint": [("GET", NOWHERE, None), ("POST", NOWHERE, {"text": "x"})],
}
# Browser pages under /api/v1/ (not JSON endpoints): they send anonymous users to sign in like any page.
PAGES = {"docs"}


def api_patterns(patterns=None, prefix=""):
    """(name, route) of every route in the 'api' namespace, however deeply included."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api" or prefix:
                yield from api_patterns(entry.url_patterns, prefix + str(entry.pattern))
            else:
                yield from api_patterns(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and prefix:
            yield entry.name, prefix + str(entry.pattern)


def test_every_api_route_has_an_expectation():
    names = {name for name, _ in api_patterns()}
    assert {"case_list", "case_incidents", "schema", "docs"} <= names
    missing = names - set(EXPECTED) - PAGES
    assert not missing, f"Add these API routes to the authorization matrix: {sorted(missing)}"


def url_for(name: str, case, ids) -> str:
    route = dict(api_patterns())[name]
    kwargs = {}
    if "<str:reference>" in route:
        kwargs["reference"] = case.reference
    for key, value in ids.items():
        if f"<int:{key}>" in route:
            kwargs[key] = value
    return reverse(f"api:{name}", kwargs=kwargs)


@pytest.mark.parametrize("who", list(READ))
def test_authorization_matrix(world, who):
    case, users, ids = world
    client = token_client(users[who])
    failures = []
    for name, calls in EXPECTED.items():
        url = url_for(name, case, ids)
        for method, expectations, body in calls:
            if method == "PATCH":
                # Each caller starts from an open action, so a refusal is about access, never state.
                case.actions.filter(pk=ids["action_id"]).update(status=ActionStatus.OPEN)
            response = getattr(client, method.lower())(url, body, format="json") if body else client.get(url)
            if response.status_code != expectations[who]:
                failures.append(f"{method} {url}: expected {expectations[who]}, got {response.status_code}")
                continue
            if response.status_code >= 400:
                error = response.json()["error"]
                assert error["code"] and error["message"], response.content
            if who in ("unshared", "other_admin", "anonymous") and name != "schema":
                assert case.reference.encode() not in response.content
                assert b"Intimidation" not in response.content
    assert not failures, f"{who}:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_anonymous_callers_get_401_json_on_every_api_endpoint_and_the_docs_page_asks_them_to_sign_in(client):
    """Every route under api/ is covered here, so the site-wide redirect test can skip the JSON ones."""
    checked = 0
    for name, route in api_patterns():
        url = "/" + (
            route.replace("<str:reference>", "ASB-2026-00001")
            .replace("<int:action_id>", "1")
            .replace("<int:referral_id>", "1")
            .replace("^.*$", "no/such/endpoint")
        )
        assert "<" not in url, f"fill the converters of {route}"
        if name in PAGES:
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
            continue
        for method in ("get", "post", "patch"):
            response = getattr(client, method)(url, {}, content_type="application/json")
            assert response.status_code == 401, f"{method.upper()} {url} answered {response.status_code}"
            assert response["Content-Type"] == "application/json"
            assert response.json()["error"]["code"] == "not_authenticated"
            assert response["WWW-Authenticate"].startswith("Token")
        checked += 1
    assert checked == len(EXPECTED)


@pytest.mark.django_db
def test_a_refused_write_changes_nothing(world):
    case, users, _ = world
    before = Note.objects.count()
    for who in ("partner_view", "unshared", "other_admin", "manager", "auditor", "anonymous"):
        token_client(users[who]).post(f"/api/v1/cases/{case.reference}/notes/", {"text": "x"}, format="json")
    assert Note.objects.count() == before

"""Access control under attack: IDOR sweeps over every URL, and nothing leaks an unshared case or an
anonymous victim through lists, counts, search, exports, the API or error pages."""

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from casework import roles, services
from casework.models import (
    Action,
    ActionStatus,
    Case,
    CaseShare,
    EvidenceKind,
    LegalBasis,
    PartyRole,
)
from tests.factories import AgencyFactory, CaseFactory, make_member
from tests.security.conftest import body_of
from tests.security.urlwalk import DOMAIN_APPS, routes

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CASE_SECRETS = ["Intimidation on the stairwell", "Maria", "Secretname", "07700 900123", "Kevin Loud"]


@pytest.fixture
def full_case(case, officer, barnet_homes, council):
    """The council's case with one record of every kind hanging off it, shared with Barnet Homes."""
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    party = case.parties.get(role=PartyRole.VICTIM)
    services.add_incident(
        case=case,
        by=officer,
        occurred_at=now - timedelta(days=1),
        reported_at=now,
        reported_to=council,
        description="Threats on the stairwell",
        reported_by=party,
    )
    services.record_risk_assessment(case=case, by=officer, answers={}, repeat_victimisation_count=2, victim=party)
    services.add_action(
        case=case, by=officer, description="Visit the victim", owner_agency=council, due_date=now.date()
    )
    services.add_note(case=case, by=officer, text="Spoke to the victim")
    services.add_evidence(
        case=case,
        by=officer,
        kind=EvidenceKind.PHOTO,
        description="Photo of the door",
        upload=SimpleUploadedFile("door.png", PNG),
        content_type="image/png",
    )
    services.share_case(
        case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy enforcement", by=officer
    )
    return case


def _ids(case) -> dict[str, list[int]]:
    return {
        "action_id": list(case.actions.values_list("pk", flat=True)),
        "evidence_id": list(case.evidence.values_list("pk", flat=True)),
        "share_id": list(case.shares.values_list("pk", flat=True)),
        "party_id": list(case.parties.values_list("pk", flat=True)),  # the victim's letters (#20)
        "cost_id": list(case.action_costs.values_list("pk", flat=True)),  # case costs (#20)
    }


def _casework_urls(reference: str, ids: dict[str, list[int]]) -> list[str]:
    urls = []
    for route in routes():
        if route.namespace != "casework" or not route.params:
            continue
        url = "/" + route.route
        url = url.replace("<str:reference>", reference)
        int_params = [name for conv, name in route.params if conv == "int"]
        if not int_params:
            urls.append(url)
            continue
        (name,) = int_params
        for value in ids[name] or [1]:
            urls.append(url.replace(f"<int:{name}>", str(value)))
    return urls


def _snapshot() -> dict[str, int]:
    counts = {}
    for label in ("casework", "enforcement", "marac", "triggers"):
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["outsider", "outsider_officer"])
def test_idor_sweep_every_casework_object_of_another_agency_is_404(client, full_case, who, request):
    """Every case URL, every object id on it, GET and POST: a user of an agency it is not shared with gets 404."""
    user = request.getfixturevalue(who)
    client.force_login(user)
    urls = _casework_urls(full_case.reference, _ids(full_case))
    assert len(urls) >= 20, urls
    before = _snapshot()
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"text": "x", "status": ActionStatus.DONE, "reason": "x"})
            body = body_of(response).decode()
            # 405 only where a POST-only address refuses a GET before looking anything up (no oracle)
            expected = (404, 405) if method == "get" else (404,)
            assert response.status_code in expected, f"{method.upper()} {url} -> {response.status_code}"
            for secret in [full_case.reference, *CASE_SECRETS]:
                assert secret not in body, f"{secret!r} leaked by {method.upper()} {url}"
    assert _snapshot() == before
    print(f"casework IDOR sweep ({who}): {len(urls) * 2} requests")


@pytest.mark.django_db
def test_idor_swapping_object_ids_into_your_own_case_is_404(client, full_case, outsider_officer, ward):
    """The classic IDOR: my own case's address with another case's action, evidence or share id."""
    own = CaseFactory(by=outsider_officer, ward=ward, title="Outsider's own case")
    client.force_login(outsider_officer)
    assert client.get(f"/cases/{own.reference}/").status_code == 200
    foreign = _ids(full_case)
    action = Action.objects.get(pk=foreign["action_id"][0])
    share = CaseShare.objects.get(pk=foreign["share_id"][0])
    probes = [
        ("post", f"/cases/{own.reference}/actions/{action.pk}/status/", {"status": ActionStatus.DONE}),
        ("get", f"/cases/{own.reference}/evidence/{foreign['evidence_id'][0]}/download/", None),
        ("get", f"/cases/{own.reference}/sharing/{share.pk}/revoke/", None),
        ("post", f"/cases/{own.reference}/sharing/{share.pk}/revoke/", {"reason": "hijack"}),
    ]
    for method, url, data in probes:
        response = getattr(client, method)(url, data or {})
        assert response.status_code == 404, f"{method.upper()} {url} -> {response.status_code}"
        assert b"PNG" not in body_of(response)
    action.refresh_from_db()
    share.refresh_from_db()
    assert action.status == ActionStatus.OPEN and share.revoked_at is None


@pytest.mark.django_db
def test_outsider_finds_nothing_in_lists_counts_search_exports_or_api(client, full_case, outsider):
    client.force_login(outsider)
    probes = [
        "/",
        "/cases/",
        "/cases/export.csv",
        f"/cases/?q={full_case.reference}",
        "/cases/?q=Secretname",
        "/cases/?q=Kevin+Loud",
        "/cases/?q=stairwell",
        f"/cases/export.csv?q={full_case.reference}",
        "/api/v1/cases/",
        f"/api/v1/cases/?search={full_case.reference}",
    ]
    for url in probes:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        body = body_of(response).decode()
        for secret in [full_case.reference, *CASE_SECRETS]:
            if secret.replace(" ", "+") in url:
                continue  # echoed back in the search box and links; "0 cases found" is checked below
            assert secret not in body, f"{secret!r} leaked by {url}"
    listing = client.get("/cases/", {"q": full_case.reference}).content.decode()
    assert "0 cases found" in listing
    export = body_of(client.get("/cases/export.csv")).decode().strip().splitlines()
    assert len(export) == 1  # the header row only: no count, no row


@pytest.mark.django_db
def test_api_answers_404_for_another_agencys_case(client, full_case, outsider):
    client.force_login(outsider)
    for suffix in ("", "parties/", "incidents/", "actions/"):
        response = client.get(f"/api/v1/cases/{full_case.reference}/{suffix}")
        assert response.status_code == 404, suffix
        assert full_case.reference not in response.content.decode()
    notes = full_case.notes.count()
    response = client.post(
        f"/api/v1/cases/{full_case.reference}/notes/", data=json.dumps({"text": "x"}), content_type="application/json"
    )
    assert response.status_code == 404 and full_case.notes.count() == notes
    action = full_case.actions.first()
    response = client.patch(
        f"/api/v1/cases/{full_case.reference}/actions/{action.pk}/",
        data=json.dumps({"status": "done"}),
        content_type="application/json",
    )
    assert response.status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


@pytest.mark.django_db
def test_error_pages_echo_nothing(client, full_case, officer, outsider, monkeypatch):
    """404 and 500 pages are static: no path, no exception text, no record data."""
    client.force_login(outsider)
    probe = "/cases/ASB-2026-LEAKPROBE<b>x</b>/parties/"
    response = client.get(probe)
    body = response.content.decode()
    assert response.status_code == 404
    assert "LEAKPROBE" not in body and "No case found" not in body
    assert "Page not found" in body

    from casework import selectors

    def broken_timeline(case, case_access):
        raise RuntimeError(f"boom while reading {case.reference} for Maria Secretname")

    monkeypatch.setattr(selectors, "timeline", broken_timeline)
    client.force_login(officer)
    client.raise_request_exception = False
    response = client.get(f"/cases/{full_case.reference}/timeline/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    for secret in [full_case.reference, "Secretname", "boom", "RuntimeError", "Traceback"]:
        assert secret not in body


@pytest.mark.django_db
def test_partner_never_sees_an_anonymous_victim_on_any_page_of_the_service(client, full_case, housing_user):
    """Barnet Homes can see the case but not who the anonymous victim is: walk every GET URL of every app,
    filled with this world's ids, and a search for the victim's name on every list."""
    client.force_login(housing_user)
    secrets = ["Secretname", "07700 900123"]
    overrides = {"reference": [full_case.reference], **{k: v[:2] for k, v in _ids(full_case).items() if v}}
    checked = 0
    for route in routes():
        if route.public or route.namespace not in (*DOMAIN_APPS, "api", ""):
            continue
        urls = ["/" + route.route] if not route.params else _fill(route, overrides)
        for url in urls:
            for query in ("", "?q=Maria", "?search=Maria") if not route.params else ("",):
                response = client.get(url + query)
                assert response.status_code != 500, url + query
                body = body_of(response)
                if response.get("Content-Type", "").startswith("application/pdf"):
                    continue  # compressed text: covered by the status checks above and the apps' own tests
                text = body.decode(errors="replace")
                for secret in secrets:
                    assert secret not in text, f"{secret!r} leaked to a partner by {url + query}"
                checked += 1
    print(f"anonymity walk: {checked} pages checked")
    assert checked > 60


def _fill(route, overrides):
    from tests.security.urlwalk import filled

    return filled(route, limit=2, overrides=overrides)


@pytest.fixture
def demo_world(db):
    """The demo borough (every app with a demo contributes), plus one agency nothing is shared with."""
    from io import StringIO

    call_command("load_demo", cases=6, stdout=StringIO())
    stranger_agency = AgencyFactory(name="Stranger Agency", short_name="stranger")
    users = [
        make_member(stranger_agency, role, f"stranger-{n}", first_name="Olive", last_name="Outsider")
        for n, role in enumerate((roles.PARTNER_CASEWORKER, roles.ENFORCEMENT_OFFICER))
    ]
    return users


def _world_secrets() -> list[str]:
    """Values that identify records: case and application references, and distinctive names."""
    secrets = list(Case.objects.values_list("reference", flat=True))
    for model in apps.get_models():
        if model._meta.app_label in DOMAIN_APPS and not model.__name__.startswith("Historical"):
            if model is not Case and any(f.name == "reference" for f in model._meta.get_fields()):
                secrets += [r for r in model._default_manager.values_list("reference", flat=True) if len(r) >= 6]
    return secrets


@pytest.mark.django_db
@pytest.mark.slow
def test_idor_sweep_across_every_app_of_the_service(client, demo_world):
    """Every parameterised URL of every app (casework, enforcement, MARAC, triggers, audit, API), filled
    with the ids and references of real demo records, GET and POST, by users of an agency that has been
    shared nothing: never a 200 with someone else's record, never a 500, no reference in any answer, and
    not one row written."""
    secrets = _world_secrets()
    assert len(secrets) >= 6
    before = _snapshot()
    tried = 0
    for user in demo_world:
        client.force_login(user)
        for route in routes():
            if not route.params or route.public or route.namespace not in (*DOMAIN_APPS, "api"):
                continue
            for url in _fill(route, {}):
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    status = response.status_code
                    assert status in (302, 403, 404, 405), f"{method.upper()} {url} -> {status}"
                    text = body_of(response).decode(errors="replace")
                    leaked = [s for s in secrets if s in text or s in response.get("Location", "")]
                    assert not leaked, f"{leaked} leaked by {method.upper()} {url}"
                    tried += 1
    assert _snapshot() == before
    print(f"cross-app IDOR sweep: {tried} requests")
    assert tried >= 100

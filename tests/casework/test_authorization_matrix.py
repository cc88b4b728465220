"""Every case-scoped URL x every kind of user -> the expected status, generated from the URLconf.

A new casework URL without an entry in EXPECTED fails this test, so no page ships unchecked.
"""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from casework import roles, services
from casework.models import ActionStatus, EvidenceKind, LegalBasis
from tests.factories import AgencyFactory, make_member

READ = {
    "lead": 200,
    "partner_view": 200,
    "partner_change": 200,
    "unshared": 404,
    "other_admin": 404,
    "manager": 200,
    "auditor": 200,
    "anonymous": 302,
}
WRITE = {
    "lead": 200,
    "partner_view": 403,
    "partner_change": 200,
    "unshared": 404,
    "other_admin": 404,
    "manager": 403,
    "auditor": 403,
    "anonymous": 302,
}
LEAD_ONLY = {
    "lead": 200,
    "partner_view": 403,
    "partner_change": 403,
    "unshared": 404,
    "other_admin": 404,
    "manager": 403,
    "auditor": 403,
    "anonymous": 302,
}
# POST-only endpoints: a valid-looking post from someone allowed ends in a redirect back to the case.
POST_WRITE = {**WRITE, "lead": 302, "partner_change": 302}
DOWNLOAD = READ
# The Part 3 question: whoever may read the case and has nothing to declare is sent straight on to it.
ACCESS_REASON = {who: 302 if status == 200 else status for who, status in READ.items()}

EXPECTED = {
    "case_detail": ("GET", READ),
    "case_edit": ("GET", LEAD_ONLY),
    "case_transition": ("GET", LEAD_ONLY),
    "case_parties": ("GET", READ),
    "party_add": ("GET", WRITE),
    # Vulnerability and safeguarding of a person on the case (#19): read with the case, recorded by who may change it.
    "party_vulnerability": ("GET", READ),
    "party_vulnerability_edit": ("GET", WRITE),
    "safeguarding_referral_add": ("GET", WRITE),
    # Safe contact and do-not-disclose (#19): the lead agency keeps them; partners, managers and auditors may not.
    "party_safety": ("GET", LEAD_ONLY),
    "do_not_disclose_add": ("GET", LEAD_ONLY),
    "do_not_disclose_end": ("GET", LEAD_ONLY),
    "case_incidents": ("GET", READ),
    "incident_add": ("GET", WRITE),
    "case_risk": ("GET", READ),
    "risk_add": ("GET", WRITE),
    "case_actions": ("GET", READ),
    "action_add": ("GET", WRITE),
    "action_status": ("POST", POST_WRITE),
    "case_notes": ("GET", READ),
    "case_evidence": ("GET", READ),
    "evidence_add": ("GET", WRITE),
    "evidence_download": ("GET", DOWNLOAD),
    "case_sharing": ("GET", READ),
    "share_add": ("GET", LEAD_ONLY),
    "share_revoke": ("GET", LEAD_ONLY),
    "case_timeline": ("GET", READ),
    "case_access_reason": ("GET", ACCESS_REASON),
    # The victim's journey (#20): read follows the case; anyone who may change it logs contacts and reviews.
    "case_victim": ("GET", READ),
    "victim_contact_plan": ("GET", WRITE),
    "victim_contact_add": ("GET", WRITE),
    "victim_update": ("GET", WRITE),
    "progress_review_add": ("GET", WRITE),
    "action_not_done": ("GET", WRITE),
    "case_review_explained": ("GET", WRITE),
    "case_review_letter": ("GET", DOWNLOAD),
    "case_close": ("GET", LEAD_ONLY),
    # Managers sign off closures; everyone else who may read the case is refused.
    "closure_sign_off": ("GET", {**LEAD_ONLY, "lead": 403, "manager": 200}),
    # The closure letter (with a survey link) is printed by the lead once the case is closed: an open case
    # sends the lead back to it with a message.
    "closure_letter": ("POST", {**LEAD_ONLY, "lead": 302}),
    "closure_letter_email": ("POST", {**LEAD_ONLY, "lead": 302}),
    # Case costs (docs/case-costs.md): the action here is the lead's own, so only the lead records on it; a
    # partner with change rights cannot see the lead's cost at all, so removing it is a 404 for them.
    "action_cost_add": ("GET", LEAD_ONLY),
    "action_cost_remove": ("POST", {**LEAD_ONLY, "lead": 302, "partner_change": 404}),
}


def case_scoped_url_names() -> set[str]:
    resolver = get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "casework":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and "<str:reference>" in str(pattern.pattern):
                    names.add(pattern.name)
    return names


def test_every_case_url_has_an_expectation():
    missing = case_scoped_url_names() - set(EXPECTED)
    assert not missing, f"Add these case URLs to the authorization matrix: {sorted(missing)}"


@pytest.fixture
def world(db, shared_case, officer, police, police_user, housing_user, manager, auditor):
    case = shared_case
    services.share_case(
        case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Joint patrols", by=officer, can_change=True
    )
    probation = AgencyFactory(name="Probation", short_name="probation")
    outsider = make_member(probation, roles.PARTNER_CASEWORKER, "outsider")
    other_admin = make_member(probation, roles.ADMINISTRATOR, "other-admin")
    action = services.add_action(
        case=case, by=officer, description="Visit", owner_agency=case.lead_agency, due_date=case.opened_at.date()
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    evidence = services.add_evidence(
        case=case,
        by=officer,
        kind=EvidenceKind.PHOTO,
        description="Photo",
        upload=SimpleUploadedFile("p.png", png),
        content_type="image/png",
    )
    share = case.shares.get(agency__short_name="barnet-homes")
    from casework import costs

    case.lead_agency.records_costs = True
    case.lead_agency.save()
    cost = costs.record_cost(action=action, by=officer, spent_on=case.opened_at.date(), minutes=30)
    users = {
        "lead": officer,
        "partner_view": housing_user,
        "partner_change": police_user,
        "unshared": outsider,
        "other_admin": other_admin,
        "manager": manager,
        "auditor": auditor,
        "anonymous": None,
    }
    party = case.parties.get(role="victim")
    ids = {
        "action_id": action.pk,
        "evidence_id": evidence.pk,
        "share_id": share.pk,
        "party_id": party.pk,
        "cost_id": cost.pk,
    }
    return case, users, ids


def _url(name: str, case, ids) -> str:
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if getattr(entry, "namespace", None) == "casework":
            for pattern in entry.url_patterns:
                if pattern.name == name:
                    kwargs = {"reference": case.reference}
                    for key, value in ids.items():
                        if f"<int:{key}>" in str(pattern.pattern):
                            kwargs[key] = value
                    return reverse(f"casework:{name}", kwargs=kwargs)
    raise AssertionError(name)


@pytest.mark.parametrize("who", list(READ))
def test_authorization_matrix(client, world, who):
    case, users, ids = world
    user = users[who]
    if user is not None:
        client.force_login(user)
    failures = []
    for name, (method, expectations) in EXPECTED.items():
        url = _url(name, case, ids)
        data = {"status": ActionStatus.IN_PROGRESS} if name == "action_status" else None
        response = client.post(url, data or {}) if method == "POST" else client.get(url)
        if response.status_code != expectations[who]:
            failures.append(f"{method} {url}: expected {expectations[who]}, got {response.status_code}")
        if who in ("unshared", "other_admin"):
            assert case.reference.encode() not in response.content
            assert b"Intimidation" not in response.content
    assert not failures, f"{who}:\n" + "\n".join(failures)


def test_unshared_partner_never_sees_the_case_in_lists_search_or_export(client, world):
    case, users, _ = world
    client.force_login(users["unshared"])
    for url in ["/cases/", "/", "/cases/export.csv", f"/cases/export.csv?q={case.reference}"]:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert case.reference.encode() not in body, url
    for query in ["", case.reference, "Intimidation", "Kevin Loud", "Burnt Oak"]:
        listing = client.get("/cases/", {"q": query})
        assert "0 cases found" in listing.content.decode(), query


@pytest.mark.parametrize("who", list(READ))
def test_the_admin_site_answers_no_one_with_this_case(client, world, who):
    """The case and everything hanging off it, at every admin address (change, history, history versions,
    delete): never answered, whoever asks, least of all an administrator of another agency."""
    from tests.security.urlwalk import ADMIN_ALLOWED, admin_urls

    case, users, _ = world
    if users[who] is not None:
        client.force_login(users[who])
    title = case.title
    checked = 0
    for label, url in admin_urls(limit=3):
        if label in ADMIN_ALLOWED or not label.startswith("casework."):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"title": "Reverted"})
            assert response.status_code in (302, 403, 404), f"{who}: {method.upper()} {url} -> {response.status_code}"
            assert case.reference.encode() not in response.content and b"Maria" not in response.content
            checked += 1
    case.refresh_from_db()
    assert case.title == title
    assert checked > 50

"""CS MARAC referrals and enforcement notices through the API: the same services, logs and history as the screens."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessAction, AccessLog, Disclosure
from casework import services
from casework.models import LegalBasis
from marac.models import Referral, ReferralStatus
from tests.api.conftest import token_client
from tests.factories import CaseFactory, make_written_warning

REFERRAL = {
    "reason": "Persistent intimidation; the victim no longer leaves the flat.",
    "risk_level": "high",
    "actions_tried": "Two warning letters and a CPN written warning.",
    "consent": "given",
    "legal_basis": "cda_s115",
}
SAME = ("user_id", "agency", "object_type", "object_id", "object_label", "case_id", "details")


def _last_log_id() -> int:
    return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _history(referral):
    return list(
        referral.history.order_by("history_id").values_list("history_type", "history_user_id", "history_change_reason")
    )


@pytest.mark.django_db
def test_a_partner_refers_a_case_and_follows_its_status(world, housing_user, coordinator):
    from marac import services as marac_services

    case, _, _ = world
    api = token_client(housing_user)
    response = api.post(f"/api/v1/cases/{case.reference}/marac-referrals/", REFERRAL, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    referral = Referral.objects.get(pk=body["id"])
    assert referral.referring_agency.short_name == "barnet-homes" and referral.referred_by == housing_user
    assert body["status"] == "submitted" and body["status_label"] == "Awaiting screening"
    assert _history(referral) == [("+", housing_user.pk, "Referred to CS MARAC")]

    again = api.post(f"/api/v1/cases/{case.reference}/marac-referrals/", REFERRAL, format="json")
    assert again.status_code == 409
    assert "already has a CS MARAC referral" in again.json()["error"]["message"]

    marac_services.request_more_information(referral=referral, by=coordinator, request="Any police involvement?")
    status = api.get(body["url"]).json()
    assert status["status"] == ReferralStatus.MORE_INFORMATION
    assert status["information_requested"] == "Any police involvement?"


@pytest.mark.django_db
def test_an_api_referral_leaves_the_same_history_as_the_form(client, world, housing_user, officer, barnet_homes):
    case, _, _ = world
    other = CaseFactory(by=officer, ward=case.ward)
    services.share_case(case=other, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer)
    client.force_login(housing_user)
    client.post("/marac/referrals/new/", {"case_reference": other.reference, **REFERRAL})
    token_client(housing_user).post(f"/api/v1/cases/{case.reference}/marac-referrals/", REFERRAL, format="json")
    from_form, from_api = Referral.objects.get(case=other), Referral.objects.get(case=case)
    assert _history(from_api) == _history(from_form)
    fields = ("referring_agency_id", "referred_by_id", "reason", "risk_level", "consent", "legal_basis", "status")
    assert [getattr(from_api, f) for f in fields] == [getattr(from_form, f) for f in fields]


@pytest.mark.django_db
def test_the_coordinator_is_given_the_case_when_a_partner_refers_it(world, police_user):
    """The referral goes through refer_case, so the share with the coordinating agency is a logged disclosure."""
    case, _, _ = world
    own = CaseFactory(by=police_user, ward=case.ward)  # police-led: the council cannot see it yet
    disclosures = Disclosure.objects.count()
    response = token_client(police_user).post(
        f"/api/v1/cases/{own.reference}/marac-referrals/", REFERRAL, format="json"
    )
    assert response.status_code == 201, response.content
    assert own.shares.filter(agency__short_name="lbb", revoked_at__isnull=True).exists()
    assert Disclosure.objects.count() == disclosures + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, fields",
    [
        ({"reason": ""}, {"reason"}),
        ({"risk_level": "extreme"}, {"risk_level"}),
        ({"consent": None}, {"consent"}),
        ({"legal_basis": "because"}, {"legal_basis"}),
    ],
)
def test_an_invalid_referral_names_the_field_and_saves_nothing(world, housing_user, change, fields):
    case, _, _ = world
    before = Referral.objects.count()
    body = {**REFERRAL, **change}
    response = token_client(housing_user).post(f"/api/v1/cases/{case.reference}/marac-referrals/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == fields
    assert Referral.objects.count() == before


@pytest.mark.django_db
def test_reading_a_referral_is_logged_like_the_referral_page(client, world, housing_user):
    _, _, ids = world
    client.force_login(housing_user)
    start = _last_log_id()
    assert client.get(f"/marac/referrals/{ids['referral_id']}/").status_code == 200
    (from_screen,) = AccessLog.objects.filter(id__gt=start)
    start = _last_log_id()
    assert token_client(housing_user).get(f"/api/v1/marac-referrals/{ids['referral_id']}/").status_code == 200
    (from_api,) = AccessLog.objects.filter(id__gt=start)
    assert from_api.action == AccessAction.API_READ and from_screen.action == AccessAction.VIEW
    assert {f: getattr(from_api, f) for f in SAME} == {f: getattr(from_screen, f) for f in SAME}


@pytest.mark.django_db
def test_a_partner_reads_the_cases_notices_logged_like_the_enforcement_page(client, world, housing_user):
    case, _, _ = world
    api = token_client(housing_user)
    start = _last_log_id()
    body = api.get(f"/api/v1/cases/{case.reference}/notices/").json()
    (from_api,) = AccessLog.objects.filter(id__gt=start)
    (warning,) = body["warnings"]
    assert warning["recipient"] == "Kevin Loud" and warning["status"] == "served"
    assert warning["issuing_agency"] == "LBB Community Safety"
    (fpn,) = body["fixed_penalties"]
    assert fpn["offence_code"] == "CST01" and fpn["recipient_name"] == "Kevin Loud"
    assert body["cpns"] == [] and body["closure_notices"] == []

    client.force_login(housing_user)
    start = _last_log_id()
    assert client.get(f"/enforcement/cases/{case.reference}/").status_code == 200
    (from_screen,) = AccessLog.objects.filter(id__gt=start)
    assert {f: getattr(from_api, f) for f in SAME} == {f: getattr(from_screen, f) for f in SAME}
    for secret in ("Maria", "Secretname", "07700 900123"):
        assert secret not in str(body)


@pytest.mark.django_db
def test_notice_queries_do_not_grow_with_the_notices(world, housing_user, officer):
    case, _, _ = world
    api = token_client(housing_user)
    url = f"/api/v1/cases/{case.reference}/notices/"
    api.get(url)
    with CaptureQueriesContext(connection) as one:
        api.get(url)
    for _ in range(4):
        make_written_warning(case=case, by=officer)
    with CaptureQueriesContext(connection) as five:
        assert len(api.get(url).json()["warnings"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


@pytest.mark.django_db
def test_the_police_read_an_injunctions_power_of_arrest_and_a_closure_order(world, police_user, officer):
    from tests.factories import make_cbo, make_closure_order, make_injunction

    case, _, _ = world
    make_injunction(
        case=case,
        by=officer,
        power_of_arrest=True,
        power_of_arrest_terms="The prohibition on entering Watling Avenue.",
    )
    make_cbo(case=case, by=officer)
    order = make_closure_order(case=case, by=officer)
    api = token_client(police_user)
    url = f"/api/v1/cases/{case.reference}/notices/"
    api.get(url)  # warm up: the first request of a token creates its rate-limit and audit state
    with CaptureQueriesContext(connection) as first:
        body = api.get(url).json()
    (injunction,) = body["civil_injunctions"]
    assert injunction["power_of_arrest"] is True
    assert injunction["power_of_arrest_terms"] == "The prohibition on entering Watling Avenue."
    assert injunction["power_of_arrest_ground"] == "violence"
    assert injunction["power_of_arrest_ground_label"] == "Violence or threatened violence against others (s4(1)(a))"
    assert injunction["prohibitions"] == "Not to play amplified music" and injunction["status"] == "in_force"
    (cbo,) = body["criminal_behaviour_orders"]
    assert cbo["conviction_offence"] == "Criminal damage" and cbo["subject_name"]
    assert cbo["made_under"] == "s330 of the Sentencing Act 2020 (the Sentencing Code)"
    assert body["respect_orders"] == []  # none until Respect Orders commence
    (notice,) = body["closure_notices"]
    assert notice["order"]["id"] == order.pk and notice["order"]["ends_on"] == order.ends_on.isoformat()
    make_injunction(case=case, by=officer)
    make_cbo(case=case, by=officer)
    with CaptureQueriesContext(connection) as more:
        assert len(api.get(url).json()["civil_injunctions"]) == 2
    assert len(more.captured_queries) == len(first.captured_queries)

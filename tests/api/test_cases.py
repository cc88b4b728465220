"""Cases, incidents, actions and notes through the API as a partner's script uses them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import services
from casework.filters import CaseFilter
from casework.models import ActionStatus, CaseStatus, Incident, LegalBasis, Note, PartyRole, RiskLevel
from casework.selectors import case_list
from tests.api.conftest import token_client
from tests.factories import CaseFactory, WardFactory


def _references(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def _share(case, agency, officer, can_change=False):
    services.share_case(
        case=case,
        agency=agency,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Joint work",
        by=officer,
        can_change=can_change,
    )


@pytest.fixture
def portfolio(officer, barnet_homes, ward):
    """Council cases of several kinds; all but the last are shared with Barnet Homes."""
    other_ward = WardFactory(name="Colindale North", code="colindale-north")
    now = timezone.now()
    cases = []
    for i, (category, status_to, risk, where) in enumerate(
        [
            ("noise", None, None, ward),
            ("noise", CaseStatus.INVESTIGATING, None, other_ward),
            ("graffiti", None, None, ward),
            ("asb_personal", CaseStatus.INVESTIGATING, RiskLevel.HIGH, other_ward),
            ("fly_tipping", None, None, ward),
            ("noise", None, None, other_ward),
        ]
    ):
        case = CaseFactory(by=officer, ward=where, category=category, opened_at=now - timedelta(days=10 * i))
        if status_to:
            services.transition_case(case=case, by=officer, to=status_to)
        if risk:
            case.risk_level = risk
            case.save()
        cases.append(case)
    for case in cases[:-1]:
        _share(case, barnet_homes, officer)
    return cases


@pytest.mark.django_db
@pytest.mark.parametrize(
    "api_query, ui_query",
    [
        ({}, {}),
        ({"status": "investigating"}, {"status": ["investigating"]}),
        ({"status": ["open", "investigating"]}, {"status": ["open", "investigating"]}),
        ({"category": "noise"}, {"category": "noise"}),
        ({"ward": "colindale-north"}, {"ward": "WARD"}),
        ({"risk_level": "high"}, {"risk_level": "high"}),
        ({"lead_agency": "lbb"}, {"lead_agency": "AGENCY"}),
        ({"category": "noise", "ward": "burnt-oak"}, {"category": "noise", "ward": "WARD2"}),
        ({"q": "Noise nuisance"}, {"q": "Noise nuisance"}),
        ({"opened_after": "DATE"}, {"opened_after": "DATE"}),
    ],
)
def test_the_case_list_filters_like_the_screen(portfolio, housing_user, council, ward, api_query, ui_query):
    other_ward = portfolio[1].ward
    cutoff = timezone.localdate() - timedelta(days=25)
    substitutions = {"WARD": other_ward.pk, "WARD2": ward.pk, "AGENCY": council.pk, "DATE": cutoff.isoformat()}
    ui_query = {k: substitutions.get(v, v) if isinstance(v, str) else v for k, v in ui_query.items()}
    api_query = {k: substitutions.get(v, v) if k == "opened_after" else v for k, v in api_query.items()}
    screen = CaseFilter(ui_query, queryset=case_list(user=housing_user), user=housing_user)
    expected = list(screen.qs.order_by("-opened_at", "-id").values_list("reference", flat=True))
    got = _references(token_client(housing_user).get("/api/v1/cases/", api_query))
    assert expected, "each filter should select something, or the comparison proves little"
    assert got == expected
    assert portfolio[-1].reference not in got, "the unshared case never appears"


@pytest.mark.django_db
def test_keyset_pages_cover_every_case_once_forwards_and_backwards(officer, barnet_homes, housing_user, ward):
    same_moment = timezone.now() - timedelta(days=3)
    cases = [
        CaseFactory(by=officer, ward=ward, opened_at=same_moment if i % 3 == 0 else same_moment - timedelta(hours=i))
        for i in range(17)
    ]
    for case in cases:
        _share(case, barnet_homes, officer)
    expected = list(case_list(user=housing_user).order_by("-opened_at", "-id").values_list("reference", flat=True))
    api = token_client(housing_user)

    pages, url = [], "/api/v1/cases/?page_size=5"
    while url:
        body = api.get(url).json()
        pages.append([row["reference"] for row in body["results"]])
        url = body["next"]
    assert [len(p) for p in pages] == [5, 5, 5, 2]
    assert [ref for page in pages for ref in page] == expected

    # Back from the last page: the same pages, in reverse.
    last = api.get("/api/v1/cases/?page_size=5").json()
    for _ in range(3):
        last = api.get(last["next"]).json()
    assert last["next"] is None
    back, body = [], last
    while body["previous"]:
        body = api.get(body["previous"]).json()
        back.append([row["reference"] for row in body["results"]])
    assert back == pages[-2::-1]

    # A case opened meanwhile does not shift the pages already handed out.
    second = api.get("/api/v1/cases/?page_size=5").json()["next"]
    _share(CaseFactory(by=officer, ward=ward), barnet_homes, officer)
    assert _references(api.get(second)) == pages[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "sleeping"}, "status"),
        ({"ward": "atlantis"}, "ward"),
        ({"lead_agency": "nobody"}, "lead_agency"),
        ({"opened_after": "last tuesday"}, "opened_after"),
        ({"category": ""}, "category"),
        ({"risk_level": ""}, "risk_level"),
        ({"opened_before": ""}, "opened_before"),
        ({"status": ["open", ""]}, "status"),
        ({"cursor": "bm9uc2Vuc2U"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_bad_list_parameters_are_400_naming_the_parameter(housing_user, query, field):
    response = token_client(housing_user).get("/api/v1/cases/", query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert error["message"].startswith(f"{field}: ")


@pytest.mark.django_db
def test_partner_with_change_logs_an_incident(world, police_user, police):
    case, _, _ = world
    victim = case.parties.get(role=PartyRole.VICTIM)
    response = token_client(police_user).post(
        f"/api/v1/cases/{case.reference}/incidents/",
        {
            "occurred_at": "2026-01-10T21:00:00Z",
            "reported_at": "2026-01-10T21:30:00Z",
            "agency_reference": "CAD 4411/10JAN26",
            "description": "Threats shouted through the letterbox",
            "hate_related": True,
            "reported_by": victim.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    incident = Incident.objects.get(pk=body["id"])
    assert incident.created_by == police_user and incident.reported_to == police, "defaults to the caller's agency"
    assert body["reported_to"] == {"short_name": "met", "name": "Metropolitan Police"}
    assert body["reported_by"] == {"id": victim.pk, "name": "Anonymous victim (Victim)"}
    case.refresh_from_db()
    assert case.hate_related, "a hate-related incident flags the case, as from the screen"
    listed = token_client(police_user).get(f"/api/v1/cases/{case.reference}/incidents/").json()["results"]
    assert [row["id"] for row in listed] == [incident.pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"occurred_at", "reported_at", "description"}),
        (
            {"occurred_at": "2026-01-10T21:00:00Z", "reported_at": "2026-01-09T21:00:00Z", "description": "x"},
            {"reported_at"},
        ),
        ({"occurred_at": "yesterday", "reported_at": "2026-01-09T21:00:00Z", "description": "x"}, {"occurred_at"}),
        (
            {"occurred_at": "2099-01-01T00:00:00Z", "reported_at": "2099-01-01T00:00:00Z", "description": "x"},
            {"occurred_at", "reported_at"},
        ),
        (
            {
                "occurred_at": "2026-01-10T21:00:00Z",
                "reported_at": "2026-01-10T21:30:00Z",
                "description": "x",
                "reported_to": "the-moon",
            },
            {"reported_to"},
        ),
        (
            {
                "occurred_at": "2026-01-10T21:00:00Z",
                "reported_at": "2026-01-10T21:30:00Z",
                "description": "x",
                "agency_reference": "x" * 51,
            },
            {"agency_reference"},
        ),
    ],
)
def test_an_invalid_incident_names_each_field_and_saves_nothing(world, police_user, body, fields):
    case, _, _ = world
    response = token_client(police_user).post(f"/api/v1/cases/{case.reference}/incidents/", body, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and set(error["fields"]) == fields
    assert all(error["fields"][name][0] in error["message"] for name in fields)
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_an_incident_cannot_name_a_party_from_another_case(world, police_user, officer, ward, police):
    case, _, _ = world
    elsewhere = CaseFactory(by=officer, ward=ward)
    person = services.create_person(by=officer, first_name="Other", last_name="Person")
    stranger = services.add_party(case=elsewhere, by=officer, role=PartyRole.WITNESS, person=person)
    response = token_client(police_user).post(
        f"/api/v1/cases/{case.reference}/incidents/",
        {
            "occurred_at": "2026-01-10T21:00:00Z",
            "reported_at": "2026-01-10T21:30:00Z",
            "description": "x",
            "reported_by": stranger.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reported_by": [f"Party {stranger.pk} is not on this case"]}


@pytest.mark.django_db
def test_malformed_json_is_a_400_in_the_same_shape(world, police_user):
    case, _, _ = world
    response = token_client(police_user).post(
        f"/api/v1/cases/{case.reference}/notes/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.django_db
def test_action_status_moves_through_the_same_rules_as_the_screen(world, police_user):
    case, _, ids = world
    api = token_client(police_user)
    url = f"/api/v1/cases/{case.reference}/actions/{ids['action_id']}/"
    done = api.patch(url, {"status": ActionStatus.DONE}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["completed_at"]
    conflict = api.patch(url, {"status": ActionStatus.IN_PROGRESS}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["error"] == {
        "code": "conflict",
        "message": "A finished action can only be reopened.",
        "fields": {},
    }
    bad = api.patch(url, {"status": "finished"}, format="json")
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["status"]
    assert api.patch(url, {"status": ActionStatus.OPEN}, format="json").json()["status"] == "open"


@pytest.mark.django_db
def test_an_action_of_another_case_is_404(world, police_user, officer, ward, police):
    case, _, _ = world
    elsewhere = CaseFactory(by=officer, ward=ward)
    _share(elsewhere, police, officer, can_change=True)
    other = services.add_action(
        case=elsewhere, by=officer, description="Other", owner_agency=police, due_date=timezone.localdate()
    )
    response = token_client(police_user).patch(
        f"/api/v1/cases/{case.reference}/actions/{other.pk}/", {"status": "done"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_notes_are_added_with_the_author_and_agency(world, police_user):
    case, _, _ = world
    api = token_client(police_user)
    blank = api.post(f"/api/v1/cases/{case.reference}/notes/", {"text": ""}, format="json")
    assert blank.status_code == 400 and blank.json()["error"]["fields"] == {"text": ["Enter the note"]}
    response = api.post(f"/api/v1/cases/{case.reference}/notes/", {"text": "Patrol passed at 22:00"}, format="json")
    assert response.status_code == 201
    assert response.json()["author_agency"] == "Metropolitan Police"
    note = Note.objects.get(pk=response.json()["id"])
    assert note.author == police_user and note.case == case


@pytest.mark.django_db
def test_case_detail_says_what_the_caller_may_do(world):
    case, users, _ = world
    expectations = {
        "lead": {"can_change": True, "can_view_sensitive": True, "is_lead": True},
        "partner_view": {"can_change": False, "can_view_sensitive": False, "is_lead": False},
        "partner_change": {"can_change": True, "can_view_sensitive": False, "is_lead": False},
    }
    for who, expected in expectations.items():
        body = token_client(users[who]).get(f"/api/v1/cases/{case.reference}/").json()
        assert body["your_access"] == expected, who
        assert body["reference"] == case.reference and body["description"] == case.description


@pytest.mark.django_db
def test_unknown_api_methods_are_405_in_the_same_shape(world, housing_user):
    case, _, _ = world
    response = token_client(housing_user).delete(f"/api/v1/cases/{case.reference}/")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, hint",
    [
        ("/api/v1/cases", "Did you mean /api/v1/cases/"),
        ("/api/v1/cases/ASB-2026-00001/evidence/", ""),
        ("/api/v1/cases/a%2Fb/", ""),
        ("/api/v1/cases/%00/", ""),
        ("/api/v1/cases/" + "9" * 30 + "/", ""),
    ],
)
def test_any_other_address_is_a_json_404(world, housing_user, path, hint):
    response = token_client(housing_user).get(path)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
    assert hint in response.json()["error"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/cases/%0A/actions/-1/", "/api/v1/nowhere\n/", "/api/v1/cases/x/y/z/"])
def test_any_unknown_api_address_answers_json_even_with_a_newline_in_it(world, police_user, api_as, path):
    response = api_as(police_user).patch(path, {"status": "done"}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"

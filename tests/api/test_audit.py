"""An API read or write leaves the same access-log and history rows as the same thing done on the screens."""

import pytest

from audit.models import AccessAction, AccessLog
from casework.models import Action, ActionStatus, Incident, Note
from tests.api.conftest import token_client

SAME = ("user_id", "agency", "object_type", "object_id", "object_label", "case_id", "details")


def _new_log_rows(since: int) -> list[AccessLog]:
    return list(AccessLog.objects.filter(id__gt=since).order_by("id"))


def _last_log_id() -> int:
    return AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "screen, endpoint",
    [("", ""), ("parties/", "parties/"), ("incidents/", "incidents/"), ("actions/", "actions/")],
)
def test_a_case_read_is_logged_once_like_the_screen(client, world, housing_user, screen, endpoint):
    case, _, _ = world
    client.force_login(housing_user)
    start = _last_log_id()
    assert client.get(f"/cases/{case.reference}/{screen}").status_code == 200
    (from_screen,) = _new_log_rows(start)

    start = _last_log_id()
    assert token_client(housing_user).get(f"/api/v1/cases/{case.reference}/{endpoint}").status_code == 200
    (from_api,) = _new_log_rows(start)

    assert from_screen.action == AccessAction.VIEW and from_api.action == AccessAction.API_READ
    assert {f: getattr(from_api, f) for f in SAME} == {f: getattr(from_screen, f) for f in SAME}
    assert from_api.case_id == case.pk and from_api.agency == "Barnet Homes"
    assert from_api.path == f"/api/v1/cases/{case.reference}/{endpoint}"
    assert from_api.request_id and from_api.request_id != from_screen.request_id


@pytest.mark.django_db
def test_a_list_is_logged_as_one_row_with_its_filters_and_rows_shown(client, world, housing_user, officer, ward):
    from tests.factories import CaseFactory

    case, _, _ = world
    CaseFactory(by=officer, ward=ward)  # not shared: neither list shows it
    client.force_login(housing_user)
    start = _last_log_id()
    client.get("/cases/", {"status": "open", "ward": ward.pk})
    (from_screen,) = _new_log_rows(start)
    start = _last_log_id()
    token_client(housing_user).get("/api/v1/cases/", {"status": "open", "ward": ward.code})
    (from_api,) = _new_log_rows(start)

    assert from_api.action == AccessAction.API_READ and from_api.object_type == "case" and from_api.case_id is None
    assert from_api.details["filters"] == from_screen.details["filters"] == {"status": "['open']", "ward": "Burnt Oak"}
    assert from_api.details["rows_shown"] == from_screen.details["rows_shown"] == 2  # the two shared cases


def _history(model, pk) -> list[tuple]:
    return list(
        model.history.filter(id=pk)
        .order_by("history_id")
        .values_list("history_type", "history_user_id", "history_change_reason")
    )


@pytest.mark.django_db
def test_writes_leave_the_same_history_as_the_screens(client, world, police_user, police):
    case, _, ids = world
    client.force_login(police_user)
    api = token_client(police_user)
    start = _last_log_id()

    client.post(f"/cases/{case.reference}/notes/", {"text": "From the screen"})
    api.post(f"/api/v1/cases/{case.reference}/notes/", {"text": "From the API"}, format="json")
    screen_note, api_note = Note.objects.get(text="From the screen"), Note.objects.get(text="From the API")
    assert _history(Note, api_note.pk) == _history(Note, screen_note.pk) == [("+", police_user.pk, "Note added")]
    assert api_note.author_agency == screen_note.author_agency == police

    client.post(
        f"/cases/{case.reference}/incidents/add/",
        {
            "occurred_at": "2026-01-10T21:00",
            "reported_at": "2026-01-10T21:30",
            "reported_to": police.pk,
            "description": "From the screen",
        },
    )
    api.post(
        f"/api/v1/cases/{case.reference}/incidents/",
        {"occurred_at": "2026-01-10T21:00:00Z", "reported_at": "2026-01-10T21:30:00Z", "description": "From the API"},
        format="json",
    )
    screen_incident = Incident.objects.get(description="From the screen")
    api_incident = Incident.objects.get(description="From the API")
    assert (
        _history(Incident, api_incident.pk)
        == _history(Incident, screen_incident.pk)
        == [("+", police_user.pk, "Incident logged")]
    )

    action_id = ids["action_id"]
    client.post(f"/cases/{case.reference}/actions/{action_id}/status/", {"status": ActionStatus.IN_PROGRESS})
    api.patch(f"/api/v1/cases/{case.reference}/actions/{action_id}/", {"status": ActionStatus.DONE}, format="json")
    assert _history(Action, action_id)[-2:] == [
        ("~", police_user.pk, "Action in progress"),
        ("~", police_user.pk, "Action done"),
    ]
    assert _new_log_rows(start) == [], "writes are in history, not the access log, on both paths"

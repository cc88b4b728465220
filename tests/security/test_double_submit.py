"""Double-submitted forms: the idempotency key every POST form carries means the same form sent twice
(double click, resubmit, back button) creates one record, and the second send lands on the first one's
result page with a message."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.models import Action, Case, CaseParty, CaseShare, Evidence, Incident, Note

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 80
KEY = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')


def form_key(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, url
    keys = KEY.findall(page.content.decode())
    assert keys, f"no idempotency key on {url}"
    return keys[-1]


def _forms(case, council, barnet_homes, ward):
    when = (timezone.localtime() - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    later = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    due = timezone.localdate() + timedelta(days=7)
    ref = case.reference
    return {
        "note": (f"/cases/{ref}/notes/", f"/cases/{ref}/notes/", Note, lambda: {"text": "Called the victim"}),
        "incident": (
            f"/cases/{ref}/incidents/add/",
            f"/cases/{ref}/incidents/add/",
            Incident,
            lambda: {"occurred_at": when, "reported_at": later, "reported_to": council.pk, "description": "Shouting"},
        ),
        "party": (
            f"/cases/{ref}/parties/add/",
            f"/cases/{ref}/parties/add/",
            CaseParty,
            lambda: {"role": "witness", "first_name": "Ann", "last_name": "Other"},
        ),
        "action": (
            f"/cases/{ref}/actions/add/",
            f"/cases/{ref}/actions/add/",
            Action,
            lambda: {
                "description": "Visit",
                "owner_agency": council.pk,
                "due_date_0": due.day,
                "due_date_1": due.month,
                "due_date_2": due.year,
            },
        ),
        "evidence": (
            f"/cases/{ref}/evidence/add/",
            f"/cases/{ref}/evidence/add/",
            Evidence,
            lambda: {"kind": "photo", "description": "Door", "file": SimpleUploadedFile("door.png", PNG)},
        ),
        "share": (
            f"/cases/{ref}/sharing/add/",
            f"/cases/{ref}/sharing/add/",
            CaseShare,
            lambda: {"agency": barnet_homes.pk, "legal_basis": "cda_s115", "purpose": "Tenancy enforcement"},
        ),
        "case": (
            "/cases/new/",
            "/cases/new/",
            Case,
            lambda: {"title": "Noise at flat 9", "category": "noise", "description": "Music", "ward": ward.pk},
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["note", "incident", "party", "action", "evidence", "share", "case"])
def test_the_same_form_sent_twice_is_saved_once(client, case, officer, council, barnet_homes, ward, kind):
    page_url, post_url, model, data = _forms(case, council, barnet_homes, ward)[kind]
    client.force_login(officer)
    key = form_key(client, page_url)
    before = model.objects.count()
    first = client.post(post_url, {**data(), "idempotency_key": key})
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(post_url, {**data(), "idempotency_key": key})
    assert model.objects.count() == before + 1
    assert second.status_code == 302 and second["Location"] == first["Location"]
    landing = client.get(second["Location"]).content.decode()
    assert "You sent this form twice. It was saved once." in landing


@pytest.mark.django_db
def test_two_forms_with_their_own_keys_are_two_records(client, case, officer):
    client.force_login(officer)
    url = f"/cases/{case.reference}/notes/"
    for text in ("First", "Second"):
        assert client.post(url, {"text": text, "idempotency_key": form_key(client, url)}).status_code == 302
    assert list(case.notes.order_by("id").values_list("text", flat=True)) == ["First", "Second"]


@pytest.mark.django_db
def test_every_render_of_a_form_has_a_fresh_key_and_get_forms_have_none(client, case, officer):
    client.force_login(officer)
    url = f"/cases/{case.reference}/notes/"
    assert form_key(client, url) != form_key(client, url)
    listing = client.get("/cases/").content.decode()
    assert "idempotency_key" not in listing.split('aria-label="Filter cases"', 1)[1].split("</form>", 1)[0]


@pytest.mark.django_db
def test_a_refused_form_frees_its_key_so_the_corrected_form_saves(client, case, officer):
    client.force_login(officer)
    url = f"/cases/{case.reference}/notes/"
    key = form_key(client, url)
    refused = client.post(url, {"text": "", "idempotency_key": key})
    assert refused.status_code == 200 and not case.notes.exists()
    saved = client.post(url, {"text": "Now with text", "idempotency_key": key})
    assert saved.status_code == 302 and case.notes.count() == 1


@pytest.mark.django_db
def test_a_key_is_bound_to_its_user_and_its_address(client, case, officer, council):
    from casework import roles
    from tests.factories import make_member

    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "colleague")
    client.force_login(officer)
    url = f"/cases/{case.reference}/notes/"
    key = form_key(client, url)
    client.post(url, {"text": "Mine", "idempotency_key": key})
    client.force_login(colleague)
    client.post(url, {"text": "Theirs", "idempotency_key": key})
    client.force_login(officer)
    client.post(f"/cases/{case.reference}/actions/add/", {"description": "x", "idempotency_key": key})
    assert sorted(case.notes.values_list("text", flat=True)) == ["Mine", "Theirs"]


@pytest.mark.django_db
def test_a_malformed_key_is_ignored_not_an_error(client, case, officer):
    client.force_login(officer)
    url = f"/cases/{case.reference}/notes/"
    for key in ("", "../../etc", "x" * 5000, "{{ 7*7 }}", "A" * 32):
        assert client.post(url, {"text": f"note {len(key)}", "idempotency_key": key}).status_code == 302
    assert case.notes.count() == 5

"""Large case exports are prepared in the background and never cut short; small ones still stream at once."""

import csv
import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessAction, AccessLog
from casework import exports
from casework.models import CaseExport, ExportStatus
from notifications.models import Event, Notification
from tests.factories import CaseFactory


@pytest.fixture
def many_cases(officer, ward, settings):
    settings.CASE_EXPORT_STREAM_LIMIT = 3
    return [CaseFactory(by=officer, ward=ward, title=f"=Case {n}") for n in range(5)]


@pytest.mark.django_db
def test_a_small_export_streams_at_once(client, officer, case, settings):
    settings.CASE_EXPORT_STREAM_LIMIT = 10
    client.force_login(officer)
    response = client.get("/cases/export.csv")
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert case.reference in body
    assert not CaseExport.objects.exists()


@pytest.mark.django_db
def test_a_large_export_is_prepared_in_the_background_and_downloaded_whole(
    client, officer, many_cases, run_jobs, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    offer = client.get("/cases/export.csv", {"status": ["open"]})
    page = offer.content.decode()
    assert offer.status_code == 200 and "This export has more than 3 cases" in page
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()  # nothing exported yet

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/cases/exports/", {"query": "status=open"})
    assert asked.status_code == 302
    export = CaseExport.objects.get()
    assert export.status == ExportStatus.QUEUED and export.requested_by == officer
    assert "being prepared" in client.get("/cases/exports/").content.decode()

    run_jobs()
    export.refresh_from_db()
    assert export.status == ExportStatus.READY and export.rows == 5
    assert Notification.objects.filter(user=officer, event=Event.CASE_EXPORT_READY).exists()
    logged = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert logged.details["rows_exported"] == 5 and logged.details["export"] == str(export.public_id)

    listing = client.get("/cases/exports/").content.decode()
    assert "Ready to download" in listing and "Download CSV" in listing
    download = client.get(f"/cases/exports/{export.public_id}/")
    body = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(body) == export.size_bytes
    assert hashlib.sha256(body).hexdigest() == export.sha256
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert len(rows) == 6 and {r[0] for r in rows[1:]} == {c.reference for c in many_cases}
    assert all(r[1].startswith("'=") for r in rows[1:])  # formula injection neutralised as in the stream
    assert AccessLog.objects.filter(action=AccessAction.DOWNLOAD, details__export=str(export.public_id)).exists()
    assert export.history.filter(history_user=officer).count() >= 2


@pytest.mark.django_db
def test_only_the_requester_downloads_and_only_what_they_could_see(
    client, officer, many_cases, housing_user, run_jobs, django_capture_on_commit_callbacks, shared_case
):
    with django_capture_on_commit_callbacks(execute=True):
        mine = exports.request_export(user=housing_user, query="")
    run_jobs()
    mine.refresh_from_db()
    assert mine.status == ExportStatus.READY and mine.rows == 1  # only the one case shared with Barnet Homes
    client.force_login(officer)
    assert client.get(f"/cases/exports/{mine.public_id}/").status_code == 404
    assert str(mine.public_id) not in client.get("/cases/exports/").content.decode()


@pytest.mark.django_db
def test_an_export_that_fails_says_so_and_leaves_no_partial_file(
    client, officer, many_cases, run_jobs, django_capture_on_commit_callbacks, monkeypatch, settings
):
    def broken(case):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "case_row", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(user=officer, query="")
    run_jobs()
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.error == "The file could not be written"
    assert Notification.objects.filter(user=officer, event=Event.CASE_EXPORT_FAILED).exists()
    assert not list((settings.MEDIA_ROOT / "exports").glob("*.csv"))
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
    client.force_login(officer)
    assert "Failed" in client.get("/cases/exports/").content.decode()
    assert client.get(f"/cases/exports/{export.public_id}/").status_code == 404


@pytest.mark.django_db
def test_expired_files_are_deleted_and_no_longer_downloadable(
    client, officer, many_cases, run_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = exports.request_export(user=officer, query="")
    run_jobs()
    export.refresh_from_db()
    path = export.file.path
    assert exports.expire_old(now=timezone.now() + timedelta(days=8)) == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED
    import os

    assert not os.path.exists(path)
    client.force_login(officer)
    assert client.get(f"/cases/exports/{export.public_id}/").status_code == 404

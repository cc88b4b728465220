"""Auditors verify the audit trail from a screen, as a background job; a daily run alerts the DPO on failure."""

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from audit.models import AccessLog, VerificationRun
from audit.verification import queue_run
from notifications import schedule
from notifications.models import Delivery, Event, Notification
from tests.audit.test_verify_audit import _disable_triggers
from tests.factories import log_case_views


@pytest.mark.django_db
def test_an_auditor_runs_the_verification_and_sees_verified_to_row_n(client, auditor, case, officer, run_jobs):
    log_case_views(case=case, user=officer, count=3)
    client.force_login(auditor)
    response = client.post("/audit/verification/")
    assert response.status_code == 302
    run = VerificationRun.objects.get()
    assert run.status == "queued" and run.requested_by == auditor
    assert DBTaskResult.objects.filter(task_path__endswith="verify_audit_trail").count() == 1
    run_jobs()
    run.refresh_from_db()
    assert run.status == "verified" and run.finished_at is not None
    # Every row present when the job ran: the officer's views, and the auditor's press of the button.
    assert run.verified_to == AccessLog.objects.count()
    page = client.get("/audit/verification/").content.decode()
    assert f"Verified to row {run.verified_to} at" in page


@pytest.mark.django_db
@pytest.mark.owner_db
def test_a_broken_chain_shows_the_first_broken_link_and_tells_the_dpo(
    client, auditor, case, officer, run_jobs, settings
):
    settings.AUDIT_CHECKPOINT_EMAIL = ["dpo@barnet.example"]
    rows = log_case_views(case=case, user=officer, count=3)
    _disable_triggers("audit_accesslog")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslog SET object_label = 'tampered' WHERE id = %s", [rows[1].pk])
    queue_run(trigger="scheduled")
    run_jobs()
    run = VerificationRun.objects.get()
    assert run.status == "broken"
    assert f"row id {rows[1].pk}" in run.first_broken and "altered" in run.first_broken
    assert Delivery.objects.filter(event=Event.AUDIT_VERIFICATION_FAILED, recipient="dpo@barnet.example").exists()
    assert Notification.objects.filter(event=Event.AUDIT_VERIFICATION_FAILED, user=auditor).exists()
    client.force_login(auditor)
    page = client.get("/audit/verification/").content.decode()
    assert "did not verify" in page and f"row id {rows[1].pk}" in page


@pytest.mark.django_db
def test_the_daily_schedule_queues_one_verification_a_day():
    from datetime import datetime

    from django.utils import timezone

    now = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())).replace(hour=7)
    schedule.run_daily(now)
    schedule.run_daily(now)
    assert VerificationRun.objects.filter(trigger="scheduled").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "manager", "admin_user", "housing_user"])
def test_only_auditors_may_start_a_verification(client, role, request):
    client.force_login(request.getfixturevalue(role))
    assert client.post("/audit/verification/").status_code == 403
    assert not VerificationRun.objects.exists()

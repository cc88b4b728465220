"""Periodic jobs: each slot queued once however many workers' schedulers fire, a late-starting worker catches up
today's daily run, and a delivery whose worker died is sent by the sweep."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from notifications import schedule, services
from notifications.models import Delivery, DeliveryStatus, Event, ScheduledRun


def local(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time())).replace(
        hour=hour, minute=minute
    )


@pytest.mark.django_db
def test_each_slot_is_queued_once_whoever_fires_it(settings):
    assert schedule.run_daily(local(7)) is True
    assert schedule.run_daily(local(7, 1)) is False  # a second worker's scheduler, same day
    assert DBTaskResult.objects.filter(task_path__endswith="daily_notifications").count() == 1
    assert schedule.run_sweep(local(9, 2)) is True
    assert schedule.run_sweep(local(9, 4)) is False  # same five minutes
    assert schedule.run_sweep(local(9, 5)) is True
    assert ScheduledRun.objects.count() == 4  # with the daily audit verification


@pytest.mark.django_db
def test_a_worker_starting_after_the_daily_time_catches_up_once(settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "DAILY_AT": "07:00"}
    assert schedule.catch_up(local(6, 59)) is False  # not yet: the cron trigger will fire at 07:00
    assert schedule.catch_up(local(10)) is True
    assert schedule.catch_up(local(11)) is False


@pytest.mark.django_db
def test_the_daily_job_runs_as_a_task(case, officer, run_jobs):
    schedule.run_daily(local(7))
    run_jobs()
    result = DBTaskResult.objects.get(task_path__endswith="daily_notifications")
    assert result.status == "SUCCESSFUL" and set(result.return_value) == {"reminders", "digests", "exports_expired"}


@pytest.mark.django_db
def test_a_delivery_left_by_a_dead_worker_is_sent_by_the_sweep(housing_user, smtp_server, run_jobs):
    delivery = Delivery.objects.create(
        event=Event.CASE_SHARED, user=housing_user, recipient=housing_user.email, subject="s", body="b"
    )
    stale = timezone.now() - timedelta(minutes=30)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, created_at=stale, last_attempt_at=stale, attempts=1
    )
    assert services.requeue_stale() == 1
    run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(smtp_server.wait_for(1)) == 1
    assert services.requeue_stale() == 0


@pytest.mark.django_db
def test_an_administrator_sends_a_parked_message_again(client, admin_user, housing_user, smtp_server, run_jobs):
    delivery = Delivery.objects.create(
        event=Event.CASE_SHARED,
        user=housing_user,
        recipient=housing_user.email,
        subject="s",
        body="b",
        status=DeliveryStatus.FAILED,
        attempts=6,
        last_error="SMTPServerDisconnected",
    )
    client.force_login(admin_user)
    response = client.post(f"/notifications/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 302
    run_jobs()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    assert len(smtp_server.wait_for(1)) == 1

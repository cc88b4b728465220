"""The job engine's guarantees, end to end through a real SMTP server: same transaction as the write, nothing
sent for a rolled-back write, nothing lost while no worker runs, failures retried with backoff then parked."""

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from casework import services
from casework.models import LegalBasis
from notifications.models import Delivery, DeliveryStatus, Event, Notification
from tests.notifications.conftest import free_port


def share(case, agency, by):
    return services.share_case(
        case=case, agency=agency, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy enforcement", by=by
    )


@pytest.mark.django_db
def test_a_share_tells_the_partner_in_the_app_and_by_email_once_the_worker_runs(
    case, officer, barnet_homes, housing_user, smtp_server, run_jobs
):
    share(case, barnet_homes, officer)

    notification = Notification.objects.get(user=housing_user)
    assert notification.event == Event.CASE_SHARED
    assert notification.message == f"A case has been shared with Barnet Homes: {case.reference}."
    assert not Notification.objects.filter(user=officer).exists()  # not told about their own share
    delivery = Delivery.objects.get(recipient=housing_user.email)
    assert delivery.status == DeliveryStatus.QUEUED
    assert smtp_server.messages == []  # committed, queued, but no worker has run yet

    run_jobs()

    [message] = smtp_server.wait_for(1)
    assert message.envelope_to == [housing_user.email]
    assert case.reference in message.get_payload()
    assert "Sign in" in message.get_payload()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1 and delivery.provider == "smtp"
    run_jobs()  # nothing left: sent once
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_write_that_fails_after_enqueueing_sends_nothing(
    case, officer, barnet_homes, housing_user, smtp_server, run_jobs
):
    with pytest.raises(RuntimeError), transaction.atomic():
        share(case, barnet_homes, officer)
        assert DBTaskResult.objects.exists()  # the job was queued inside the transaction...
        raise RuntimeError("the request failed after the share")
    assert not DBTaskResult.objects.exists()  # ...and went with it
    assert not Delivery.objects.exists() and not Notification.objects.exists()
    run_jobs()
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_a_failing_mail_server_never_undoes_the_share_and_the_message_is_retried_then_parked(
    case, officer, barnet_homes, housing_user, admin_user, settings, run_jobs
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2  # refused
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "MAX_ATTEMPTS": 3, "RETRY_BASE_SECONDS": 60}

    shared = share(case, barnet_homes, officer)
    run_jobs()

    assert shared.case.shares.filter(agency=barnet_homes, revoked_at__isnull=True).exists()
    delivery = Delivery.objects.get(recipient=housing_user.email)
    assert delivery.status == DeliveryStatus.RETRYING and delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    waits = []
    for _ in range(2):
        retry = DBTaskResult.objects.ready().filter(task_path__endswith="deliver")
        assert not retry.exists()  # waiting for its backoff, not spinning
        pending = DBTaskResult.objects.filter(status="READY").get()
        waits.append(round((pending.run_after - delivery.last_attempt_at).total_seconds() / 60))
        DBTaskResult.objects.filter(pk=pending.pk).update(run_after=timezone.now())  # time passes
        run_jobs()
        delivery.refresh_from_db()
    assert waits == [1, 2]  # exponential backoff: 1 minute, then 2
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 3  # parked, not dropped
    assert not DBTaskResult.objects.filter(status="READY").exists()
    parked = Notification.objects.get(user=admin_user, event=Event.DELIVERY_FAILED)
    assert parked.url.startswith("/notifications/deliveries/")

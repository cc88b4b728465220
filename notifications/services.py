"""Every write of the notifications app: notify, deliver (with retries), mark read, preferences, digests.

`notify` runs inside the caller's transaction: the in-app notifications, the delivery log rows and the jobs
that send them are rows in the same database, so a rolled-back change notifies no one and a committed one
keeps its messages even while no worker runs (decision 0012).
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from casework import access, roles
from casework.errors import InvalidTransition, NotAllowed
from casework.models import Agency, Case
from common.dates import govuk_date

from . import channels
from .models import (
    AgencyMailbox,
    Channel,
    Delivery,
    DeliveryStatus,
    EmailFrequency,
    Event,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)

SIGN_IN = "Sign in to Safer Communities Casework to see it."


def conf(name: str):
    return settings.NOTIFICATIONS[name]


def _enqueue_delivery(delivery: Delivery, *, run_after=None) -> None:
    from .tasks import deliver

    task = deliver.using(run_after=run_after) if run_after else deliver
    task.enqueue(delivery_id=delivery.pk)


def _email_body(message: str) -> str:
    return f"{message}\n\n{SIGN_IN}\n{conf('SERVICE_URL')}/notifications/\n"


def _queue(deliveries: list[Delivery]) -> list[Delivery]:
    created = Delivery.objects.bulk_create(deliveries)  # ids come back on PostgreSQL and SQLite 3.35+
    for delivery in created:
        _enqueue_delivery(delivery)
    return created


@transaction.atomic
def notify(
    *,
    event: str,
    users: Iterable,
    message: str,
    case: Case | None = None,
    url: str = "",
    agencies: Iterable[Agency] = (),
    by: User | None = None,
    digest_only: bool = False,
    email: bool = True,
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell `users` (in the app, and by email now or in their daily digest) and the shared mailboxes of
    `agencies` that something happened. `message` must name no person, address or narrative: it goes by email.
    The acting user (`by`) is not told about their own change. `digest_only`: email only in the daily digest;
    `email=False`: in the app only."""
    if event not in Event.values:
        raise ValueError(f"Unknown event {event!r}")
    recipients = {u.pk: u for u in users if u is not None and u.is_active and (by is None or u.pk != by.pk)}
    if not recipients:
        notifications: list[Notification] = []
    else:
        frequencies = dict(
            NotificationPreference.objects.filter(user_id__in=recipients).values_list("user_id", "email_frequency")
        )
        notifications, deliveries = [], []
        for user in recipients.values():
            immediate = not digest_only and frequencies.get(user.pk, EmailFrequency.IMMEDIATELY) == (
                EmailFrequency.IMMEDIATELY
            )
            notifications.append(
                Notification(
                    user=user,
                    event=event,
                    message=message[:300],
                    case=case,
                    url=url,
                    digest_pending=email and bool(user.email) and not immediate,
                    dedupe_key=f"{dedupe_key}:{user.pk}"[:200] if dedupe_key else "",
                )
            )
            if email and immediate and user.email:
                deliveries.append(_delivery(event=event, user=user, recipient=user.email, message=message))
        notifications = Notification.objects.bulk_create(notifications, ignore_conflicts=bool(dedupe_key))
        _queue(deliveries)
        if email and not digest_only:
            _queue_sms(event=event, users=list(recipients.values()), message=message)
    if agencies and email and not digest_only:
        mailboxes = AgencyMailbox.objects.filter(agency__in=list(agencies)).select_related("agency")
        _queue([_delivery(event=event, agency=box.agency, recipient=box.email, message=message) for box in mailboxes])
    return notifications


@transaction.atomic
def email_addresses(*, event: str, recipients: list[str], message: str) -> list[Delivery]:
    """Email mailboxes that are not users (the data protection officer's), through the delivery log."""
    if event not in Event.values:
        raise ValueError(f"Unknown event {event!r}")
    return _queue([_delivery(event=event, recipient=address, message=message) for address in recipients if address])


@transaction.atomic
def email_member_of_public(*, event: str, recipient: str, subject: str, body: str) -> Delivery:
    """A letter to a member of the public about their own matter (the outcome of their ASB Case Review), to the
    address they gave, through the delivery log. The body is the letter a second manager approved, sent as it
    stands: no sign-in link, because the recipient has no account."""
    if event not in Event.values:
        raise ValueError(f"Unknown event {event!r}")
    [delivery] = _queue(
        [Delivery(event=event, channel=Channel.EMAIL, recipient=recipient, subject=subject[:200], body=body)]
    )
    return delivery


def text_member_of_public(*, event: str, recipient: str, body: str) -> Delivery:
    """A text message to a member of the public (a victim's update), through GOV.UK Notify and the delivery log.
    Without Notify configured it fails visibly in the delivery log, like any undeliverable message."""
    if event not in Event.values:
        raise ValueError(f"Unknown event {event!r}")
    [delivery] = _queue([Delivery(event=event, channel=Channel.SMS, recipient=recipient, subject="", body=body)])
    return delivery


def _delivery(*, event: str, message: str, recipient: str, user=None, agency=None, subject: str = "") -> Delivery:
    return Delivery(
        event=event,
        channel=Channel.EMAIL,
        user=user,
        agency=agency,
        recipient=recipient,
        subject=subject or f"Safer Communities Casework: {Event(event).label.lower()}",
        body=_email_body(message),
    )


def _queue_sms(*, event: str, users: list, message: str) -> None:
    """Text messages go only through GOV.UK Notify, to users who gave a mobile number."""
    if not channels.notify_configured() or not conf("NOTIFY_SMS_TEMPLATE_ID") or not users:
        return
    numbers = NotificationPreference.objects.filter(user__in=users).exclude(mobile_number="")
    _queue(
        [
            Delivery(
                event=event,
                channel=Channel.SMS,
                user_id=pref.user_id,
                recipient=pref.mobile_number,
                subject="",
                body=f"{message} {SIGN_IN}",
            )
            for pref in numbers
        ]
    )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8, 16 ... base periods after the 1st, 2nd, 3rd ... failure."""
    return timedelta(seconds=conf("RETRY_BASE_SECONDS") * 2 ** max(attempts - 1, 0))


def _claim(delivery_id: int) -> Delivery | None:
    """Lock the row and mark it sending; None when another worker has it or it is already done."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status not in (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING):
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.attempts += 1
        delivery.last_attempt_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "last_attempt_at"])
        return delivery


def deliver(*, delivery_id: int) -> str:
    """Send one message. A failure is recorded and retried with backoff; after MAX_ATTEMPTS it is parked
    (status failed), shown in the delivery log, and the administrators are told. Never raises for a transport
    failure, so the write that caused the message is never undone by it."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    try:
        provider, reference = channels.send(delivery)
    except Exception as error:  # any transport failure: record, retry, park
        return _record_failure(delivery, error)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        provider=provider,
        provider_reference=reference[:100],
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    return DeliveryStatus.SENT


@transaction.atomic
def _record_failure(delivery: Delivery, error: Exception) -> str:
    message = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, message)
    delivery.last_error = message
    if delivery.attempts >= conf("MAX_ATTEMPTS"):
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
        _tell_administrators(delivery)
        return DeliveryStatus.FAILED
    delivery.status = DeliveryStatus.RETRYING
    delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
    delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
    _enqueue_delivery(delivery, run_after=delivery.next_attempt_at)
    return DeliveryStatus.RETRYING


def _tell_administrators(delivery: Delivery) -> None:
    """One notification a day however many messages are parked (a relay down all day parks hundreds)."""
    if delivery.event == Event.DELIVERY_FAILED:
        return  # never a loop of failures about failures
    admins = get_user_model().objects.filter(is_active=True, groups__name=roles.ADMINISTRATOR).distinct()
    notify(
        event=Event.DELIVERY_FAILED,
        users=admins,
        message="Messages could not be delivered after their last retry. They are parked in the delivery log.",
        url="/notifications/deliveries/?status=failed",
        digest_only=True,
        dedupe_key=f"parked:{timezone.localdate()}",
    )


@transaction.atomic
def retry_delivery(*, delivery: Delivery, by: User) -> Delivery:
    """An administrator sends a parked (or retrying) message again now."""
    access.require(by, "notifications.change_delivery", "Only an administrator can resend messages.", error=NotAllowed)
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status not in (DeliveryStatus.FAILED, DeliveryStatus.RETRYING):
        raise InvalidTransition("Only a failed message can be sent again.")
    locked.status = DeliveryStatus.QUEUED
    locked.attempts = 0
    locked.next_attempt_at = None
    locked.save(update_fields=["status", "attempts", "next_attempt_at"])
    _enqueue_delivery(locked)
    return locked


def requeue_stale(*, now=None) -> int:
    """A worker killed mid-send leaves a delivery 'sending' or 'queued' with its job lost: queue it again.
    (At least once: a message sent just before the crash may go twice; one never goes missing.)"""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=conf("STALE_AFTER_MINUTES"))
    stale = Delivery.objects.filter(status__in=[DeliveryStatus.SENDING, DeliveryStatus.QUEUED], created_at__lt=cutoff)
    stale = stale.exclude(last_attempt_at__gte=cutoff)
    count = 0
    with transaction.atomic():
        for delivery in stale.select_for_update(skip_locked=True)[:500]:
            delivery.status = DeliveryStatus.QUEUED
            delivery.save(update_fields=["status"])
            _enqueue_delivery(delivery)
            count += 1
    return count


# --- The reader's side -------------------------------------------------------------------------------------


@transaction.atomic
def mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when no ids are given)."""
    mine = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        mine = mine.filter(pk__in=list(notification_ids))
    return mine.update(read_at=timezone.now())


@transaction.atomic
def set_preferences(*, user, email_frequency: str, mobile_number: str = "") -> NotificationPreference:
    if email_frequency not in EmailFrequency.values:
        raise ValueError("Unknown frequency")
    pref, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_frequency": email_frequency, "mobile_number": mobile_number.strip()}
    )
    return pref


def _s(count: int) -> str:
    return "" if count == 1 else "s"


# --- Daily digest ------------------------------------------------------------------------------------------


@transaction.atomic
def send_digests(*, today: date | None = None) -> int:
    """One email per user with notifications waiting for the digest; each listed message is already free of
    case details. Returns how many digests were queued."""
    today = today or timezone.localdate()
    pending = (
        Notification.objects.select_for_update()
        .filter(digest_pending=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id", "created_at")
    )
    by_user: dict[int, list[Notification]] = defaultdict(list)
    users = {}
    for notification in pending:
        by_user[notification.user_id].append(notification)
        users[notification.user_id] = notification.user
    deliveries = []
    for user_id, items in by_user.items():
        lines = "\n".join(f"- {n.message}" for n in items[:30])
        more = f"\n… and {len(items) - 30} more." if len(items) > 30 else ""
        deliveries.append(
            Delivery(
                event=Event.DIGEST,
                channel=Channel.EMAIL,
                user=users[user_id],
                recipient=users[user_id].email,
                subject=f"Safer Communities Casework: your daily summary for {govuk_date(today)}",
                body=_email_body(f"You have {len(items)} new notification{_s(len(items))}:\n{lines}{more}"),
            )
        )
    _queue(deliveries)
    Notification.objects.filter(pk__in=[n.pk for items in by_user.values() for n in items]).update(digest_pending=False)
    return len(deliveries)

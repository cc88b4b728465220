"""Background jobs (Django's Tasks API, django-tasks backport, database backend: decision 0012)."""

from datetime import date

from django_tasks import task

from . import services


@task()
def deliver(*, delivery_id: int) -> str:
    return services.deliver(delivery_id=delivery_id)


@task()
def daily_notifications(*, day: str) -> dict:
    """Reminders for what is due (actions, enforcement, MARAC, Case Reviews, retention), then the digests."""
    from casework.exports import expire_old

    from .reminders import create_reminders

    today = date.fromisoformat(day)
    created = create_reminders(today=today)
    digests = services.send_digests(today=today)
    return {"reminders": created, "digests": digests, "exports_expired": expire_old()}


@task()
def requeue_stale_deliveries() -> int:
    return services.requeue_stale()


@task()
def fan_out(*, name: str, **kwargs) -> None:
    """Notify everyone concerned by a meeting-wide event, away from the request that caused it."""
    from django.db import transaction

    from .events import DEFERRED

    with transaction.atomic():
        DEFERRED[name](**kwargs)

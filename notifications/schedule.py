"""Periodic jobs, timed by APScheduler's cron triggers and queued as ordinary tasks.

Every worker runs this scheduler; a ScheduledRun row per (job, slot), unique in the database and written in the
transaction that queues the task, makes each slot run once however many workers there are. A worker that starts
after today's daily time and finds no run for today queues it then (a restart never skips a day).
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun

logger = logging.getLogger(__name__)


def daily_at() -> time:
    hours, minutes = settings.NOTIFICATIONS["DAILY_AT"].split(":")
    return time(int(hours), int(minutes))


def enqueue_once(job: str, slot: str) -> bool:
    """Queue `job` for `slot` unless some worker already has. True when this call queued it."""
    from . import tasks

    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, slot=slot)
            if job == "daily_notifications":
                tasks.daily_notifications.enqueue(day=slot)
            elif job == "verify_audit":
                from audit.verification import queue_run

                queue_run(trigger="scheduled")
            elif job == "requeue_stale_deliveries":
                tasks.requeue_stale_deliveries.enqueue()
            else:
                raise ValueError(job)
    except IntegrityError:
        return False
    logger.info("Queued %s for %s", job, slot)
    return True


def run_daily(now: datetime | None = None) -> bool:
    now = timezone.localtime(now)
    queued = enqueue_once("daily_notifications", now.date().isoformat())
    enqueue_once("verify_audit", now.date().isoformat())  # the audit trail is verified daily; DPO told on failure
    return queued


def run_sweep(now: datetime | None = None) -> bool:
    now = timezone.localtime(now)
    slot = now.replace(minute=now.minute - now.minute % 5).strftime("%Y-%m-%dT%H:%M")
    return enqueue_once("requeue_stale_deliveries", slot)


def catch_up(now: datetime | None = None) -> bool:
    """After the daily time, with no run today yet (the worker was down at the time): run now."""
    now = timezone.localtime(now)
    if now.time() >= daily_at():
        return run_daily(now)
    return False


def start_scheduler():
    """A background thread in the worker process; returns the scheduler (call .shutdown() to stop)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    at = daily_at()
    scheduler = BackgroundScheduler(timezone=settings.TIME_ZONE)
    scheduler.add_job(
        _closing_connections(run_daily),
        CronTrigger(hour=at.hour, minute=at.minute, timezone=settings.TIME_ZONE),
        id="daily_notifications",
        misfire_grace_time=3600,
        coalesce=True,
    )
    scheduler.add_job(
        _closing_connections(run_sweep),
        IntervalTrigger(minutes=5),
        id="requeue_stale_deliveries",
        next_run_time=timezone.now() + timedelta(seconds=30),
        coalesce=True,
    )
    scheduler.start()
    _closing_connections(catch_up)()
    return scheduler


def _closing_connections(function):
    """Scheduler threads get their own database connection; close it after each run."""

    def run():
        from django.db import close_old_connections, connection

        close_old_connections()
        try:
            function()
        except Exception:
            logger.exception("Scheduled job %s failed to queue", function.__name__)
        finally:
            connection.close()

    run.__name__ = function.__name__
    return run

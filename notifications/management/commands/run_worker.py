"""The background worker: django-tasks-db's `db_worker` plus the periodic-job scheduler (notifications.schedule).

Run as many as you like (each job is claimed by one worker with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL);
each runs the scheduler, and each scheduled slot is still queued once.
"""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand


class Command(DBWorkerCommand):
    help = "Run background jobs (emails, reminders) and queue the periodic ones at their times"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--no-scheduler", action="store_false", dest="scheduler", help="Run jobs only.")

    def handle(self, *args, scheduler: bool = True, **options):
        reloading = options.get("reload") and not options.get("batch")
        # With the autoreloader, only the child process (the one that runs jobs) starts the scheduler.
        if scheduler and (not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            from notifications.schedule import start_scheduler

            start_scheduler()
        options.setdefault("queue_name", "default")
        return super().handle(*args, **options)

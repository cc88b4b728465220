"""Several workers on PostgreSQL: 500 queued emails, two `run_worker` processes, each email sent exactly once
(the workers claim jobs with SELECT ... FOR UPDATE SKIP LOCKED). PostgreSQL only: SQLite has one writer."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from notifications import services
from notifications.models import Delivery, DeliveryStatus, Event

ROOT = Path(__file__).resolve().parents[2]
JOBS = 500

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="several workers need PostgreSQL")


def worker_env(smtp_port: int) -> dict:
    db = connection.settings_dict
    url = (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "DEBUG": "1",
    }


@pytest.mark.django_db(transaction=True)
def test_two_workers_send_500_emails_each_exactly_once(smtp_server, settings):
    services._queue(
        [
            Delivery(event=Event.CASE_SHARED, recipient=f"box{n}@example.org", subject=f"Job {n}", body="x")
            for n in range(JOBS)
        ]
    )
    assert DBTaskResult.objects.filter(status="READY").count() == JOBS

    command = [sys.executable, "manage.py", "run_worker", "--batch", "--no-reload", "--no-scheduler"]
    command += ["--no-startup-delay", "--interval", "0", "-v0"]
    env = worker_env(settings.EMAIL_PORT)
    workers = [
        subprocess.Popen([*command, "--worker-id", f"w{i}"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for i in range(2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err.decode()[-2000:]

    sent = Counter(m["X-Casework-Delivery"] for m in smtp_server.wait_for(JOBS))
    assert len(sent) == JOBS and set(sent.values()) == {1}  # every job done, none twice
    assert Delivery.objects.filter(status=DeliveryStatus.SENT, attempts=1).count() == JOBS
    done_by = Counter(worker for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for worker in ids)
    assert set(done_by) == {"w0", "w1"} and sum(done_by.values()) == JOBS  # both worked, each job claimed once

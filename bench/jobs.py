"""Background jobs: worker throughput (jobs/s with 1 and 2 workers) and what notifications add to a share.

    createdb -h 127.0.0.1 -U postgres bench_jobs
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_jobs .venv/bin/python -m bench.jobs [--jobs 2000]

Runs on a scratch PostgreSQL database (migrated here; it refuses one that holds cases). Throughput: N emails
are queued (the delivery rows and their jobs), then `run_worker --batch` processes drain the queue, sending
through a real local SMTP server (aiosmtpd) and, separately, Django's dummy backend (the engine's own cost).
Share cost: `casework.services.share_case` timed with and without the notifications handler, to an agency of
5 caseworkers with a shared mailbox (5 notifications, 6 delivery rows, 6 jobs in the same transaction).
Figures are recorded in docs/performance.md (Background jobs).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Give DATABASE_URL a scratch PostgreSQL database (several workers need PostgreSQL)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    from casework.models import Case

    if Case.objects.exclude(title__startswith="Bench share").exists():
        sys.exit("Refusing to run on a database that holds real cases")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _queue(count: int) -> None:
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    from notifications import services
    from notifications.models import Delivery, Event

    Delivery.objects.all().delete()
    DBTaskResult.objects.all().delete()
    with transaction.atomic():
        services._queue(
            [
                Delivery(event=Event.CASE_SHARED, recipient=f"box{n}@example.org", subject=f"Job {n}", body="x")
                for n in range(count)
            ]
        )


def _drain(workers: int, env: dict) -> float:
    command = [sys.executable, "manage.py", "run_worker", "--batch", "--no-reload", "--no-scheduler"]
    command += ["--no-startup-delay", "--interval", "0", "-v0"]
    start = time.perf_counter()
    procs = [subprocess.Popen([*command, "--worker-id", f"bench{i}"], cwd=ROOT, env=env) for i in range(workers)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def throughput(count: int, backend: str) -> dict:
    from notifications.models import Delivery, DeliveryStatus

    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-only-" + "x" * 50}
    controller = None
    if backend == "smtp":
        from aiosmtpd.controller import Controller

        from tests.notifications.conftest import Inbox, free_port

        port = free_port()
        controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
        controller.start()
        env.update(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1")
        env["EMAIL_PORT"] = str(port)
    else:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    results = {}
    try:
        for workers in (1, 2):
            _queue(count)
            seconds = _drain(workers, env)
            sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
            assert sent == count, f"{sent} of {count} sent"
            results[workers] = round(count / seconds, 1)
            _say(f"{backend}: {workers} worker(s): {count} jobs in {seconds:.1f} s = {count / seconds:.0f} jobs/s")
    finally:
        if controller is not None:
            controller.stop()
    return results


def share_cost(rounds: int) -> dict:
    from django.contrib.auth import get_user_model

    from casework import extensions, roles, services
    from casework.models import AgencyKind, LegalBasis, Ward
    from notifications.events import handle
    from notifications.models import AgencyMailbox

    council = services.create_agency(name="Bench Council", short_name="bench-council", kind=AgencyKind.COUNCIL)
    housing = services.create_agency(name="Bench Housing", short_name="bench-housing", kind=AgencyKind.HOUSING)
    ward, _ = Ward.objects.get_or_create(name="Bench Ward", defaults={"code": "bench-ward"})
    AgencyMailbox.objects.get_or_create(agency=housing, defaults={"email": "team@housing.example"})
    users = get_user_model().objects
    officer, _ = users.get_or_create(username="bench-officer", defaults={"email": "officer@example.org"})
    services.add_member(user=officer, agency=council, roles=(roles.ENFORCEMENT_OFFICER,))
    for n in range(5):
        member, _ = users.get_or_create(username=f"bench-housing-{n}", defaults={"email": f"h{n}@example.org"})
        services.add_member(user=member, agency=housing, roles=(roles.PARTNER_CASEWORKER,))

    def timed(count: int) -> list[float]:
        times = []
        for n in range(count):
            case = services.create_case(
                by=officer, title=f"Bench share {n}", category="noise", description="x", ward=ward
            )
            start = time.perf_counter()
            services.share_case(case=case, agency=housing, legal_basis=LegalBasis.CDA_S115, purpose="Bench", by=officer)
            times.append((time.perf_counter() - start) * 1000)
        return times

    timed(10)  # warm up
    with_notifications = timed(rounds)
    extensions.EVENT_HANDLERS.remove(handle)
    try:
        without = timed(rounds)
    finally:
        extensions.register_event_handler(handle)
    result = {
        "share_ms_p50_without": round(statistics.median(without), 2),
        "share_ms_p50_with": round(statistics.median(with_notifications), 2),
        "share_ms_p95_without": round(statistics.quantiles(without, n=20)[18], 2),
        "share_ms_p95_with": round(statistics.quantiles(with_notifications, n=20)[18], 2),
    }
    _say(f"share_case: {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--shares", type=int, default=200)
    args = parser.parse_args()
    _setup()
    results = {
        "jobs": args.jobs,
        "dummy_backend_jobs_per_s": throughput(args.jobs, "dummy"),
        "smtp_jobs_per_s": throughput(args.jobs, "smtp"),
        **share_cost(args.shares),
    }
    print(results)


if __name__ == "__main__":
    main()

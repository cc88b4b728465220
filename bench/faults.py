"""Fault drill: restart PostgreSQL while gunicorn serves requests; measure errors, recovery, and lost writes.

    python -m bench.faults                     # scratch database, 8 clients, restart after 15 s, run 60 s
    python -m bench.faults --clients 12 --before 20 --after 60

gunicorn (sync workers, persistent connections with CONN_MAX_AGE and CONN_HEALTH_CHECKS, exactly as
configured in config/settings.py) serves a scratch database on 127.0.0.1. Signed-in clients read pages and
officers add notes through the real form (CSRF and idempotency key included), each note carrying a unique
marker. Mid-run the PostgreSQL cluster is restarted (`pg_ctlcluster --skip-systemctl-redirect <version>
main restart`, which ends every connection). Nothing else is touched: gunicorn is not restarted.

Reported: requests and errors before, during and after the restart; the outage as the clients saw it (first
to last failed request) and the recovery time (from PostgreSQL accepting connections again to the app's
first good answer); then the writes: every note the app confirmed is in the database exactly once, no
note is half-saved (each has its history row), and the audit hash chains verify. Results go to
var/bench/faults.json and docs/security.md. It restarts the machine's shared PostgreSQL for a few seconds.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.soak import (
    CASE_LINK,
    CSRF_FIELD,
    IDEMPOTENCY_FIELD,
    PASSWORD,
    RESULTS_DIR,
    ROOT,
    Browser,
    Gunicorn,
    Recorder,
    Sample,
    drop_database,
    percentiles,
    prepare_database,
)


def pg_version() -> str:
    versions = (
        sorted(Path("/etc/postgresql").iterdir(), key=lambda p: p.name) if Path("/etc/postgresql").exists() else []
    )
    if not versions:
        raise SystemExit("No PostgreSQL cluster found under /etc/postgresql")
    return versions[0].name


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


def restart_postgres(version: str) -> dict:
    """Restart the cluster (fast shutdown: every session is ended) and time how long until it accepts again."""
    started = time.monotonic()
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], capture_output=True, text=True
    )
    returned = time.monotonic()
    while not pg_ready():
        time.sleep(0.05)
    return {
        "command_rc": result.returncode,
        "command_output": (result.stdout + result.stderr).strip()[:500],
        "started": started,
        "command_returned": returned,
        "accepting": time.monotonic(),
    }


def client_loop(
    *,
    port: int,
    person: dict,
    ready: threading.Barrier,
    stop: threading.Event,
    recorder: Recorder,
    confirmed: list,
    seed: int,
):
    """A signed-in person reading cases and (officers) adding notes with unique markers, until told to stop.

    When the notes form cannot be fetched (the database is down), an officer still sends the note with the
    CSRF token from the last form, as someone pressing the button on a page already open would.
    """
    rnd = random.Random(seed)
    browser = Browser(port, timeout=15)
    signed_in = browser.sign_in(person["username"], PASSWORD)
    _, _, page = recorder.timed(browser, "case_list", "GET", "/cases/")
    references = CASE_LINK.findall(page)
    ready.wait(timeout=300)
    if not signed_in:
        return
    counter = 0
    last_csrf = ""
    while not stop.is_set():
        choice = rnd.random()
        if person["officer"] and references and choice < 0.5:
            reference = rnd.choice(references)
            url = f"/cases/{reference}/notes/"
            status, _, form = recorder.timed(browser, "notes_form", "GET", url)
            csrf, key = CSRF_FIELD.search(form), IDEMPOTENCY_FIELD.search(form)
            last_csrf = csrf.group(1) if csrf else last_csrf
            if last_csrf:
                counter += 1
                marker = f"fault-drill {seed}-{counter}"
                data = {"text": marker, "csrfmiddlewaretoken": last_csrf}
                if status == 200 and key:
                    data["idempotency_key"] = key.group(1)
                status, headers, _ = recorder.timed(browser, "add_note", "POST", url, data)
                with recorder.lock:
                    confirmed.append({"marker": marker, "confirmed": status == 302, "status": status})
        elif references and choice < 0.8:
            reference = rnd.choice(references)
            tab = rnd.choice(["", "notes/", "parties/"])
            recorder.timed(browser, "case_page", "GET", f"/cases/{reference}/{tab}")
        else:
            _, _, page = recorder.timed(browser, "case_list", "GET", "/cases/")
            references = CASE_LINK.findall(page) or references
        stop.wait(rnd.uniform(0.05, 0.25))


def check_writes(url: str, attempts: list[dict]) -> dict:
    """After the drill: confirmed notes are there once, none is half-saved, and the audit chains verify."""
    env = {**os.environ, "DATABASE_URL": url, "TESTING": "0"}
    script = (
        "import json, sys\n"
        "import bench; bench.setup_django()\n"
        "from casework.models import Note\n"
        "from audit.management.commands.verify_audit import Command\n"
        "rows = {}\n"
        "for note in Note.objects.filter(text__startswith='fault-drill '):\n"
        "    rows.setdefault(note.text, []).append(note.history.count())\n"
        "chains = {r.log: [r.ok, r.checked, r.problem] for r in Command.check_all()}\n"
        "print(json.dumps({'notes': rows, 'chains': chains}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    notes = found["notes"]
    confirmed = [a for a in attempts if a["confirmed"]]
    failed = [a for a in attempts if not a["confirmed"]]
    return {
        "note_posts": len(attempts),
        "confirmed": len(confirmed),
        "confirmed_missing": sum(1 for a in confirmed if a["marker"] not in notes),
        "confirmed_duplicated": sum(1 for a in confirmed if len(notes.get(a["marker"], [])) > 1),
        "failed_posts": len(failed),
        "failed_but_saved": sum(1 for a in failed if a["marker"] in notes),
        "half_saved": sum(1 for counts in notes.values() for n in counts if n != 1),
        "audit_chains": found["chains"],
    }


def run_drill(
    *, clients: int, officers: int, before: float, after: float, workers: int, database: str, keep: bool, log
) -> dict:
    version = pg_version()
    url, people = prepare_database(database, cases=60, officers=officers, partners=clients - officers, log=log)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    server = Gunicorn(url, workers=workers, log_path=RESULTS_DIR / "faults-gunicorn.log")
    recorder = Recorder()
    attempts: list[dict] = []
    stop = threading.Event()
    try:
        server.wait_ready()
        pids_before = server.worker_pids()
        log(f"gunicorn pid {server.process.pid} on 127.0.0.1:{server.port}, workers {pids_before}")
        ready = threading.Barrier(len(people) + 1)
        threads = [
            threading.Thread(
                target=client_loop,
                kwargs={
                    "port": server.port,
                    "person": p,
                    "ready": ready,
                    "stop": stop,
                    "recorder": recorder,
                    "confirmed": attempts,
                    "seed": n,
                },
                daemon=True,
            )
            for n, p in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        ready.wait(timeout=300)  # everyone signed in (password hashing is slow on purpose) before the clock starts
        log(f"{len(people)} clients signed in; {before:.0f} s of traffic before the restart")
        start = time.monotonic()
        time.sleep(before)
        log(f"restarting PostgreSQL {version} main")
        restart = restart_postgres(version)
        log(f"PostgreSQL accepting again after {restart['accepting'] - restart['started']:.2f} s")
        time.sleep(after)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        pids_after = server.worker_pids()
        end = time.monotonic()
    finally:
        stop.set()
        server.stop()
    writes = check_writes(url, attempts)
    if not keep:
        drop_database(database)
    return summarise(
        recorder.samples,
        restart,
        writes,
        start=start,
        end=end,
        clients=clients,
        officers=officers,
        workers=workers,
        pids_before=pids_before,
        pids_after=pids_after,
    )


def summarise(samples: list[Sample], restart: dict, writes: dict, **run) -> dict:
    t0 = restart["started"]
    samples = [s for s in samples if s.at >= run["start"]]  # the drill proper, after every client signed in

    def ended(sample: Sample) -> float:
        return sample.at + sample.ms / 1000

    failures = [s for s in samples if s.error]
    phase = {"before": [], "during": [], "after": []}
    last_failure = max((ended(s) for s in failures), default=None)
    for sample in samples:
        if ended(sample) < t0:
            phase["before"].append(sample)
        elif last_failure is not None and ended(sample) <= last_failure:
            phase["during"].append(sample)
        else:
            phase["after"].append(sample)
    first_ok_after = min(
        (s.at + s.ms / 1000 for s in samples if not s.error and s.at >= restart["accepting"]), default=None
    )
    first_failure = min((ended(s) for s in failures), default=None)
    kinds = {}
    for s in failures:
        key = s.error.split(" (")[0].split(":")[0] if s.status == 0 else f"HTTP {s.status}"
        kinds[key] = kinds.get(key, 0) + 1
    return {
        "run": {k: v for k, v in run.items() if k not in ("start", "end")}
        | {"seconds": round(run["end"] - run["start"], 1)},
        "postgres_restart": {
            "command_rc": restart["command_rc"],
            "restart_command_s": round(restart["command_returned"] - t0, 2),
            "until_accepting_s": round(restart["accepting"] - t0, 2),
        },
        "requests": {name: len(rows) for name, rows in phase.items()} | {"total": len(samples)},
        "errors": {name: sum(1 for s in rows if s.error) for name, rows in phase.items()} | {"total": len(failures)},
        "error_kinds": kinds,
        "error_samples": [s.error for s in failures[:10]],
        "outage_seen_by_clients_s": round(last_failure - first_failure, 2) if failures else 0.0,
        "recovery_after_postgres_back_s": round(first_ok_after - restart["accepting"], 2) if first_ok_after else None,
        "errors_after_recovery": sum(1 for s in failures if first_ok_after and s.at > first_ok_after),
        "latency_after": percentiles([s.ms for s in phase["after"]]),
        "gunicorn_workers_restarted": run["pids_before"] != run["pids_after"],
        "writes": writes,
    }


def markdown(result: dict) -> str:
    r, pg, w = result["run"], result["postgres_restart"], result["writes"]
    return "\n".join(
        [
            f"Fault drill: {r['clients']} clients ({r['officers']} writing notes), gunicorn {r['workers']} sync "
            f"workers on 127.0.0.1, {r['seconds']} s; PostgreSQL restarted mid-run.",
            "",
            f"- PostgreSQL: restart command {pg['restart_command_s']} s, accepting again after "
            f"{pg['until_accepting_s']} s",
            f"- requests: {result['requests']['total']} ({result['requests']['before']} before, "
            f"{result['requests']['during']} during the outage, {result['requests']['after']} after)",
            f"- errors: {result['errors']['total']} ({result['errors']['during']} inside the outage window; "
            f"{result['error_kinds']}); started after the first good answer: {result['errors_after_recovery']}",
            f"- outage as the clients saw it: {result['outage_seen_by_clients_s']} s; app answering again "
            f"{result['recovery_after_postgres_back_s']} s after PostgreSQL was back; gunicorn workers restarted: "
            f"{result['gunicorn_workers_restarted']}",
            f"- writes: {w['note_posts']} note posts, {w['confirmed']} confirmed, {w['confirmed_missing']} "
            f"confirmed-but-missing, {w['confirmed_duplicated']} duplicated, {w['failed_posts']} failed "
            f"({w['failed_but_saved']} of them saved anyway), {w['half_saved']} half-saved",
            f"- audit chains after the drill: {w['audit_chains']}",
        ]
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--officers", type=int, default=4)
    parser.add_argument("--before", type=float, default=15, help="seconds of traffic before the restart")
    parser.add_argument("--after", type=float, default=45, help="seconds of traffic after PostgreSQL is back")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--database", default="security_faults")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[faults] {message}", file=sys.stderr, flush=True)

    result = run_drill(
        clients=args.clients,
        officers=min(args.officers, args.clients),
        before=args.before,
        after=min(args.after, 300),
        workers=args.workers,
        database=args.database,
        keep=args.keep_database,
        log=log,
    )
    (RESULTS_DIR / "faults.json").write_text(json.dumps(result, indent=2, default=str))
    print(markdown(result))
    w = result["writes"]
    healthy = (
        result["errors_after_recovery"] == 0
        and not w["confirmed_missing"]
        and not w["confirmed_duplicated"]
        and not w["half_saved"]
        and all(ok for ok, _checked, _problem in w["audit_chains"].values())
    )
    sys.exit(0 if healthy else 1)


if __name__ == "__main__":
    main()

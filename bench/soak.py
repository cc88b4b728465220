"""Soak test: 50 simulated people using the service at once for up to 5 minutes, against gunicorn on 127.0.0.1.

    python -m bench.soak                      # scratch PostgreSQL database, 50 users, 300 s
    python -m bench.soak --users 20 --duration 60 --keep-database

Each simulated person signs in through the real sign-in page with a password, then works like a user:
My work, the case list and its filters, searches, a case and its tabs, and (officers) adds notes through the
real form, CSRF token and idempotency key included, pausing between pages as people do. The run is bounded
in time (--duration, at most 300 s) and in requests (--max-requests). Reported: requests, errors (any
answer that is not 2xx/3xx, or no answer), p50/p95/p99 overall and per kind of page, and the resident
memory of every gunicorn worker sampled through the run (stable = no worker grows steadily). Results go to
var/bench/soak.json and docs/security.md.

The helpers here (scratch database, gunicorn, a cookie-keeping HTTP client) are shared by bench/faults.py.
"""

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "var" / "bench"
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "Soak-test-password-2026"
MAX_DURATION = 300
_wsgi = None


def application(environ, start_response):
    """The project's WSGI app as gunicorn serves it here: DEBUG off for error handling, like production.

    DEBUG is switched off after settings load so static files are served from the source tree (no
    collectstatic into the work tree); everything else (sessions, CSRF, CSP, connections) is as deployed.
    """
    global _wsgi
    if _wsgi is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _wsgi = get_wsgi_application()
        settings.DEBUG = False
    return _wsgi(environ, start_response)


# --- Scratch database -------------------------------------------------------------------------------------


def recreate_database(name: str) -> str:
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"{SERVER}/{name}"


def drop_database(name: str) -> None:
    import psycopg2

    admin = psycopg2.connect(f"{SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "TESTING": "0"}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare_database(name: str, *, cases: int, officers: int, partners: int, log) -> tuple[str, list[dict]]:
    """Create, migrate and fill a scratch database; return its URL and the simulated users."""
    url = recreate_database(name)
    log(f"database {name}: migrate")
    manage(url, "migrate", "--noinput", "-v0")
    log(f"database {name}: casework demo borough with {cases} cases, {officers + partners} soak users")
    env = {**os.environ, "DATABASE_URL": url, "TESTING": "0"}
    script = (
        "import io, json\n"
        "from casework import demo\n"
        "from bench.soak import make_users\n"
        f"demo.load(cases={cases}, stdout=io.StringIO())\n"
        f"print(json.dumps(make_users(officers={officers}, partners={partners})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import bench; bench.setup_django()\n" + script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return url, json.loads(out.strip().splitlines()[-1])


def make_users(*, officers: int, partners: int) -> list[dict]:
    """Soak users with a real password: council officers (who write notes) and partner caseworkers (who read)."""
    from django.contrib.auth import get_user_model

    from casework import roles, services
    from casework.models import Agency

    User = get_user_model()
    council = Agency.objects.get(short_name="lbb-community-safety")
    partner_agencies = list(Agency.objects.filter(short_name__in=["barnet-homes", "met-police"]).order_by("pk"))
    people = []
    for n in range(officers + partners):
        is_officer = n < officers
        username = f"soak.{'officer' if is_officer else 'partner'}{n:02d}"
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": "Soak", "last_name": str(n)})
        user.set_password(PASSWORD)
        user.save()
        agency = council if is_officer else partner_agencies[n % len(partner_agencies)]
        role = roles.ENFORCEMENT_OFFICER if is_officer else roles.PARTNER_CASEWORKER
        services.add_member(user=user, agency=agency, roles=(role,))
        people.append({"username": username, "officer": is_officer})
    return people


# --- gunicorn ---------------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """gunicorn on 127.0.0.1 only, serving `bench.soak:application` against the given database."""

    def __init__(self, url: str, *, workers: int, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        env = {**os.environ, "DATABASE_URL": url, "TESTING": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        env.pop("DEBUG", None)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "bench.soak:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
                "--error-logfile",
                str(log_path),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                status, _, _ = Browser(self.port).get("/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer within {timeout:.0f} s (see {self.log_path})")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return sorted(int(pid) for pid in children.read_text().split())
        except OSError:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used: the app's cost, whatever else the machine is running."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


# --- A browser-like HTTP client ---------------------------------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_FIELD = re.compile(r'name="idempotency_key" value="([0-9a-f]{32})"')
CASE_LINK = re.compile(r'href="/cases/([A-Z]+-\d{4}-\d{5})/"')


class Browser:
    """Keeps cookies (Secure ones too: this is plain HTTP on loopback) and one keep-alive connection."""

    def __init__(self, port: int, timeout: float = 30):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self.conn

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "bench.soak"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        try:
            conn = self._connection()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException):
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, dict(response.getheaders()), content

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> bool:
        _, _, page = self.get("/accounts/login/")
        token = CSRF_FIELD.search(page)
        status, headers, _ = self.post(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1) if token else ""},
        )
        return status == 302


# --- The soak ---------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    at: float
    ms: float
    status: int  # 0: no answer (connection refused, reset, timeout)
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, browser: Browser, kind: str, method: str, path: str, data: dict | None = None):
        started = time.monotonic()
        try:
            status, headers, body = browser.request(method, path, data)
            error = "" if status < 400 else f"HTTP {status} {path}"
        except (OSError, http.client.HTTPException) as exc:
            status, headers, body, error = 0, {}, "", f"{type(exc).__name__}: {exc} ({path})"
        elapsed = (time.monotonic() - started) * 1000
        with self.lock:
            self.samples.append(Sample(kind, started, elapsed, status, error))
        return status, headers, body


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    if len(values) == 1:
        return {"p50_ms": values[0], "p95_ms": values[0], "p99_ms": values[0], "max_ms": values[0]}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(max(values), 1),
    }


def simulated_user(
    *, port: int, person: dict, deadline: float, recorder: Recorder, budget: list, think: tuple, seed: int
):
    """One person's session: sign in, then browse and (officers) write until the deadline."""
    rnd = random.Random(seed)
    browser = Browser(port)
    started = time.monotonic()
    ok = browser.sign_in(person["username"], PASSWORD)
    with recorder.lock:
        recorder.samples.append(
            Sample("sign_in", started, (time.monotonic() - started) * 1000, 302 if ok else 200, "" if ok else "sign-in")
        )
    if not ok:
        return
    references: list[str] = []
    while time.monotonic() < deadline:
        with recorder.lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        choice = rnd.random()
        if choice < 0.15:
            recorder.timed(browser, "my_work", "GET", "/")
        elif choice < 0.40:
            page = rnd.randint(1, 3)
            _, _, body = recorder.timed(browser, "case_list", "GET", f"/cases/?page={page}")
            references = CASE_LINK.findall(body) or references
        elif choice < 0.50:
            status = rnd.choice(["open", "investigating", "monitoring"])
            recorder.timed(browser, "case_list_filtered", "GET", f"/cases/?status={status}&sort=-opened")
        elif choice < 0.58:
            term = rnd.choice(["noise", "Burnt Oak", "High Street", "NW", "ASB-20"])
            recorder.timed(browser, "search", "GET", "/cases/?" + urllib.parse.urlencode({"q": term}))
        elif choice < 0.85 and references:
            reference = rnd.choice(references)
            tab = rnd.choice(["", "parties/", "incidents/", "actions/", "notes/", "timeline/", "sharing/"])
            recorder.timed(browser, "case_page", "GET", f"/cases/{reference}/{tab}")
        elif person["officer"] and references:
            reference = rnd.choice(references)
            url = f"/cases/{reference}/notes/"
            status, _, form = recorder.timed(browser, "notes_form", "GET", url)
            csrf, key = CSRF_FIELD.search(form), IDEMPOTENCY_FIELD.search(form)
            if status == 200 and csrf and key:
                data = {"text": f"Soak note {seed}-{rnd.random():.6f}", "csrfmiddlewaretoken": csrf.group(1)}
                recorder.timed(browser, "add_note", "POST", url, {**data, "idempotency_key": key.group(1)})
        else:
            recorder.timed(browser, "healthz", "GET", "/healthz")
        time.sleep(rnd.uniform(*think))


def run_soak(
    *,
    users: int,
    officers: int,
    duration: float,
    max_requests: int,
    workers: int,
    cases: int,
    think: tuple,
    database: str,
    keep: bool,
    log,
) -> dict:
    duration = min(duration, MAX_DURATION)
    partners = users - officers
    url, people = prepare_database(database, cases=cases, officers=officers, partners=partners, log=log)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    server = Gunicorn(url, workers=workers, log_path=RESULTS_DIR / "soak-gunicorn.log")
    recorder = Recorder()
    memory: list[dict] = []
    try:
        server.wait_ready()
        pids = server.worker_pids()
        log(f"gunicorn pid {server.process.pid} on 127.0.0.1:{server.port}, workers {pids}")
        load_before = os.getloadavg()
        cpu_before = {pid: cpu_seconds(pid) or 0.0 for pid in pids}
        start = time.monotonic()
        deadline = start + duration
        budget = [max_requests]
        threads = [
            threading.Thread(
                target=simulated_user,
                kwargs={
                    "port": server.port,
                    "person": person,
                    "deadline": deadline,
                    "recorder": recorder,
                    "budget": budget,
                    "think": think,
                    "seed": n,
                },
                daemon=True,
            )
            for n, person in enumerate(people)
        ]
        for thread in threads:
            thread.start()
            time.sleep(0.05)  # people arrive over a couple of seconds, not in one instant
        next_sample = start
        while any(t.is_alive() for t in threads) and time.monotonic() < deadline + 60:
            if time.monotonic() >= next_sample:
                rss = {pid: rss_kib(pid) for pid in server.worker_pids()}
                memory.append({"t": round(time.monotonic() - start, 1), "rss_kib": rss})
                next_sample += 10
            time.sleep(0.5)
        elapsed = time.monotonic() - start
        memory.append({"t": round(elapsed, 1), "rss_kib": {p: rss_kib(p) for p in server.worker_pids()}})
        workers_after = server.worker_pids()
        cpu_used = sum((cpu_seconds(pid) or 0.0) - cpu_before.get(pid, 0.0) for pid in workers_after)
        load_after = os.getloadavg()
    finally:
        server.stop()
        if not keep:
            drop_database(database)
    return report(
        recorder,
        memory,
        elapsed=elapsed,
        users=users,
        officers=officers,
        workers=workers,
        duration=duration,
        pids_before=pids,
        pids_after=workers_after,
        think=think,
        worker_cpu_s=round(cpu_used, 1),
        load_average=[round(load_before[0], 2), round(load_after[0], 2)],
    )


def report(recorder: Recorder, memory: list[dict], **run) -> dict:
    samples = recorder.samples
    by_kind: dict[str, list[Sample]] = {}
    for sample in samples:
        by_kind.setdefault(sample.kind, []).append(sample)
    errors = [s for s in samples if s.error]
    # Memory is compared from the first sample after warm-up: everyone signed in, then 30 s more, so every
    # worker has loaded its code and templates and filled its caches.
    signed_in = [s.at + s.ms / 1000 for s in samples if s.kind == "sign_in"]
    start = min((s.at for s in samples), default=0.0)
    warm = min((max(signed_in, default=start) - start) + 30, run["elapsed"] / 2)
    first, last = next((m for m in memory if m["t"] >= warm), memory[0]), memory[-1]
    growth = {}
    for pid, end in last["rss_kib"].items():
        begin = first["rss_kib"].get(pid)
        if begin and end:
            growth[pid] = {
                "start_mib": round(begin / 1024, 1),
                "end_mib": round(end / 1024, 1),
                "growth_pct": round(100 * (end - begin) / begin, 1),
            }
    return {
        "run": {**run, "elapsed_s": round(run["elapsed"], 1)},
        "requests": len(samples),
        "requests_per_s": round(len(samples) / run["elapsed"], 1),
        # CPU the workers spent per request: the cost of a request independent of the machine's other load.
        "worker_cpu_ms_per_request": round(1000 * run["worker_cpu_s"] / max(len(samples), 1), 1),
        "errors": len(errors),
        "error_samples": [s.error for s in errors[:20]],
        "overall": percentiles([s.ms for s in samples]),
        "by_kind": {k: {"n": len(v), **percentiles([s.ms for s in v])} for k, v in sorted(by_kind.items())},
        "memory_from_s": warm,
        "memory": {
            "per_worker": growth,
            "samples": memory,
            "workers_restarted": run["pids_before"] != run["pids_after"],
        },
    }


def markdown(result: dict) -> str:
    run = result["run"]
    lines = [
        f"Soak: {run['users']} simulated users ({run['officers']} officers writing notes) for "
        f"{run['elapsed_s']} s against gunicorn ({run['workers']} sync workers) on 127.0.0.1, think time "
        f"{run['think'][0]}–{run['think'][1]} s.",
        "",
        f"- requests: {result['requests']} ({result['requests_per_s']}/s), errors: {result['errors']}",
        f"- gunicorn workers' CPU: {run['worker_cpu_s']} s in all, {result['worker_cpu_ms_per_request']} ms per "
        f"request; machine load average {run['load_average'][0]} at the start, {run['load_average'][1]} at the end "
        f"({os.cpu_count()} cores)",
        f"- latency overall: p50 {result['overall']['p50_ms']} ms, p95 {result['overall']['p95_ms']} ms, "
        f"p99 {result['overall']['p99_ms']} ms",
        "",
        "| page | n | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind, row in result["by_kind"].items():
        lines.append(f"| {kind} | {row['n']} | {row.get('p50_ms')} | {row.get('p95_ms')} | {row.get('p99_ms')} |")
    lines += ["", "| gunicorn worker | RSS at start (MiB) | RSS at end (MiB) | growth |"]
    lines += ["| --- | ---: | ---: | ---: |"]
    for pid, row in result["memory"]["per_worker"].items():
        lines.append(f"| {pid} | {row['start_mib']} | {row['end_mib']} | {row['growth_pct']} % |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--officers", type=int, default=20, help="of the users, how many are officers who write")
    parser.add_argument("--duration", type=float, default=300, help=f"seconds, at most {MAX_DURATION}")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--cases", type=int, default=300, help="demo cases in the scratch database")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"))
    parser.add_argument("--database", default="security_soak")
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[soak] {message}", file=sys.stderr, flush=True)

    result = run_soak(
        users=args.users,
        officers=min(args.officers, args.users),
        duration=args.duration,
        max_requests=args.max_requests,
        workers=args.workers,
        cases=args.cases,
        think=tuple(args.think),
        database=args.database,
        keep=args.keep_database,
        log=log,
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "soak.json").write_text(json.dumps(result, indent=2, default=str))
    print(markdown(result))
    if result["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()

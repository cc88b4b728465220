"""Load test: a mix of partner reads and officer writes against gunicorn on 127.0.0.1, driven by wrk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_100k python -m bench.load --duration 60

Signs users in by creating real sessions (no password round trip), writes a wrk Lua script that cycles
through their requests (case list pages and filters, case detail, My work, and officers adding notes
through the real form with a CSRF token), starts gunicorn on 127.0.0.1 only, warms every worker (each worker
process serves every kind of request in the mix before measuring starts: a cold worker's first requests import
code, compile URL patterns and templates and open its database connection, which made the first run's p99 3.8 s),
runs wrk for a bounded time and number of requests, stops gunicorn, and reports requests/s, p50/p95/p99, every
error and the machine's load average before and after. Needs the `wrk` binary (Debian: `apt-get install wrk`).
"""

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
_wsgi = None


#: The response header naming the gunicorn worker process that answered (the warm-up counts them).
WORKER_HEADER = "X-Bench-Worker"


def _django_app():
    """The project's WSGI app as gunicorn serves it for the load test (DEBUG off, like production), built once."""
    global _wsgi
    if _wsgi is None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _wsgi = get_wsgi_application()
        settings.DEBUG = False
    return _wsgi


def application(environ, start_response):
    """The project's app, built at a worker's first request; each response names the worker process that
    answered, so the warm-up knows when every worker has served every kind of page."""
    worker = (WORKER_HEADER, str(os.getpid()))

    def start_naming_worker(status, headers, exc_info=None):
        return start_response(status, [*headers, worker], exc_info)

    return _django_app()(environ, start_naming_worker)


def __getattr__(name: str):
    """`bench.load:preloaded_application` (gunicorn --preload): the same app, built when gunicorn's master
    imports it, before it forks the workers (as `config.wsgi:application` is with --preload)."""
    if name == "preloaded_application":
        _django_app()
        return application
    raise AttributeError(name)


def kind_of(request: dict) -> str:
    """The kind of page a request of the mix asks for (the warm-up has every worker serve each kind)."""
    from django.urls import resolve

    path, _, query = request["path"].partition("?")
    name = resolve(path).url_name or path
    if request["method"] == "POST":
        return f"{name} (POST)"
    if name == "case_list":
        for marker, kind in (("page=last", "last"), ("cursor=", "next"), ("status=", "filtered")):
            if marker in query:
                return f"case_list ({kind})"
        return "case_list (first)"
    return name


def _worker_pids(master: int) -> set[int]:
    """gunicorn's worker processes: the master's children (Linux /proc)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


def _send(base_url: str, request: dict) -> tuple[int, int | None]:
    """One request of the mix as wrk sends it (no redirects followed); returns (status, worker pid)."""
    headers = {"Cookie": request["cookie"], "Host": "127.0.0.1"}
    data = None
    if request.get("csrf"):
        headers |= {"X-CSRFToken": request["csrf"], "Content-Type": "application/x-www-form-urlencoded"}
        data = request["body"].encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    call = urllib.request.Request(base_url + request["path"], data=data, headers=headers, method=request["method"])
    try:
        with opener.open(call, timeout=60) as response:
            status, worker = response.status, response.headers.get(WORKER_HEADER)
            response.read()
    except urllib.error.HTTPError as answer:  # a 302 after a note, or an error the warm-up reports
        status, worker = answer.code, answer.headers.get(WORKER_HEADER)
    return status, int(worker) if worker else None


def warm_workers(*, base_url: str, master: int, workers: int, mix: list[dict], timeout: float, stdout) -> dict:
    """Send the mix's requests, kind by kind, until every worker process has served every kind of request (so no
    measured request pays for a cold worker); fails if that takes longer than `timeout` seconds or any answer is
    an error. Concurrency is twice the workers, so a busy worker leaves the next request to an idle one."""
    by_kind: dict[str, list[dict]] = {}
    for request in mix:
        by_kind.setdefault(kind_of(request), []).append(request)
    deadline = time.monotonic() + timeout
    pids = _worker_pids(master)
    while len(pids) < workers and time.monotonic() < deadline:
        time.sleep(0.2)
        pids = _worker_pids(master)
    served: dict[str, set[int]] = {kind: set() for kind in by_kind}
    sent = 0
    rnd = random.Random(0)
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        while True:
            cold = [kind for kind in by_kind if not pids <= served[kind]]
            if not cold:
                break
            if time.monotonic() > deadline:
                missing = {kind: sorted(pids - served[kind]) for kind in cold}
                raise SystemExit(
                    f"warm-up: after {timeout:.0f} s these kinds were not served by these workers: {missing}"
                )
            batch = [rnd.choice(by_kind[kind]) for kind in cold for _ in range(2 * workers)]
            for request, (status, worker) in zip(batch, pool.map(lambda r: _send(base_url, r), batch), strict=True):
                if status >= 400:
                    raise SystemExit(f"warm-up: {request['method']} {request['path']} answered {status}")
                if worker is not None:
                    served[kind_of(request)].add(worker)
            sent += len(batch)
    stdout.write(f"warm-up: {len(pids)} workers each served all {len(by_kind)} kinds of request ({sent} requests)\n")
    return {"workers": sorted(pids), "kinds": sorted(by_kind), "requests": sent}


#: The gunicorn workers' PostgreSQL connections say who they are (libpq reads PGAPPNAME), so the CPU they use
#: is told apart from other clients of the same server.
APP_NAME = "bench-load"


def _cpu_seconds(pid: int) -> float | None:
    """A process's user + system CPU seconds so far (Linux /proc), or None once it has exited."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pg_backends() -> set[int]:
    """The server processes of the gunicorn workers' database connections (PostgreSQL on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP_NAME])
        pids = {row[0] for row in cursor.fetchall()}
    connection.close()
    return pids


def cpu_snapshot(master: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of every gunicorn worker and of every PostgreSQL backend serving them."""
    snapshot: dict[str, dict[int, float]] = {"app": {}, "database": {}}
    for kind, pids in (("app", _worker_pids(master)), ("database", _pg_backends())):
        for pid in pids:
            seconds = _cpu_seconds(pid)
            if seconds is not None:
                snapshot[kind][pid] = seconds
    return snapshot


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each side used between two snapshots (a process started in between counts from zero; one
    that ended in between, such as a worker recycled by --max-requests, is missed: a lower bound then)."""
    return {
        kind: round(sum(seconds - before[kind].get(pid, 0.0) for pid, seconds in after[kind].items()), 2)
        for kind in after
    }


def load_average() -> list[float]:
    """The machine's 1, 5 and 15 minute load averages (os.getloadavg), rounded."""
    return [round(x, 2) for x in os.getloadavg()]


def _session_for(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.CaseworkModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def build_requests(*, partners: int, officers: int, write_share: float, seed: int) -> list[dict]:
    """The request mix: each entry is one HTTP request wrk may send (method, path, cookie, body)."""
    from django.contrib.auth import get_user_model
    from django.middleware.csrf import _get_new_csrf_string
    from django.urls import reverse

    from bench.generate import COUNCIL
    from casework import access
    from casework.filters import NEWEST_FIRST
    from casework.models import Ward
    from common import keyset

    rnd = random.Random(seed)
    User = get_user_model()
    partner_users = list(
        User.objects.filter(
            username__startswith="bench.", membership__agency__short_name__in=["barnet-homes", "met-police"]
        ).order_by("username")[:partners]
    )
    officer_users = list(
        User.objects.filter(username__startswith="bench.", membership__agency__short_name=COUNCIL).order_by("username")[
            :officers
        ]
    )
    wards = list(Ward.objects.values_list("pk", flat=True))
    reads, writes = [], []
    for user in partner_users:
        csrf = _get_new_csrf_string()
        cookie = f"sessionid={_session_for(user)}; csrftoken={csrf}"
        visible = access.visible_cases(user)
        refs = list(visible.order_by("-opened_at", "-id").values_list("reference", flat=True)[:200])
        rows = visible.count()
        case_list = reverse("casework:case_list")
        reads.append({"method": "GET", "path": case_list, "cookie": cookie})
        reads.append({"method": "GET", "path": f"{case_list}?page=last", "cookie": cookie})
        for _ in range(3):
            # the Next link a user would follow from a random row: a keyset cursor, as the screen makes it
            edge = visible.order_by(*NEWEST_FIRST)[rnd.randrange(rows)] if rows else None
            cursor = keyset.encode([keyset.value_of(edge, n.lstrip("-")) for n in NEWEST_FIRST], False) if edge else ""
            reads.append({"method": "GET", "path": f"{case_list}?cursor={cursor}", "cookie": cookie})
            filters = f"status=open&status=investigating&ward={rnd.choice(wards)}"
            reads.append({"method": "GET", "path": f"{case_list}?{filters}", "cookie": cookie})
        for ref in rnd.sample(refs, min(8, len(refs))):
            reads.append({"method": "GET", "path": reverse("casework:case_detail", args=[ref]), "cookie": cookie})
        reads.append({"method": "GET", "path": reverse("home"), "cookie": cookie})
    for user in officer_users:
        csrf = _get_new_csrf_string()
        cookie = f"sessionid={_session_for(user)}; csrftoken={csrf}"
        refs = list(
            access.changeable_cases(user)
            .filter(officer=user)
            .exclude(status="closed")
            .values_list("reference", flat=True)[:50]
        )
        for ref in refs[:10]:
            writes.append(
                {
                    "method": "POST",
                    "path": reverse("casework:case_notes", args=[ref]),
                    "cookie": cookie,
                    "csrf": csrf,
                    "body": "text=Load+test+note%3A+visited+the+address.",
                }
            )
            reads.append({"method": "GET", "path": reverse("casework:case_detail", args=[ref]), "cookie": cookie})
        reads.append({"method": "GET", "path": reverse("home"), "cookie": cookie})
    if not reads or (write_share and not writes):
        raise SystemExit("No bench users or cases found: run bench.generate on this database first")
    # Repeat writes so they make up write_share of the list wrk draws from.
    target_writes = int(len(reads) * write_share / (1 - write_share)) if write_share else 0
    mix = reads + [writes[i % len(writes)] for i in range(target_writes)]
    rnd.shuffle(mix)
    return mix


LUA = r"""
local requests = {}
local max_requests = %(max_requests)d
local counter = 0
local statuses = {}

init = function(args)
  local raw = {%(entries)s}
  for i, r in ipairs(raw) do
    local headers = {["Cookie"] = r.cookie, ["Host"] = "127.0.0.1"}
    if r.csrf then
      headers["X-CSRFToken"] = r.csrf
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    requests[i] = wrk.format(r.method, r.path, headers, r.body)
  end
  math.randomseed(%(seed)d + (args[1] and tonumber(args[1]) or 0))
end

request = function()
  return requests[math.random(#requests)]
end

response = function(status, headers, body)
  counter = counter + 1
  statuses[status] = (statuses[status] or 0) + 1
  if counter >= max_requests then wrk.thread:stop() end
end

done = function(summary, latency, requests)
  local out = {
    requests = summary.requests, duration_us = summary.duration, bytes = summary.bytes,
    connect_errors = summary.errors.connect, read_errors = summary.errors.read,
    write_errors = summary.errors.write, status_errors = summary.errors.status,
    timeout_errors = summary.errors.timeout,
    p50_ms = latency:percentile(50) / 1000, p90_ms = latency:percentile(90) / 1000,
    p95_ms = latency:percentile(95) / 1000, p99_ms = latency:percentile(99) / 1000,
    max_ms = latency.max / 1000, mean_ms = latency.mean / 1000,
  }
  local parts = {}
  for k, v in pairs(out) do parts[#parts + 1] = string.format('"%%s": %%s', k, v) end
  io.write("WRK-JSON {" .. table.concat(parts, ", ") .. "}\n")
end
"""


def _lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_script(mix: list[dict], *, max_requests: int, seed: int, path: Path) -> None:
    entries = []
    for r in mix:
        fields = [
            f"method = {_lua_string(r['method'])}",
            f"path = {_lua_string(r['path'])}",
            f"cookie = {_lua_string(r['cookie'])}",
        ]
        if r.get("csrf"):
            fields += [f"csrf = {_lua_string(r['csrf'])}", f"body = {_lua_string(r['body'])}"]
        entries.append("{" + ", ".join(fields) + "}")
    path.write_text(LUA % {"entries": ",\n".join(entries), "max_requests": max_requests, "seed": seed})


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def gunicorn_command(
    *,
    port: int,
    workers: int,
    error_log: Path,
    worker_class: str = "sync",
    worker_threads: int = 1,
    recycle_after: int = 0,
    preload: bool = False,
) -> list[str]:
    """gunicorn on 127.0.0.1 as docs/operations.md runs it (its --timeout 60; the 30 s default killed cold
    workers mid-import on a loaded machine), with the setup being compared: worker class and threads,
    recycling after `recycle_after` requests (--max-requests, jitter a tenth), and --preload."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "bench.load:preloaded_application" if preload else "bench.load:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(worker_threads),
        "--timeout",
        "60",
        "--error-logfile",
        str(error_log),
        "--log-level",
        "warning",
    ]
    if recycle_after:
        command += ["--max-requests", str(recycle_after), "--max-requests-jitter", str(recycle_after // 10)]
    if preload:
        command.append("--preload")
    return command


def run_load(
    *,
    duration: int,
    connections: int,
    threads: int,
    workers: int,
    port: int,
    max_requests: int,
    worker_class: str = "sync",
    worker_threads: int = 1,
    recycle_after: int = 0,
    preload: bool = False,
    write_share: float,
    seed: int,
    stdout,
    warm_timeout: float = 120,
) -> dict:
    from django.db import connection

    from audit.models import AccessLog
    from casework.models import Note

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    mix = build_requests(partners=12, officers=12, write_share=write_share, seed=seed)
    load_before = load_average()
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    script = workdir / "mix.lua"
    # wrk's per-thread cap: the total is bounded by max_requests.
    write_script(mix, max_requests=max(1, max_requests // threads), seed=seed, path=script)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "PGAPPNAME": APP_NAME}
    error_log = workdir / "gunicorn-errors.log"
    gunicorn = subprocess.Popen(
        gunicorn_command(
            port=port,
            workers=workers,
            error_log=error_log,
            worker_class=worker_class,
            worker_threads=worker_threads,
            recycle_after=recycle_after,
            preload=preload,
        ),
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        warm = warm_workers(
            base_url=f"http://127.0.0.1:{port}",
            master=gunicorn.pid,
            workers=workers,
            mix=mix,
            timeout=warm_timeout,
            stdout=stdout,
        )
        connection.close()
        notes_before, reads_logged_before = Note.objects.count(), AccessLog.objects.count()
        load_at_start = load_average()
        cpu_before = cpu_snapshot(gunicorn.pid)
        stdout.write(
            f"gunicorn pid {gunicorn.pid}, {workers} {worker_class} workers x {worker_threads} threads"
            f"{f', recycled after {recycle_after} requests' if recycle_after else ''}{', preloaded' if preload else ''}"
            f"; wrk {threads} threads, {connections} "
            f"connections, {duration} s or {max_requests:,} requests\n"
        )
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=duration + 120,
            check=False,
        )
        load_after = load_average()
        cpu = cpu_used(cpu_before, cpu_snapshot(gunicorn.pid))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        try:
            gunicorn.wait(timeout=30)
        except subprocess.TimeoutExpired:
            gunicorn.kill()
    line = next((x for x in completed.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed:\n{completed.stdout}\n{completed.stderr}")
    result = json.loads(line[len("WRK-JSON ") :])
    seconds = result["duration_us"] / 1e6
    connection.close()
    notes_written = Note.objects.count() - notes_before
    errors = sum(
        result[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeout_errors")
    )
    report = {
        "database": connection.settings_dict["NAME"],
        "workers": workers,
        "worker_class": worker_class,
        "worker_threads": worker_threads,
        "recycle_after": recycle_after,
        "preload": preload,
        "threads": threads,
        "connections": connections,
        "requests": result["requests"],
        "seconds": round(seconds, 1),
        "requests_per_second": round(result["requests"] / seconds, 1),
        "p50_ms": round(result["p50_ms"], 1),
        "p90_ms": round(result["p90_ms"], 1),
        "p95_ms": round(result["p95_ms"], 1),
        "p99_ms": round(result["p99_ms"], 1),
        "max_ms": round(result["max_ms"], 1),
        # CPU per request measured on the processes themselves, so less noisy than requests/s on a shared machine
        "app_cpu_ms_per_request": round(cpu["app"] * 1000 / max(1, result["requests"]), 1),
        "database_cpu_ms_per_request": round(cpu["database"] * 1000 / max(1, result["requests"]), 1),
        "errors": errors,
        "error_detail": {k: result[k] for k in result if k.endswith("_errors")},
        "write_share_planned": write_share,
        "notes_written": notes_written,
        "access_log_rows_written": AccessLog.objects.count() - reads_logged_before,
        "server_errors_logged": error_log.read_text().count("Traceback") if error_log.exists() else 0,
        "warm_up": warm,
        "load_average_before": load_before,
        "load_average_at_start": load_at_start,
        "load_average_after": load_after,
        "wrk_output": completed.stdout,
    }
    return report


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--worker-class", default="sync", help="gunicorn --worker-class (sync, gthread)")
    parser.add_argument("--worker-threads", type=int, default=1, help="gunicorn --threads (gthread)")
    parser.add_argument("--recycle-after", type=int, default=0, help="gunicorn --max-requests (0: never)")
    parser.add_argument("--preload", action="store_true", help="gunicorn --preload")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--write-share", type=float, default=0.15, help="share of requests that add a note")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--warm-timeout", type=float, default=120, help="seconds for every worker to serve every kind of request"
    )
    args = parser.parse_args(argv)
    from bench import setup_django

    setup_django()
    report = run_load(
        duration=args.duration,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        port=args.port,
        max_requests=args.max_requests,
        worker_class=args.worker_class,
        worker_threads=args.worker_threads,
        recycle_after=args.recycle_after,
        preload=args.preload,
        write_share=args.write_share,
        seed=args.seed,
        stdout=sys.stdout,
        warm_timeout=args.warm_timeout,
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"load-{report['database']}.json"
    out.write_text(json.dumps(report, indent=2))
    summary = {k: v for k, v in report.items() if k != "wrk_output"}
    sys.stdout.write(json.dumps(summary, indent=2) + f"\nwritten {out}\n")
    if report["errors"] or report["server_errors_logged"]:
        raise SystemExit("load test had errors")


if __name__ == "__main__":
    main()

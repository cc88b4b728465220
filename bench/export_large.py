"""A large case export end to end, as a Community Safety manager does it (issue 23: "the 1M-row export is tested").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_1m .venv/bin/python -m bench.export_large [--query ...]

On a database made by `bench.generate`, signed in as the bench manager through the real URL stack:
1. asks for the CSV of the case list (`/cases/export.csv`): above CASE_EXPORT_STREAM_LIMIT rows the page must offer
   a background export instead of streaming (timed: the capped count that decides);
2. asks for the file (POST `/cases/exports/`), then runs the job as production does, in a `run_worker --batch`
   process, timing it and its peak memory;
3. checks the file is whole: the export row says READY, its row count equals the filter's count of the cases
   the manager may see, the file's lines and SHA-256 match, and the access log holds the export;
4. downloads it through `/cases/exports/<id>/` and checks every byte arrives (Content-Length).
Prints a table and writes var/bench/export-<cases>.json. `--inline` runs the job in this process (the tests).
"""

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Give DATABASE_URL a database made by bench.generate (PostgreSQL)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["*"]
    # force_login cannot enter a code: the manager's role (two-factor required) would be sent to set it up
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": True}


def _run_worker() -> dict:
    """The job as production runs it: a worker process that drains the queue, then exits."""
    command = [sys.executable, "manage.py", "run_worker", "--batch", "--no-reload", "--no-scheduler"]
    command += ["--no-startup-delay", "--interval", "0", "-v0", "--worker-id", "bench-export"]
    env = {**os.environ, "DEBUG": "0"}
    env.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "job_seconds": round(wall, 2),
        "job_cpu_seconds": round((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), 2),
        "job_peak_rss_mb": round(after.ru_maxrss / 1024, 1),
    }


def measure(*, query: str = "", inline: bool = False, username: str | None = None) -> dict:
    """One large export through the URL stack and the job; raises AssertionError if anything is incomplete."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from audit.exports import decode
    from audit.models import AccessLog, ExportCaseSet
    from bench import generate
    from casework import exports
    from casework.models import CaseExport, ExportStatus

    user = get_user_model().objects.get(username=username or generate.MANAGER_USERNAME)
    client = Client()
    client.force_login(user)
    result: dict = {"user": user.username, "query": query, "stream_limit": exports.stream_limit()}

    start = time.perf_counter()
    page = client.get(reverse("casework:case_export") + (f"?{query}" if query else ""))
    result["offer_page_ms"] = round((time.perf_counter() - start) * 1000, 1)
    assert page.status_code == 200, page.status_code
    assert page["Content-Type"].startswith("text/html"), f"a large export must not stream: {result}"
    assert b"Prepare the file" in page.content

    start = time.perf_counter()
    asked = client.post(reverse("casework:case_exports"), {"query": query})
    result["request_ms"] = round((time.perf_counter() - start) * 1000, 1)
    assert asked.status_code == 302, asked.status_code
    export = CaseExport.objects.filter(requested_by=user).latest("requested_at")

    if inline:
        start = time.perf_counter()
        exports.build(export_id=export.pk)
        result["job_seconds"] = round(time.perf_counter() - start, 2)
    else:
        result.update(_run_worker())
    export.refresh_from_db()
    assert export.status == ExportStatus.READY, f"export {export.status}: {export.error}"

    _, cases = exports.filtered_cases(user=user, query=query)
    expected = cases.order_by().count()
    digest, lines = hashlib.sha256(), 0
    with export.file.open("rb") as written:
        for block in iter(lambda: written.read(1 << 20), b""):
            digest.update(block)
            lines += block.count(b"\n")
    assert export.rows == expected, (export.rows, expected)
    assert lines == expected + 1, (lines, expected)
    assert digest.hexdigest() == export.sha256
    logged = AccessLog.objects.get(user=user, action="export", details__export=str(export.public_id))
    assert logged.details["rows_exported"] == expected
    assert len(decode(ExportCaseSet.objects.get(access=logged).ids)) == expected
    result.update(rows=export.rows, size_mb=round(export.size_bytes / 1e6, 1), rows_per_second=None)
    if result.get("job_seconds"):
        result["rows_per_second"] = round(export.rows / result["job_seconds"])

    start = time.perf_counter()
    download = client.get(reverse("casework:case_export_download", args=[export.public_id]))
    received = sum(len(chunk) for chunk in download.streaming_content)
    result["download_seconds"] = round(time.perf_counter() - start, 2)
    assert download.status_code == 200
    assert int(download["Content-Length"]) == received == export.size_bytes
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--query", default="", help="the case list's filters, as its query string (default: all)")
    parser.add_argument("--inline", action="store_true", help="run the job in this process, not a worker")
    args = parser.parse_args()
    _setup()
    from casework.models import Case

    cases = Case.objects.count()
    load = os.getloadavg()
    result = measure(query=args.query, inline=args.inline)
    result.update(cases_in_database=cases, load_average=[round(x, 2) for x in load])
    out = ROOT / "var" / "bench" / f"export-{cases}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:22} {value}")
    print(f"written to {out}")


if __name__ == "__main__":
    main()

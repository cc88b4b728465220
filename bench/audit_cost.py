"""What auditing costs: the write time of history on 10,000 case edits, and the audit tables' size per 10,000 cases.

    .venv/bin/python -m bench.audit_cost [--cases 10000] [--edits 10000] [--views-per-case 10]

Runs on a scratch database: DATABASE_URL if set (an empty PostgreSQL database, e.g. after
`createdb -h 127.0.0.1 -U postgres bench_audit`), otherwise a new temporary SQLite file. It refuses to run
on var/db.sqlite3 or on a database that already holds cases. Figures are recorded in docs/audit.md.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCAL_DB = (ROOT / "var" / "db.sqlite3").resolve()


SCRATCH: list[Path] = []  # a temporary directory this run made, removed at the end


def _setup() -> str:
    """Point Django at a scratch database before settings are read; returns a description of it."""
    if not os.environ.get("DATABASE_URL"):
        SCRATCH.append(Path(tempfile.mkdtemp(prefix="audit-bench-")))
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH[0] / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        if Path(str(db["NAME"])).resolve() == LOCAL_DB:
            sys.exit("Refusing to run on var/db.sqlite3: give DATABASE_URL a scratch database")
        where = f"SQLite {connection.Database.sqlite_version}, {db['NAME']}"
    else:
        where = f"{connection.vendor} database {db['NAME']} on {db.get('HOST') or 'local socket'}"
    settings.DEBUG = False  # no query log: it would cost memory and time of its own
    return where


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _world():
    from django.contrib.auth import get_user_model

    from casework import roles, services
    from casework.models import AgencyKind, Ward

    council = services.create_agency(name="Bench Council", short_name="bench-council", kind=AgencyKind.COUNCIL)
    housing = services.create_agency(name="Bench Housing", short_name="bench-housing", kind=AgencyKind.HOUSING)
    ward, _ = Ward.objects.get_or_create(name="Bench Ward", defaults={"code": "bench-ward"})
    user, _ = get_user_model().objects.get_or_create(
        username="bench-officer", defaults={"first_name": "Bench", "last_name": "Officer"}
    )
    services.add_member(user=user, agency=council, roles=(roles.ENFORCEMENT_OFFICER,))
    return council, housing, ward, user


@contextmanager
def quick_commits():
    """Skip waiting for the disk on commit while the cases are being made: sizes do not depend on it, and
    the timed edits afterwards run with the database's normal durability."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit = off")
        else:
            cursor.execute("PRAGMA synchronous")
            normal = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET synchronous_commit")
            else:
                cursor.execute(f"PRAGMA synchronous = {int(normal)}")


def make_typical_cases(count: int, views: int, *, council, housing, ward, by) -> list[int]:
    """Cases with the footprint of a typical demo case, all written through the services (so with history)."""
    from django.db import transaction
    from django.utils import timezone

    from audit.services import log_access
    from casework import services
    from casework.models import CaseOutcome, CaseStatus, LegalBasis, PartyRole

    ids = []
    now = timezone.now()
    for n in range(count):
        with transaction.atomic():
            address = services.create_address(by=by, line1=f"{n % 180 + 1} High Street", postcode="N12 0AB", ward=ward)
            case = services.create_case(
                by=by,
                title="Loud music from flat",
                category="noise",
                description="Amplified music most nights until 3am.",
                ward=ward,
                address=address,
                officer=by,
                opened_at=now - timedelta(days=n % 365),
            )
            victim = services.create_person(by=by, first_name="Maria", last_name=f"Evans{n}", phone="07700 900123")
            party = services.add_party(case=case, by=by, role=PartyRole.VICTIM, person=victim)
            perp = services.create_person(by=by, first_name="John", last_name=f"Khan{n}")
            services.add_party(case=case, by=by, role=PartyRole.PERSON_CAUSING_HARM, person=perp)
            for k in range(2):
                occurred = now - timedelta(days=k + 1)
                services.add_incident(
                    case=case,
                    by=by,
                    occurred_at=occurred,
                    reported_at=occurred + timedelta(hours=2),
                    reported_to=council,
                    description="Music and shouting after midnight.",
                    reported_by=party,
                )
            services.record_risk_assessment(
                case=case, by=by, answers={"fear_home": True}, repeat_victimisation_count=2, victim=party
            )
            action = services.add_action(
                case=case, by=by, description="Visit the victim", owner_agency=council, due_date=now.date()
            )
            services.set_action_status(action=action, by=by, status="done")
            for text in ("Initial contact made.", "Warning letter sent."):
                services.add_note(case=case, by=by, text=text)
            services.share_case(
                case=case, agency=housing, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy enforcement", by=by
            )
            case = services.update_case(
                case=case, by=by, expected_version=case.version, title="Loud music and shouting from flat"
            )
            case = services.transition_case(case=case, by=by, to=CaseStatus.INVESTIGATING)
            if n % 3 == 0:
                services.transition_case(
                    case=case, by=by, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes="Stopped."
                )
            for _ in range(views):
                log_access(
                    user=by,
                    agency=council.name,
                    action="view",
                    object_type="case",
                    object_id=case.pk,
                    object_label=case.reference,
                    case_id=case.pk,
                    details={"page": "summary"},
                    path=f"/cases/{case.reference}/",
                )
            ids.append(case.pk)
        if (n + 1) % 1000 == 0:
            _say(f"  {n + 1} cases made")
    return ids


def _timed(variants, count: int, rounds: int = 10) -> list[tuple[str, float]]:
    """Run the variants in interleaved rounds so drift (caches, checkpoints, autovacuum) hits them all alike."""
    from django.db import transaction

    for _label, step in variants:  # warm up caches and statement plans
        for i in range(min(200, count)):
            with transaction.atomic():
                step(i)
    totals = {label: 0.0 for label, _ in variants}
    per_round = [count // rounds + (1 if r < count % rounds else 0) for r in range(rounds)]
    done = 0
    for size in per_round:
        for label, step in variants:
            started = time.perf_counter()
            for i in range(done, done + size):
                with transaction.atomic():
                    step(i)
            totals[label] += time.perf_counter() - started
        done += size
        _say(f"  {done:,} edits per variant timed")
    return [(label, totals[label]) for label, _ in variants]


def time_edits(case_ids: list[int], edits: int, *, by) -> list[tuple[str, float]]:
    """The same edit made four ways, one transaction each, cycling over the cases."""
    from audit.services import log_access
    from casework import services
    from casework.models import Case

    cases = list(Case.objects.filter(pk__in=case_ids[: min(len(case_ids), 1000)]).order_by("pk"))

    def without_history(i):
        case = cases[i % len(cases)]
        case.title = f"Edit {i}"
        case.skip_history_when_saving = True
        case.save()
        del case.skip_history_when_saving

    def with_history(i):
        case = cases[i % len(cases)]
        case.title = f"Edit {i}"
        services.save_with_history(case, by, "Bench edit")

    def bare_update(i):
        Case.objects.filter(pk=cases[i % len(cases)].pk).update(title=f"Edit {i}")

    def service(i):
        case = Case.objects.get(pk=cases[i % len(cases)].pk)
        services.update_case(case=case, by=by, expected_version=case.version, title=f"Edit {i}")

    def access_row(i):
        case = cases[i % len(cases)]
        log_access(
            user=by, agency="Bench Council", action="view", object_type="case", object_id=case.pk, case_id=case.pk
        )

    variants = [
        ("queryset.update(), no history", bare_update),
        ("save() without history", without_history),
        ("save() with history (save_with_history)", with_history),
        ("update_case service (history, version, permission)", service),
        ("log_access: one access-log row (hash chain)", access_row),
    ]
    return _timed(variants, edits)


def table_sizes() -> dict[str, tuple[int, int]]:
    """(rows, bytes including indexes) of every table."""
    from django.db import connection

    sizes: dict[str, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f'SELECT COUNT(*), pg_total_relation_size(%s) FROM "{table}"', [table])
                rows, size = cursor.fetchone()
                sizes[table] = (rows, size)
        else:
            cursor.execute("SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')")
            owner = dict(cursor.fetchall())
            cursor.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name")
            size_of: dict[str, int] = {}
            for name, size in cursor.fetchall():
                table = owner.get(name, name)
                size_of[table] = size_of.get(table, 0) + size
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                sizes[table] = (cursor.fetchone()[0], size_of.get(table, 0))
    return sizes


def _delta(after, before) -> dict[str, tuple[int, int]]:
    return {t: (r - before.get(t, (0, 0))[0], b - before.get(t, (0, 0))[1]) for t, (r, b) in after.items()}


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:,.1f}"


def timing_report(*, edits: int, timings) -> str:
    base = dict(timings)["save() without history"]
    lines = [f"{edits:,} case edits per variant, one transaction each:"]
    lines.append(f"  {'variant':<54}{'total s':>9}{'ms/edit':>10}{'vs save() w/o history':>24}")
    for label, elapsed in timings:
        lines.append(f"  {label:<54}{elapsed:>9.2f}{elapsed / edits * 1000:>10.3f}{elapsed / base:>23.2f}x")
    return "\n".join(lines)


def size_report(*, cases: int, views: int, growth, scale: float) -> str:
    from audit.triggers import protected_tables

    history, logs = protected_tables()
    scaled = "" if scale == 1 else f", scaled x{scale:g}"
    lines = [f"Audit tables per 10,000 cases (measured on {cases:,}{scaled}; {views} page views per case):"]
    lines.append(f"  {'table':<46}{'rows':>12}{'MB':>10}{'bytes/row':>11}")

    def row(name, rows, size):
        rows, size = rows * scale, size * scale
        per = f"{size / rows:,.0f}" if rows else "-"
        lines.append(f"  {name:<46}{rows:>12,.0f}{_mb(size):>10}{per:>11}")

    for table in logs:
        row(table, *growth.get(table, (0, 0)))
    hist = [(t, *growth.get(t, (0, 0))) for t in history if growth.get(t, (0, 0))[0]]
    row(f"history tables ({len(hist)} with rows)", sum(h[1] for h in hist), sum(h[2] for h in hist))
    for table, rows, size in sorted(hist, key=lambda h: -h[2])[:6]:
        row(f"  {table}", rows, size)
    audit_rows = sum(growth.get(t, (0, 0))[0] for t in logs) + sum(h[1] for h in hist)
    audit_bytes = sum(growth.get(t, (0, 0))[1] for t in logs) + sum(h[2] for h in hist)
    row("all audit and history tables", audit_rows, audit_bytes)
    live = [(t, r, b) for t, (r, b) in growth.items() if t.startswith("casework_") and "historical" not in t and r > 0]
    row("for comparison: live casework tables", sum(x[1] for x in live), sum(x[2] for x in live))
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000, help="typical cases to create (default 10,000)")
    parser.add_argument("--edits", type=int, default=10_000, help="case edits to time per variant (default 10,000)")
    parser.add_argument("--views-per-case", type=int, default=10, help="access-log rows per case (default 10)")
    args = parser.parse_args(argv)
    where = _setup()
    from django.core.management import call_command

    from casework.models import Case

    _say(f"Migrating {where}")
    call_command("migrate", verbosity=0)
    if Case.objects.exists():
        sys.exit("The bench database already holds cases: give it an empty database")
    council, housing, ward, user = _world()
    before = table_sizes()
    _say(f"Making {args.cases:,} typical cases")
    started = time.perf_counter()
    with quick_commits():
        ids = make_typical_cases(args.cases, args.views_per_case, council=council, housing=housing, ward=ward, by=user)
    _say(f"  made in {time.perf_counter() - started:.0f}s")
    growth = _delta(table_sizes(), before)
    print(f"Audit cost on {where}\n", flush=True)
    print(size_report(cases=args.cases, views=args.views_per_case, growth=growth, scale=10_000 / args.cases))
    print(flush=True)
    _say(f"Timing {args.edits:,} edits per variant")
    timings = time_edits(ids, args.edits, by=user)
    print(timing_report(edits=args.edits, timings=timings), flush=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        for directory in SCRATCH:
            shutil.rmtree(directory, ignore_errors=True)

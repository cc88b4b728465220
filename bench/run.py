"""Measure the screens that matter at scale: `python -m bench.run`.

For each scenario, requests go through the real URL stack (Django's test client, signed in with
force_login, every middleware, template and audit write included) and we record p50/p95/p99 latency and
the SQL queries per request (CaptureQueriesContext). In the same run the partner case list is also
computed two other ways at the query layer, on the same data: the naive way (django-guardian's generic
`get_objects_for_user` over the varchar `object_pk` table, OFFSET pagination) and a hand-written SQL lower
bound (one statement returning the page and its total). Output: JSON and a markdown table.

    python -m bench.run --cases 10000 --fresh     # create bench_10k, migrate, generate, measure
    DATABASE_URL=postgres://.../bench_1m python -m bench.run   # measure a database generated before
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BENCH_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
RESULTS_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"

# Targets from issue 10 (ms, p95 at 1,000,000 cases on the 2-core machine).
TARGETS = {
    "case_list_first": 100,
    "case_list_filtered": 100,
    "case_list_deep": 100,
    "case_list_last": 100,
    "case_detail": 100,
    "marac_panel_list": 300,
    "dashboard_12_months": 1000,
    "case_timeline": 150,
}


@dataclass
class Result:
    name: str
    description: str
    user: str
    samples_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    skipped: str = ""
    target_ms: float | None = None

    @property
    def summary(self) -> dict:
        if self.skipped:
            return {"name": self.name, "description": self.description, "skipped": self.skipped}
        p = percentiles(self.samples_ms)
        return {
            "name": self.name,
            "description": self.description,
            "user": self.user,
            "n": len(self.samples_ms),
            **p,
            "app_cpu_p50_ms": round(statistics.median(self.cpu_ms), 2),
            "queries_median": statistics.median(self.queries),
            "queries_max": max(self.queries),
            "target_p95_ms": self.target_ms,
            "meets_target": None if self.target_ms is None else p["p95_ms"] < self.target_ms,
        }


def percentiles(samples: list[float]) -> dict[str, float]:
    if len(samples) == 1:
        return {"p50_ms": samples[0], "p95_ms": samples[0], "p99_ms": samples[0], "mean_ms": samples[0]}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


# ---------------------------------------------------------------- database set-up


def database_name(cases: int) -> str:
    if cases % 1_000_000 == 0:
        return f"bench_{cases // 1_000_000}m"
    if cases % 1000 == 0:
        return f"bench_{cases // 1000}k"
    return f"bench_{cases}"


def recreate_database(name: str) -> str:
    """Drop and create a bench database on the local server; returns its DATABASE_URL."""
    import psycopg2

    admin = psycopg2.connect(f"{BENCH_SERVER}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"{BENCH_SERVER}/{name}"


# ---------------------------------------------------------------- scenarios


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user, backend="accounts.backends.CaseworkModelBackend")
    return client


def measure(name, description, client, username, urls, *, iterations, warmup, target=None) -> Result:
    """GET each url in turn (cycling), `warmup` unmeasured first; every response must be 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(name=name, description=description, user=username, target_ms=target)
    for i in range(warmup + iterations):
        url = urls[i % len(urls)]
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full one would capture nothing
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{name}: GET {url} answered {response.status_code}")
        if i >= warmup:
            result.samples_ms.append(elapsed)
            result.cpu_ms.append(cpu)
            result.queries.append(len(captured.captured_queries))
    return result


def _reverse_or_none(name: str, *args) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _sample_cases(sql: str, params, n: int, seed: int) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        refs = [r[0] for r in cursor.fetchall()]
    random.Random(seed).shuffle(refs)
    return refs[:n]


CASE_LIST_SCENARIOS = ("first", "filtered", "deep", "last")
PAGE_SIZE = 25


def case_list_params(scenario: str, *, context: dict) -> dict:
    """The case list's query string for a scenario. `deep` is the page a user reaches by pressing Next
    until halfway through everything the partner sees: a cursor for the screens, an OFFSET for the naive way."""
    if scenario == "first":
        return {}
    if scenario == "filtered":
        return {"status": ["open", "investigating", "enforcement", "monitoring"], "ward": str(context["ward_id"])}
    if scenario == "deep":
        return {"cursor": context["deep_cursor"]} if context["deep_cursor"] else {}
    return {"page": "last"}


def _offset_of(scenario: str, context: dict) -> int:
    """Where the same page starts, counted in rows, for the OFFSET baseline."""
    if scenario == "deep":
        return context["deep_position"]
    if scenario == "last":  # the keyset's last page is the final 25 rows, not a page-number boundary
        return max(0, context["partner_visible_cases"] - PAGE_SIZE)
    return 0


def _deep_cursor(user, visible: int) -> tuple[str | None, int]:
    """The cursor of the Next link a partner follows to reach the page halfway through their list."""
    from casework import selectors
    from casework.filters import NEWEST_FIRST
    from common import keyset

    position = visible // 2 // PAGE_SIZE * PAGE_SIZE
    if position == 0:  # everything fits on the first page: there is no deep page
        return None, 0
    edge = selectors.case_list(user=user).order_by(*NEWEST_FIRST)[position - 1]
    return keyset.encode([keyset.value_of(edge, name.lstrip("-")) for name in NEWEST_FIRST], False), position


def run_scenarios(
    *, iterations: int, warmup: int, seed: int, stdout, only: frozenset = frozenset()
) -> tuple[list[Result], dict]:
    from django.contrib.auth import get_user_model

    from bench.generate import COORDINATOR_USERNAME, MANAGER_USERNAME, OFFICER_USERNAME, PARTNER_USERNAME
    from casework import access
    from casework.models import Ward

    User = get_user_model()
    partner = User.objects.get(username=PARTNER_USERNAME)
    officer = User.objects.get(username=OFFICER_USERNAME)
    manager = User.objects.get(username=MANAGER_USERNAME)
    ward = Ward.objects.order_by("name").first()
    visible = access.visible_cases(partner).count()
    deep_cursor, deep_position = _deep_cursor(partner, visible)
    context = {
        "partner_visible_cases": visible,
        "partner_pages": -(-visible // PAGE_SIZE),
        "deep_cursor": deep_cursor,
        "deep_position": deep_position,
        "ward": ward.name,
        "ward_id": ward.pk,
    }

    partner_refs = _sample_cases(
        "SELECT c.reference FROM casework_case c JOIN casework_casegroupobjectpermission p "
        "ON p.content_object_id = c.id JOIN auth_permission perm ON perm.id = p.permission_id "
        "WHERE perm.codename = 'view_case' AND c.lead_agency_id <> %s "
        "AND p.group_id IN (SELECT group_id FROM auth_user_groups WHERE user_id = %s) "
        "ORDER BY c.id DESC LIMIT 2000",
        [access.agency_of(partner).pk, partner.pk],
        40,
        seed,
    )
    officer_refs = _sample_cases(
        "SELECT reference FROM casework_case WHERE officer_id = %s ORDER BY id DESC LIMIT 2000", [officer.pk], 40, seed
    )
    clients = {u.username: _client(u) for u in (partner, officer, manager)}
    results: list[Result] = []

    def run(name, description, user, urls, target_key=None):
        if only and name not in only:
            return
        result = measure(
            name,
            description,
            clients[user.username],
            user.username,
            urls,
            iterations=iterations,
            warmup=warmup,
            target=TARGETS.get(target_key or name),
        )
        results.append(result)
        s = result.summary
        stdout.write(
            f"  {name:<22} p50 {s['p50_ms']:8.1f} ms  p95 {s['p95_ms']:8.1f} ms  "
            f"app CPU {s['app_cpu_p50_ms']:7.1f} ms  queries {s['queries_max']}\n"
        )

    def skip(name, description, why="not built yet"):
        results.append(Result(name=name, description=description, user="", skipped=why))
        stdout.write(f"  {name:<22} skipped: {why}\n")

    list_url = _reverse_or_none("casework:case_list")
    for scenario, description in (
        ("first", "Partner case list, first page"),
        ("filtered", f"Partner case list, open statuses in {ward.name}"),
        ("deep", f"Partner case list, Next page from row {deep_position:,} (halfway)"),
        ("last", "Partner case list, last page"),
    ):
        params = case_list_params(scenario, context=context)
        url = list_url + ("?" + urlencode(params, doseq=True) if params else "")
        run(f"case_list_{scenario}", description, partner, [url])
    run(
        "case_detail",
        "Case detail (summary), partner, shared cases",
        partner,
        [_reverse_or_none("casework:case_detail", r) for r in partner_refs],
    )
    run("my_work_partner", "My work, partner caseworker", partner, [_reverse_or_none("home")])
    run("my_work_officer", "My work, council officer", officer, [_reverse_or_none("home")])
    run(
        "case_timeline",
        "Case timeline / audit history, lead officer",
        officer,
        [_reverse_or_none("casework:case_timeline", r) for r in officer_refs],
    )

    # Slots for the apps being built: measured as soon as their URLs exist and the database holds their data.
    meeting = _busiest_meeting()
    if not _reverse_or_none("marac:index"):
        skip("marac_panel_list", "MARAC panel list (60 cases)")
    elif meeting is None:
        skip("marac_panel_list", "MARAC panel list (60 cases)", "no MARAC meetings in this database")
    else:
        meeting_id, entries = meeting
        coordinator = User.objects.filter(username=COORDINATOR_USERNAME).first() or manager
        clients.setdefault(coordinator.username, _client(coordinator))
        run(
            "marac_panel_list",
            f"MARAC panel list ({entries} cases), coordinator",
            coordinator,
            [_reverse_or_none("marac:panel_list", meeting_id)],
        )
    dashboard = _reverse_or_none("reports:dashboard")
    if dashboard:
        run(
            "dashboard_12_months",
            "Partnership dashboard, rolling 12 months",
            manager,
            [dashboard + "?period=rolling_12_months"],
        )
    else:
        skip("dashboard_12_months", "Partnership dashboard, 12 months")
    api = _reverse_or_none("api:case-list") or _reverse_or_none("api:case_list")
    if api:
        run("api_case_list", "API case list, partner", partner, [api])
    else:
        skip("api_case_list", "API case list, partner")
    return results, context


def _busiest_meeting() -> tuple[int, int] | None:
    """(meeting id, entries) of the MARAC meeting with the most panel entries, if the app and data exist."""
    from django.apps import apps
    from django.db.models import Count

    try:
        Meeting = apps.get_model("marac", "Meeting")
    except LookupError:
        return None
    row = (
        Meeting.objects.annotate(n=Count("entries")).filter(n__gt=0).order_by("-n", "-pk").values_list("pk", "n")
    ).first()
    return tuple(row) if row else None


# ---------------------------------------------------------------- before/after


def legacy_cases_with(user, codename: str):
    """casework.access._cases_with as it was before issue 10 (EXISTS OR EXISTS, joined permission lookups),
    kept here so `--visibility legacy` measures before and after on the same data, in the same conditions."""
    from django.db.models import Exists, OuterRef

    from casework.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission

    by_group = CaseGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group__user=user.pk,
        permission__codename=codename,
        permission__content_type__app_label="casework",
    )
    by_user = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        user_id=user.pk,
        permission__codename=codename,
        permission__content_type__app_label="casework",
    )
    return Case.objects.filter(Exists(by_group) | Exists(by_user))


@contextmanager
def visibility(kind: str):
    """Measure with the current casework.access (default) or the legacy query shape."""
    if kind == "current":
        yield
        return
    from unittest import mock

    with mock.patch("casework.access.cases._cases_with", legacy_cases_with):
        yield


# ---------------------------------------------------------------- baselines


@contextmanager
def generic_guardian_tables():
    """Make django-guardian use its generic varchar object_pk tables for Case, as a project without
    direct foreign-key permission models would."""
    from unittest import mock

    from guardian.models import GroupObjectPermission, UserObjectPermission

    with (
        mock.patch("guardian.shortcuts.get_group_obj_perms_model", return_value=GroupObjectPermission),
        mock.patch("guardian.shortcuts.get_user_obj_perms_model", return_value=UserObjectPermission),
    ):
        yield


def ours(user, params: dict, offset: int):
    """Exactly what the case list view does to get its rows and its count (maintained where it can answer, else
    capped)."""
    from casework import selectors
    from casework.filters import CaseFilter
    from casework.views import CASE_COUNT_LIMIT, _maintained_count
    from common import keyset

    params = dict(params)
    cursor, last = params.pop("cursor", None), params.pop("page", None) == "last"
    case_filter = CaseFilter(_querydict(params) or None, queryset=selectors.case_list(user=user), user=user)
    cases = case_filter.qs
    page = keyset.paginate(cases, case_filter.keyset_ordering(), PAGE_SIZE, cursor, last=last)
    count = _maintained_count(case_filter, user)
    if count is None:
        count = keyset.count_up_to(cases, CASE_COUNT_LIMIT)
    return [c.reference for c in page.rows], min(count, CASE_COUNT_LIMIT + 1)


def naive(user, params: dict, offset: int):
    """The same page the naive way: guardian's generic get_objects_for_user, an exact count, OFFSET."""
    from guardian.shortcuts import get_objects_for_user

    from casework.filters import CaseFilter
    from casework.models import Case
    from casework.views import CASE_COUNT_LIMIT

    params = {k: v for k, v in params.items() if k not in ("cursor", "page")}
    with generic_guardian_tables():
        queryset = get_objects_for_user(user, "casework.view_case", klass=Case, accept_global_perms=False)
    queryset = queryset.select_related("ward", "lead_agency", "officer")
    cases = CaseFilter(_querydict(params) or None, queryset=queryset, user=user).qs
    total = cases.count()
    rows = list(cases[offset : offset + PAGE_SIZE])
    return [c.reference for c in rows], min(total, CASE_COUNT_LIMIT + 1)


LOWER_BOUND_SQL = """
SELECT c.reference, c.title, c.category, c.status, c.risk_level, c.opened_at, w.name, a.name,
       u.first_name, u.last_name,
       (SELECT count(*) FROM (SELECT 1 FROM casework_case c WHERE {visible} AND {where} LIMIT %(limit)s) capped)
FROM casework_case c
JOIN casework_ward w ON w.id = c.ward_id
JOIN casework_agency a ON a.id = c.lead_agency_id
LEFT JOIN auth_user u ON u.id = c.officer_id
WHERE {visible} AND {where} AND {page}
ORDER BY c.opened_at {direction}, c.id {direction}
LIMIT %(size)s
"""
# The user's groups and the permission id are known to a hand-written query (no subqueries for them); the
# bench partner holds no user-level case permissions, so only the group table is probed.
LOWER_BOUND_VISIBLE = (
    "EXISTS (SELECT 1 FROM casework_casegroupobjectpermission p WHERE p.content_object_id = c.id "
    "AND p.permission_id = %(view)s AND p.group_id IN ({groups}))"
)


def lower_bound(user, params: dict, offset: int):
    """The hand-written single statement: visible ids from the permission index, filter, keyset, capped count."""
    from django.contrib.auth.models import Permission
    from django.db import connection

    from casework.views import CASE_COUNT_LIMIT
    from common import keyset

    where, page, direction = ["TRUE"], "TRUE", "DESC"
    args = {
        "view": Permission.objects.get(codename="view_case", content_type__app_label="casework").pk,
        "limit": CASE_COUNT_LIMIT + 1,
        "size": PAGE_SIZE,
    }
    if params.get("status"):
        names = [f"status{i}" for i in range(len(params["status"]))]
        where.append(f"c.status IN ({', '.join(f'%({n})s' for n in names)})")
        args.update(zip(names, params["status"], strict=True))
    if params.get("ward"):
        where.append("c.ward_id = %(ward)s")
        args["ward"] = int(params["ward"])
    if params.get("cursor"):
        from casework.models import Case

        (opened, args["id"]), _ = keyset.decode(params["cursor"], Case, ("-opened_at", "-id"))
        args["opened"] = connection.ops.adapt_datetimefield_value(opened)
        page = "(c.opened_at, c.id) < (%(opened)s, %(id)s)"
    if params.get("page") == "last":
        direction = "ASC"
    where_sql = " AND ".join(where)
    with connection.cursor() as cursor:
        groups = list(user.groups.values_list("pk", flat=True)) or [0]
        args.update({f"group{i}": pk for i, pk in enumerate(groups)})
        visible = LOWER_BOUND_VISIBLE.format(groups=", ".join(f"%(group{i})s" for i in range(len(groups))))
        sql = LOWER_BOUND_SQL.format(visible=visible, where=where_sql, page=page, direction=direction)
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    if direction == "ASC":
        rows.reverse()
    return [r[0] for r in rows], (rows[0][-1] if rows else 0)


def _querydict(params: dict):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def _time(fn, *, iterations: int, warmup: int) -> tuple[list[float], list[int], object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples, queries, answer = [], [], None
    for i in range(warmup + iterations):
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full one would capture nothing
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            answer = fn()
            elapsed = (time.perf_counter() - started) * 1000
        if i >= warmup:
            samples.append(elapsed)
            queries.append(len(captured.captured_queries))
    return samples, queries, answer


def run_baselines(*, iterations: int, warmup: int, context: dict, stdout) -> list[dict]:
    """Ours vs naive vs lower bound for the three case-list scenarios; the three must return the same page."""
    from django.contrib.auth import get_user_model
    from guardian.models import GroupObjectPermission

    from bench.generate import PARTNER_USERNAME

    user = get_user_model().objects.get(username=PARTNER_USERNAME)
    have_generic = GroupObjectPermission.objects.exists()
    rows = []
    for scenario in CASE_LIST_SCENARIOS:
        params = case_list_params(scenario, context=context)
        offset = _offset_of(scenario, context)
        row = {"scenario": f"case_list_{scenario}"}
        answers = {}
        variants = [("ours", ours), ("lower_bound", lower_bound)]
        if have_generic:
            variants.insert(1, ("naive", naive))
        for label, fn in variants:
            samples, queries, answer = _time(
                lambda fn=fn, params=params, offset=offset: fn(user, params, offset),
                iterations=iterations if label != "naive" else max(5, iterations // 4),
                warmup=warmup if label != "naive" else 1,
            )
            answers[label] = answer
            row[label] = {**percentiles(samples), "queries": max(queries)}
        for label, answer in answers.items():
            if answer != answers["ours"]:
                raise SystemExit(f"baseline {label} returned a different page for {scenario}: {answer} vs ours")
        row["rows_on_page"] = len(answers["ours"][0])
        row["total"] = answers["ours"][1]
        if have_generic:
            row["naive_over_ours"] = round(row["naive"]["p50_ms"] / row["ours"]["p50_ms"], 1)
        else:
            row["naive_over_ours"] = None
        row["ours_over_lower_bound"] = round(row["ours"]["p50_ms"] / row["lower_bound"]["p50_ms"], 2)
        rows.append(row)
        naive_text = f"naive {row['naive']['p50_ms']:8.1f} ms" if have_generic else "naive (no generic rows)"
        stdout.write(
            f"  {row['scenario']:<22} ours {row['ours']['p50_ms']:7.1f} ms  {naive_text}  "
            f"lower bound {row['lower_bound']['p50_ms']:7.1f} ms\n"
        )
    return rows


# ---------------------------------------------------------------- explain


def explain(*, context: dict, path: Path) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every query the three case-list pages run, for docs/performance.md."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.generate import PARTNER_USERNAME

    user = get_user_model().objects.get(username=PARTNER_USERNAME)
    out = []
    for scenario in CASE_LIST_SCENARIOS:
        params = case_list_params(scenario, context=context)
        connection.queries_log.clear()  # the log keeps 9,000 queries; a full one would capture nothing
        with CaptureQueriesContext(connection) as captured:
            ours(user, params, _offset_of(scenario, context))
        for query in captured.captured_queries:
            if "casework_case" not in query["sql"]:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(r[0] for r in cursor.fetchall())
            out.append(f"-- {scenario}: {query['time']} s\n{query['sql']}\n{plan}\n")
    path.write_text("\n".join(out))


# ---------------------------------------------------------------- output


def markdown(report: dict) -> str:
    lines = [
        f"### {report['cases']:,} cases ({report['database']})",
        "",
        f"Partner sees {report['context']['partner_visible_cases']:,} cases "
        f"({report['context']['partner_pages']:,} pages of 25). {report['iterations']} measured requests "
        "per scenario after warm-up.",
        "",
        "| scenario | p50 ms | p95 ms | p99 ms | app CPU p50 ms | queries | target p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for s in report["scenarios"]:
        if "skipped" in s:
            lines.append(f"| {s['description']} | – | – | – | – | – | {s['skipped']} |")
            continue
        target = ""
        if s["target_p95_ms"]:
            target = f"< {s['target_p95_ms']:,} ms {'met' if s['meets_target'] else 'MISSED'}"
        queries = f"{s['queries_median']:g}"
        if s["queries_max"] != s["queries_median"]:
            queries += f"–{s['queries_max']}"
        lines.append(
            f"| {s['description']} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | {s['p99_ms']:.1f} | "
            f"{s['app_cpu_p50_ms']:.1f} | {queries} | {target} |"
        )
    lines += [
        "",
        "Case list query layer (page + count), p50 ms. Ours: keyset page and a count capped at 1,001; naive: "
        "exact count and OFFSET; SQL: one hand-written statement returning what ours returns.",
        "",
        "| page | ours | naive guardian (generic, OFFSET) | hand-written SQL | naive ÷ ours | ours ÷ SQL |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for b in report["baselines"]:
        naive_ms = f"{b['naive']['p50_ms']:.1f}" if "naive" in b else "–"
        ratio = f"{b['naive_over_ours']}×" if b["naive_over_ours"] else "–"
        lines.append(
            f"| {b['scenario']} | {b['ours']['p50_ms']:.1f} | {naive_ms} | {b['lower_bound']['p50_ms']:.1f} | "
            f"{ratio} | {b['ours_over_lower_bound']}× |"
        )
    return "\n".join(lines) + "\n"


def measure_all(
    *, cases: int | None, iterations: int, warmup: int, seed: int, do_explain: bool, stdout, only=frozenset()
) -> dict:
    """Run every scenario and the baselines against the configured database; returns the report."""
    from django.conf import settings
    from django.db import connection

    # Production-like: no template debug machinery, no per-query logging outside the capture windows.
    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # force_login cannot enter a code: without this the manager's role (two-factor required) is sent to set it up
    # and the dashboard answers 302 (tests/conftest.py relaxes it the same way).
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": True}
    from casework.models import Case

    cases = cases or Case.objects.count()
    stdout.write(f"measuring {connection.settings_dict['NAME']} ({cases:,} cases)\n")
    scenarios, context = run_scenarios(iterations=iterations, warmup=warmup, seed=seed, stdout=stdout, only=only)
    stdout.write("baselines (query layer):\n")
    baselines = run_baselines(iterations=iterations, warmup=warmup, context=context, stdout=stdout)
    report = {
        "cases": cases,
        "database": connection.settings_dict["NAME"],
        "vendor": connection.vendor,
        "iterations": iterations,
        "context": context,
        "scenarios": [r.summary for r in scenarios],
        "raw": {r.name: asdict(r) for r in scenarios if not r.skipped},
        "baselines": baselines,
    }
    if do_explain and connection.vendor == "postgresql":
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        explain(context=context, path=RESULTS_DIR / f"explain-{cases}.txt")
    return report


def _apply_pg_settings(pairs: list[str]) -> None:
    """SET each NAME=VALUE on every new database connection of this process."""
    from django.db.backends.signals import connection_created

    settings_sql = []
    for pair in pairs:
        name, _, value = pair.partition("=")
        if not name.replace("_", "").isalnum():
            raise SystemExit(f"not a PostgreSQL setting name: {name!r}")
        settings_sql.append(("SELECT set_config(%s, %s, false)", [name, value]))

    def apply(sender, connection, **kwargs):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql, params in settings_sql:
                    cursor.execute(sql, params)

    connection_created.connect(apply, weak=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, help="with --fresh: generate this many cases first")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate bench_<size>, migrate, generate")
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true", help="write EXPLAIN ANALYZE of the case-list queries")
    parser.add_argument("--skip-fk-checks", action="store_true", help="passed to bench.generate with --fresh")
    parser.add_argument(
        "--visibility",
        choices=["current", "legacy"],
        default="current",
        help="legacy: measure the pre-issue-10 case visibility query, for before/after figures",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario names (baselines always run)")
    parser.add_argument(
        "--pg-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="PostgreSQL setting for every bench connection, e.g. work_mem=32MB (to measure a tuning)",
    )
    parser.add_argument("--no-migrate", action="store_true", help="measure the database as it is")
    parser.add_argument("--out", type=Path, help="JSON report path (default var/bench/results-<cases>.json)")
    args = parser.parse_args(argv)
    stdout = sys.stdout
    timings = {}
    if args.fresh:
        if not args.cases:
            parser.error("--fresh needs --cases")
        os.environ["DATABASE_URL"] = recreate_database(database_name(args.cases))
    from bench import setup_django

    setup_django()
    if args.fresh:
        from django.core.management import call_command

        from bench.generate import analyse, generate

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        timings["migrate_s"] = round(time.monotonic() - started, 1)
        summary = generate(cases=args.cases, guardian_baseline=True, skip_fk_checks=args.skip_fk_checks, stdout=stdout)
        timings["generate_s"] = round(summary.seconds, 1)
        timings["vacuum_analyze_s"] = round(analyse(stdout=stdout), 1)
        timings["rows"] = summary.total_rows
    if args.pg_set:
        _apply_pg_settings(args.pg_set)
    if not args.fresh and not args.no_migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the scenarios need the current schema and role permissions
    with visibility(args.visibility):
        report = measure_all(
            cases=args.cases if args.fresh else None,
            iterations=args.iterations,
            warmup=args.warmup,
            seed=args.seed,
            do_explain=args.explain,
            stdout=stdout,
            only=frozenset(filter(None, args.only.split(","))),
        )
    report["visibility"] = args.visibility
    report["pg_settings"] = args.pg_set
    report["setup"] = timings
    suffix = "" if args.visibility == "current" else f"-{args.visibility}"
    suffix += "".join(f"-{s.replace('=', '_')}" for s in args.pg_set)
    suffix += "-only" if args.only else ""
    out = args.out or RESULTS_DIR / f"results-{report['cases']}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    table = markdown(report)
    out.with_suffix(".md").write_text(table)
    stdout.write("\n" + table + f"\nwritten {out} and {out.with_suffix('.md')}\n")


if __name__ == "__main__":
    main()

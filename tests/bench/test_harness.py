"""The benchmark harness runs end to end on a small data set, so `make bench` cannot rot unnoticed.

Generates 50 cases (batched INSERTs on SQLite, COPY on PostgreSQL), then drives every built scenario
through the real URL stack and checks the three ways of computing the partner case list agree.
"""

import io

import pytest
from django.contrib.auth import get_user_model

from audit.services import verify_chain
from bench import generate as bench_generate
from bench import run as bench_run
from casework import access
from casework.models import Case, CaseGroupObjectPermission, CaseShare

# The generator bulk-loads a scratch database (COPY, then setval on the sequences): the owner's work,
# never the application login's (decision 0011).
pytestmark = pytest.mark.owner_db


@pytest.fixture
def dataset(db):
    return bench_generate.generate(cases=50, seed=7, guardian_baseline=True, chunk=20, stdout=io.StringIO())


def test_generated_data_is_consistent_with_the_app(dataset):
    assert Case.objects.count() == 50
    assert Case.history.filter(history_type="+").count() == 50
    # The lead agency holds view, change and sensitive-view on every case; shares add more rows.
    assert CaseGroupObjectPermission.objects.count() >= 150
    from guardian.models import GroupObjectPermission

    assert GroupObjectPermission.objects.count() == CaseGroupObjectPermission.objects.count()
    # The audit rows continue the hash chains exactly as audit.services writes them.
    for log in ("access", "disclosure"):
        checked, broken = verify_chain(log)
        assert broken is None
    assert verify_chain("access")[0] >= 50
    assert (
        verify_chain("disclosure")[0] == CaseShare.objects.count() + CaseShare.objects.exclude(revoked_at=None).count()
    )
    # A partner sees its own cases and the ones shared with it, never the rest.
    partner = get_user_model().objects.get(username=bench_generate.PARTNER_USERNAME)
    agency = access.agency_of(partner)
    expected = set(Case.objects.filter(lead_agency=agency).values_list("pk", flat=True)) | set(
        CaseShare.objects.filter(agency=agency, revoked_at=None).values_list("case_id", flat=True)
    )
    assert set(access.visible_cases(partner).values_list("pk", flat=True)) == expected
    assert dataset.total_rows > 50 * 20


def test_every_built_scenario_answers_through_the_url_stack(dataset):
    results, context = bench_run.run_scenarios(iterations=2, warmup=0, seed=1, stdout=io.StringIO())
    measured = [r for r in results if not r.skipped]
    assert {r.name for r in measured} >= {
        "case_list_first",
        "case_list_filtered",
        "case_list_deep",
        "case_list_last",
        "case_detail",
        "my_work_partner",
        "my_work_officer",
        "case_timeline",
    }
    for result in measured:
        assert len(result.samples_ms) == 2
        assert min(result.queries) > 0
    assert (
        context["partner_visible_cases"]
        == access.visible_cases(get_user_model().objects.get(username=bench_generate.PARTNER_USERNAME)).count()
    )
    summaries = [r.summary for r in results]
    report = {"cases": 50, "database": "test", "iterations": 2, "context": context, "scenarios": summaries}
    table = bench_run.markdown({**report, "baselines": []})
    assert "Partner case list, first page" in table


def test_baselines_return_the_same_page_as_the_case_list(dataset, monkeypatch):
    monkeypatch.setattr(bench_run, "PAGE_SIZE", 2)  # small pages, so the deep and last pages are real cursors
    _, context = bench_run.run_scenarios(iterations=1, warmup=0, seed=1, stdout=io.StringIO())
    assert context["deep_cursor"] and context["deep_position"] >= 2
    rows = bench_run.run_baselines(iterations=2, warmup=0, context=context, stdout=io.StringIO())
    assert [r["scenario"] for r in rows] == [
        "case_list_first",
        "case_list_filtered",
        "case_list_deep",
        "case_list_last",
    ]
    for row in rows:
        # run_baselines stops the run if naive or lower bound disagree with ours; here we check it measured.
        assert {"ours", "naive", "lower_bound"} <= set(row)
        assert row["total"] >= row["rows_on_page"]


def test_the_load_test_warms_every_kind_of_request_its_mix_sends():
    """bench/load.py: the warm-up has every gunicorn worker serve each kind of request in the mix (issue 23:
    "with every worker warmed first"); each request the mix builds has a kind, reads and writes apart."""
    from django.urls import reverse

    from bench import load

    cases, detail = reverse("casework:case_list"), reverse("casework:case_detail", args=["ASB-2026-00001"])
    mix = [
        {"method": "GET", "path": path}
        for path in (cases, f"{cases}?page=last", f"{cases}?cursor=abc", f"{cases}?status=open&ward=1", detail)
    ] + [
        {"method": "GET", "path": reverse("home")},
        {"method": "POST", "path": reverse("casework:case_notes", args=["ASB-2026-00001"])},
    ]
    assert [load.kind_of(request) for request in mix] == [
        "case_list (first)",
        "case_list (last)",
        "case_list (next)",
        "case_list (filtered)",
        "case_detail",
        "home",
        "case_notes (POST)",
    ]


def test_the_load_tests_app_names_the_worker_that_answered(dataset, settings):
    """The warm-up counts workers by the header the load test's WSGI app adds to every response."""
    import os

    from bench import load

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    answered = {}

    def start_response(status, headers, exc_info=None):
        answered.update(status=status, headers=dict(headers))

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    b"".join(load.application(environ, start_response))
    assert answered["status"]  # whatever /healthz says of this test database, the worker is named
    assert answered["headers"][load.WORKER_HEADER] == str(os.getpid())
    assert 0 <= load.load_average()[0]


def test_the_load_test_runs_gunicorn_as_operations_documents_with_the_setup_compared(tmp_path):
    """bench/load.py's gunicorn: docs/operations.md's --timeout 60 always; worker class, threads, recycling and
    preloading as asked (issue 23: comparing serving setups); --preload serves the app built in the master."""
    from bench import load

    plain = load.gunicorn_command(port=8765, workers=4, error_log=tmp_path / "e.log")
    assert plain[1] == "bench.load:application"
    assert " ".join(plain[2:]).startswith("--bind 127.0.0.1:8765 --workers 4 --worker-class sync --threads 1")
    assert plain[plain.index("--timeout") + 1] == "60"
    assert "--max-requests" not in plain and "--preload" not in plain

    other = load.gunicorn_command(
        port=8765,
        workers=2,
        error_log=tmp_path / "e.log",
        worker_class="gthread",
        worker_threads=4,
        recycle_after=2000,
        preload=True,
    )
    assert other[1] == "bench.load:preloaded_application"
    assert other[other.index("--worker-class") + 1 : other.index("--worker-class") + 4] == [
        "gthread",
        "--threads",
        "4",
    ]
    assert other[other.index("--max-requests") :] == [
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--preload",
    ]


def test_the_load_test_counts_cpu_per_process_between_two_snapshots():
    """CPU per request comes from the processes' own counters (less noisy than requests/s on a shared machine):
    a process that started in between counts from zero, one that ended is left out."""
    import os

    from bench import load

    assert load._cpu_seconds(os.getpid()) > 0
    assert load._cpu_seconds(2**22 + 7) is None  # above Linux's pid_max: no such process
    before = {"app": {1: 1.0, 2: 5.0}, "database": {10: 2.0}}
    after = {"app": {1: 1.5, 3: 0.25}, "database": {10: 2.5, 11: 1.0}}
    assert load.cpu_used(before, after) == {"app": 0.75, "database": 1.5}


def test_the_preloaded_app_is_built_when_gunicorn_imports_it(monkeypatch):
    from bench import load

    built = []
    monkeypatch.setattr(load, "_django_app", lambda: built.append(True))
    assert load.preloaded_application is load.application
    assert built == [True]

"""The board's dashboard from live data: seed 003's tools-and-powers table, permissions, exports, queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from enforcement import services as enforcement_services
from reports import periods, selectors
from tests.factories import CaseFactory, make_closure_notice, make_cpn, make_pspo, make_written_warning

LONDON = ZoneInfo("Europe/London")
MARCH_TO_MAY_2023 = {
    "period": "custom",
    "start_0": "1",
    "start_1": "3",
    "start_2": "2023",
    "end_0": "31",
    "end_1": "5",
    "end_2": "2023",
}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def seed_003(case, officer):
    """Recreates seed 003's March-May 2023 tools and powers: warnings 12/21/5, CPN 0/0/1, CPN breached
    0/0/2, PSPO 1/3/8, PCO 0/1/0."""
    for month, count in ((3, 12), (4, 20), (5, 5)):  # the CPN below serves the 21st April warning itself
        for n in range(count):
            make_written_warning(case=case, by=officer, served_at=at(2023, month, 1 + n, 10))
    cpn = make_cpn(case=case, by=officer, issued_on=date(2023, 5, 2))
    for day in (20, 27):
        enforcement_services.record_cpn_breach(
            cpn=cpn, by=officer, occurred_on=date(2023, 5, day), description="Again", evidence_summary="Diary"
        )
    pspo = make_pspo(by=officer, in_force_from=date(2022, 12, 1), expires_on=date(2025, 11, 30))
    for month, count in ((3, 1), (4, 3), (5, 8)):
        for n in range(count):
            enforcement_services.record_pspo_breach(
                pspo=pspo,
                condition=pspo.conditions.first(),
                by=officer,
                occurred_at=at(2023, month, 2 + n, 22),
                location="Park",
                description="Drinking",
            )
    notice = make_closure_notice(case=case, by=officer, served_at=at(2023, 4, 12, 9), hearing_at=at(2023, 4, 13, 10))
    enforcement_services.grant_closure_order(
        notice=notice,
        by=officer,
        heard_at=notice.hearing_at,
        court="Willesden",
        scope="full",
        starts_on=date(2023, 4, 13),
        ends_on=date(2023, 7, 12),
    )
    return case


@pytest.mark.django_db
def test_dashboard_recreates_seed_003_tools_and_powers_table(seed_003, manager):
    board = selectors.dashboard(user=manager, period=periods.custom(date(2023, 3, 1), date(2023, 5, 31)))
    table = board.table("tools_and_powers")
    assert table.columns == ["Month", "Injunction", "CBO", "CPN Written Warning", "CPN", "CPN Breached", "PSPO", "PCO"]
    assert table.rows == [
        ["Mar 2023", 0, 0, 12, 0, 0, 1, 0],
        ["Apr 2023", 0, 0, 21, 0, 0, 3, 1],
        ["May 2023", 0, 0, 5, 1, 2, 8, 0],
    ]
    assert table.totals == ["Total", 0, 0, 38, 1, 2, 12, 1]


@pytest.mark.django_db
def test_manager_sees_the_table_on_screen_and_downloads_csv_and_pdf(client, seed_003, manager):
    client.force_login(manager)
    page = client.get("/reports/", MARCH_TO_MAY_2023)
    body = page.content.decode()
    assert page.status_code == 200 and "1 March 2023 to 31 May 2023" in body and "RAG:" in body
    assert body.count('src="data:image/svg+xml;base64,') == 6  # five sections and NM01 (#19)
    csv_response = client.get("/reports/dashboard.csv", {**MARCH_TO_MAY_2023, "table": "tools_and_powers"})
    lines = csv_response.content.decode().splitlines()
    assert lines[1] == "Mar 2023,0,0,12,0,0,1,0" and lines[-1] == "Total,0,0,38,1,2,12,1"
    pdf = client.get("/reports/board-pack.pdf", MARCH_TO_MAY_2023)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    actions = list(AccessLog.objects.filter(object_type="dashboard").values_list("action", flat=True))
    assert sorted(actions) == ["export", "print", "view"]


@pytest.mark.django_db
def test_partners_and_officers_cannot_open_the_dashboard(client, officer, housing_user):
    for user in (officer, housing_user):
        client.force_login(user)
        assert client.get("/reports/").status_code == 403
        assert client.get("/reports/board-pack.pdf").status_code == 403


@pytest.mark.django_db
def test_bad_period_shows_an_error_and_no_figures(client, manager):
    client.force_login(manager)
    response = client.get("/reports/", {"period": "custom", "start_0": "31", "start_1": "5", "start_2": "2023"})
    body = response.content.decode()
    assert "There is a problem" in body and "Enter the end date" in body
    assert "data:image/svg" not in body


@pytest.mark.django_db
def test_cases_section_counts_by_ward_and_category(manager, officer, ward):
    for _ in range(3):
        CaseFactory(by=officer, ward=ward, opened_at=at(2023, 4, 5, 12))
    CaseFactory(by=officer, ward=ward, opened_at=at(2022, 4, 5, 12))
    board = selectors.dashboard(user=manager, period=periods.custom(date(2023, 3, 1), date(2023, 5, 31)))
    by_ward = {row[0]: row[1:] for row in board.table("cases_by_ward").rows}
    assert by_ward["Burnt Oak"] == [3, 3, 0]
    noise = next(r for r in board.table("cases_by_category").rows if r[0] == "Noise")
    assert noise[1:3] == [3, 1]


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_data(client, manager, officer, ward):
    client.force_login(manager)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/", MARCH_TO_MAY_2023).status_code == 200
        return len(ctx.captured_queries)

    CaseFactory(by=officer, ward=ward, opened_at=at(2023, 4, 5, 12))
    queries()
    small = queries()
    for n in range(15):
        case = CaseFactory(by=officer, ward=ward, opened_at=at(2023, 4, 5, 12))
        make_written_warning(case=case, by=officer, served_at=at(2023, 4, 1 + n, 10))
    assert queries() == small

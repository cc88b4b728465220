"""Counts for the performance dashboard and the deadlines shown in My work and the overview."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from enforcement import selectors, services
from tests.factories import (
    make_closure_notice,
    make_cpn,
    make_fpn,
    make_injunction,
    make_pspo,
    make_written_warning,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def spring_2023(case, officer):
    """Seed 003's months (March to May 2023) on one case: warnings, CPNs, a breach, PSPO breaches, a PCO."""
    for served in (at(2023, 3, 6, 10), at(2023, 3, 20, 10), at(2023, 4, 3, 10)):
        make_written_warning(case=case, by=officer, served_at=served)
    cpn = make_cpn(case=case, by=officer, issued_on=date(2023, 5, 2))
    services.record_cpn_breach(
        cpn=cpn, by=officer, occurred_on=date(2023, 5, 20), description="Again", evidence_summary="Diary"
    )
    pspo = make_pspo(by=officer, in_force_from=date(2022, 12, 1), expires_on=date(2025, 11, 30))
    for when in (at(2023, 4, 8, 22), at(2023, 5, 1, 23), at(2023, 5, 2, 1)):
        services.record_pspo_breach(
            pspo=pspo,
            condition=pspo.conditions.first(),
            by=officer,
            occurred_at=when,
            location="Park",
            description="Drinking",
        )
    notice = make_closure_notice(case=case, by=officer, served_at=at(2023, 4, 12, 9), hearing_at=at(2023, 4, 13, 10))
    services.grant_closure_order(
        notice=notice,
        by=officer,
        heard_at=notice.hearing_at,
        court="Willesden",
        scope="full",
        starts_on=date(2023, 4, 13),
        ends_on=date(2023, 7, 12),
    )
    return case


def test_tools_and_powers_by_month_counts_each_power_in_its_month(spring_2023, officer):
    result = selectors.tools_and_powers_by_month(user=officer, start=date(2023, 3, 1), end=date(2023, 5, 31))
    assert [key for key, _ in result["columns"]] == [
        "injunction",
        "cbo",
        "cpn_warning",
        "cpn",
        "cpn_breached",
        "pspo",
        "pco",
    ]
    months = {row["month"]: row["counts"] for row in result["months"]}
    assert list(months) == [date(2023, 3, 1), date(2023, 4, 1), date(2023, 5, 1)]
    assert months[date(2023, 3, 1)]["cpn_warning"] == 2
    # make_cpn serves its own warning 30 days before the CPN: 2 April 2023
    assert months[date(2023, 4, 1)]["cpn_warning"] == 2
    assert months[date(2023, 4, 1)]["pco"] == 1
    assert months[date(2023, 4, 1)]["pspo"] == 1
    assert months[date(2023, 5, 1)] == {
        "injunction": 0,
        "cbo": 0,
        "cpn_warning": 0,
        "cpn": 1,
        "cpn_breached": 1,
        "pspo": 2,
        "pco": 0,
    }
    assert result["totals"]["cpn_warning"] == 4


def test_tools_and_powers_respect_what_the_user_may_see(spring_2023, police_user, manager):
    hidden = selectors.tools_and_powers_by_month(user=police_user, start=date(2023, 3, 1), end=date(2023, 5, 31))
    assert all(n == 0 for n in hidden["totals"].values())
    seen = selectors.tools_and_powers_by_month(user=manager, start=date(2023, 3, 1), end=date(2023, 5, 31))
    assert seen["totals"]["cpn_warning"] == 4 and seen["totals"]["pspo"] == 3


def test_tools_and_powers_queries_do_not_grow_with_months(spring_2023, officer, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        selectors.tools_and_powers_by_month(user=officer, start=date(2020, 1, 1), end=date(2024, 12, 31))


def test_fpns_by_offence_code_counts_paid_unpaid_and_cancelled(officer, police, manager):
    from casework import roles
    from tests.factories import make_member

    paid = make_fpn(by=officer, offence_code="CST01", issued_at=at(2023, 2, 1, 10))
    services.record_fpn_payment(fpn=paid, by=officer, paid_on=date(2023, 2, 3), amount=Decimal("70"))
    make_fpn(by=officer, offence_code="CST01", issued_at=at(2023, 2, 2, 10))
    cancelled = make_fpn(by=officer, offence_code="CST13", issued_at=at(2023, 3, 1, 10))
    services.cancel_fpn(fpn=cancelled, by=officer, reason="Wrong address")
    late = make_fpn(by=officer, offence_code="CST13", issued_at=at(2023, 3, 2, 10))
    services.list_fpn_for_prosecution(fpn=late, by=officer, on=date(2023, 4, 30))
    make_fpn(by=officer, offence_code="CST01", issued_at=at(2023, 6, 1, 10))  # outside the period
    constable = make_member(police, roles.ENFORCEMENT_OFFICER, "constable")
    make_fpn(by=constable, offence_code="CST01", issued_at=at(2023, 2, 5, 10))  # the police's own

    rows = {
        row["code"]: row
        for row in selectors.fpns_by_offence_code(user=officer, start=date(2023, 1, 1), end=date(2023, 3, 31))
    }
    assert len(rows) == 18 and list(rows)[:3] == ["CST01", "CST02", "CST03"]
    assert rows["CST01"] | {} == {
        "code": "CST01",
        "description": "Littering",
        "issued": 2,
        "paid": 1,
        "unpaid": 1,
        "cancelled": 0,
        "prosecution": 0,
    }
    assert (rows["CST13"]["issued"], rows["CST13"]["cancelled"], rows["CST13"]["prosecution"]) == (2, 1, 1)
    assert rows["CST13"]["unpaid"] == 1
    assert rows["CST07a"]["issued"] == 0
    everyone = {
        r["code"]: r
        for r in selectors.fpns_by_offence_code(user=manager, start=date(2023, 1, 1), end=date(2023, 3, 31))
    }
    assert everyone["CST01"]["issued"] == 3


def test_deadlines_show_overdue_first_and_split_mine_from_my_agencys(case, officer, council):
    from casework import roles
    from tests.factories import make_member

    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "officer2")
    today = timezone.localdate()
    mine = make_written_warning(
        case=case,
        by=officer,
        served_at=timezone.now() - timedelta(days=20),
        compliance_deadline=today - timedelta(days=1),
    )
    theirs = make_fpn(by=colleague, issued_at=timezone.now() - timedelta(days=10))  # discount ends in 4 days
    work = selectors.my_work_deadlines(user=officer)
    assert [d.url for d in work["mine"]] == [f"/enforcement/warnings/{mine.pk}/"]
    assert work["mine"][0].overdue
    assert [d.kind for d in work["agency"]] == ["FPN: early payment ends"]
    assert work["agency"][0].url == f"/enforcement/fpns/{theirs.pk}/" and not work["agency"][0].overdue


def test_case_timeline_names_the_acting_user(case, officer):
    make_cpn(case=case, by=officer, issued_on=date(2024, 3, 1))
    events = selectors.case_timeline_events(case)
    titles = [e.title for e in events]
    assert "Community Protection Notice issued" in titles and "CPN written warning served" in titles
    assert {e.byline for e in events} == {"Priya Shah"}


def test_my_work_partial_lists_the_users_deadlines(case, officer):
    from django.template.loader import render_to_string

    warning = make_written_warning(
        case=case,
        by=officer,
        served_at=timezone.now() - timedelta(days=20),
        compliance_deadline=timezone.localdate() - timedelta(days=1),
    )
    html = render_to_string(
        "enforcement/_my_work_deadlines.html", {"enforcement_deadlines": selectors.my_work_deadlines(user=officer)}
    )
    assert f"/enforcement/warnings/{warning.pk}/" in html and "Overdue" in html
    assert "Nothing due on your agency" in html


def test_my_works_one_query_per_kind_keeps_each_lists_first_records(case, officer, council):
    """Issue 23: "mine" and "my agency's" come from one query per kind of record; each list still holds the first
    `limit_each` records of its own scope, as the two separate queries gave."""
    from casework import roles
    from tests.factories import CaseFactory, make_member

    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "officer2")
    theirs = CaseFactory(by=officer, ward=case.ward, officer=colleague)
    today = timezone.localdate()
    for n, by in enumerate([colleague, colleague, officer, colleague, officer, officer]):
        make_written_warning(
            case=case if by is officer else theirs,
            by=by,
            served_at=timezone.now() - timedelta(days=20),
            compliance_deadline=today - timedelta(days=6 - n),
        )

    def keys(items):
        return [(d.url, d.kind) for d in items]

    both = selectors.deadlines(user=officer, today=today, scope="mine_or_agency", limit_each=2)
    mine = selectors.deadlines(user=officer, today=today, scope="mine", limit_each=2)
    agency = selectors.deadlines(user=officer, today=today, scope="agency", limit_each=2)
    assert keys(d for d in both if d.mine) == keys(mine) and len(mine) == 2
    assert keys(d for d in both if d.in_agency) == keys(agency) and len(agency) == 2


def test_my_works_lists_come_from_one_query_then_only_the_records_shown(records, officer, council):
    """Issue 23: My work reads every kind's dates and ranks in one UNION ALL query, then loads only the records of
    the deadlines it shows (one query per kind among them); each list is exactly, and in the same order, what
    `deadlines(scope="mine_or_agency")` marks, cut to the first `shown`."""
    from dataclasses import asdict

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casework import roles
    from tests.factories import CaseFactory, make_member

    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "officer2")
    theirs = CaseFactory(by=officer, ward=records.case.ward, officer=colleague)
    today = timezone.localdate()
    for days, by in ((3, officer), (1, colleague), (2, colleague)):
        make_written_warning(
            case=records.case if by is officer else theirs,
            by=by,
            served_at=timezone.now() - timedelta(days=20),
            compliance_deadline=today - timedelta(days=days),
        )
    make_fpn(by=colleague, issued_at=timezone.now() - timedelta(days=10))  # early payment ends within the week
    make_fpn(by=colleague, issued_at=timezone.now() - timedelta(days=40))  # unpaid: overdue
    make_cpn(case=records.case, by=officer, issued_on=today - timedelta(days=10))  # compliance within the week
    make_closure_notice(case=records.case, by=officer)  # hearing tomorrow
    make_injunction(case=records.case, by=officer, ends_on=today + timedelta(days=3))

    both = selectors.deadlines(user=officer, today=today, scope="mine_or_agency")
    mine = [d for d in both if d.mine]
    agency = [d for d in both if d.in_agency and (d.url, d.kind) not in {(m.url, m.kind) for m in mine}]

    def fields(items):
        return [asdict(d) for d in items]

    everything = selectors.my_work_deadlines(user=officer, today=today)
    assert fields(everything["mine"]) == fields(mine) and fields(everything["agency"]) == fields(agency)
    assert len({d.kind for d in mine}) >= 3 and len({d.kind for d in agency}) >= 2  # several kinds in each list
    for shown in (1, 2, 3):
        with CaptureQueriesContext(connection) as ctx:
            first = selectors.my_work_deadlines(user=officer, today=today, shown=shown)
        assert fields(first["mine"]) == fields(mine[:shown]) and fields(first["agency"]) == fields(agency[:shown])
        kinds = {d.url.split("/")[2] for d in chain(first["mine"], first["agency"])}
        assert len(ctx.captured_queries) == 1 + len(kinds), [q["sql"][:80] for q in ctx.captured_queries]


def test_my_works_union_is_compiled_once_per_user_and_access_then_only_run(records, officer, housing_user, manager):
    """Issue 23: building and compiling My work's UNION ALL cost about 50 ms a request, so it is compiled once per
    process for everything its SQL is built from (the user, their groups, user-level case permissions, agency,
    whether they see every case, the dates), then only run. What is kept is what the ORM compiles for that user
    now, and a user whose access changes gets a fresh compile (never the SQL of their old access)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from enforcement.config import limit

    today = timezone.localdate()
    soon = today + timedelta(days=limit("DUE_SOON_DAYS"))

    def fresh(user):
        parts = [selectors._ranked_dates(spec, user, today, soon, 50) for spec in selectors._KINDS]
        sql, params = parts[0].union(*parts[1:], all=True).query.get_compiler(using="default").as_sql()
        return sql, tuple(params)

    def kept(user):
        return selectors._COMPILED_UNIONS[selectors._union_key(user, today, soon, 50, "default")][:2]

    keys = set()
    for user in (officer, housing_user, manager):
        selectors.my_work_deadlines(user=user, today=today)
        assert kept(user) == fresh(user)
        keys.add(selectors._union_key(user, today, soon, 50, "default"))
    assert len(keys) == 3 and kept(officer) != kept(housing_user)

    before = selectors._union_key(officer, today, soon, 50, "default")
    officer.groups.add(Group.objects.create(name="a group the officer joins"))
    again = get_user_model().objects.get(pk=officer.pk)  # the next request's user
    selectors.my_work_deadlines(user=again, today=today)
    assert selectors._union_key(again, today, soon, 50, "default") != before
    assert kept(again) == fresh(again)

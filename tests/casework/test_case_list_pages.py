"""The case list pages by keyset (First, Previous, Next, Last) and caps its count: every case exactly once."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from audit.models import AccessLog
from casework import roles, services
from casework.filters import KEYSET_ORDERINGS
from casework.models import Case, CaseStatus, LegalBasis
from common import keyset
from tests.factories import CaseFactory, WardFactory, make_member


def _links(body: str) -> dict[str, str]:
    found = {}
    for rel in ("prev", "next"):
        match = re.search(rf'href="(\?[^"]*)" rel="{rel}"', body)
        if match:
            found[rel] = unescape(match.group(1))
    for label, key in (("First page", "first"), ("Last page", "last")):
        match = re.search(rf'href="(\?[^"]*)">{label}', body)
        if match:
            found[key] = unescape(match.group(1))
    return found


def _refs(response) -> list[str]:
    return [case.reference for case in response.context["page"].rows]


@pytest.fixture
def thirty_cases(officer, ward):
    now = timezone.now()
    other_ward = WardFactory(name="Zeta ward")
    cases = []
    for i in range(30):
        case = CaseFactory(by=officer, ward=ward if i % 3 else other_ward, opened_at=now - timedelta(hours=i))
        if i % 4 == 0:
            services.transition_case(case=case, to=CaseStatus.INVESTIGATING, by=officer)
        cases.append(case)
    return cases


@pytest.mark.django_db
def test_next_and_previous_walk_every_case_once_newest_first(client, officer, thirty_cases):
    client.force_login(officer)
    first = client.get("/cases/", {"per_page": 25})
    body = first.content.decode()
    assert "30 cases found." in body
    expected = [c.reference for c in sorted(thirty_cases, key=lambda c: (c.opened_at, c.pk), reverse=True)]
    assert _refs(first) == expected[:25]
    links = _links(body)
    assert set(links) == {"next", "last"}
    second = client.get("/cases/" + links["next"])
    assert _refs(second) == expected[25:]
    back_links = _links(second.content.decode())
    assert set(back_links) == {"prev", "first"}
    assert _refs(client.get("/cases/" + back_links["prev"])) == expected[:25]
    last = client.get("/cases/" + links["last"])
    assert _refs(last) == expected[5:]  # the last page is the final 25 rows
    assert "next" not in _links(last.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["status", "-status", "ward", "-ward", "reference", "-reference", "opened"])
def test_every_sort_order_pages_through_every_case_exactly_once(client, officer, thirty_cases, sort):
    client.force_login(officer)
    seen, url = [], f"/cases/?sort={sort}&per_page=25"
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200
        seen += _refs(response)
        links = _links(response.content.decode())
        if "next" not in links:
            break
        url = "/cases/" + links["next"]
    expected = list(Case.objects.all())
    for name in reversed(KEYSET_ORDERINGS[sort]):  # stable sorts, last key first
        column = name.lstrip("-")
        expected.sort(key=lambda c, column=column: keyset.value_of(c, column), reverse=name.startswith("-"))
    assert seen == [c.reference for c in expected]
    column = KEYSET_ORDERINGS[sort][0].lstrip("-")
    assert len({keyset.value_of(c, column) for c in expected}) > 1  # the sort column really varies
    forward = seen[:25]
    previous = client.get("/cases/" + _links(client.get(url).content.decode())["prev"])
    assert _refs(previous) == forward


@pytest.mark.django_db
def test_a_tampered_cursor_shows_the_first_page_with_a_message(client, officer, thirty_cases):
    client.force_login(officer)
    response = client.get("/cases/", {"cursor": "eyJrIjpbIm5vdCBhIGRhdGUiLDFdLCJyIjpmYWxzZX0"})
    assert response.status_code == 200
    assert "That page link was not valid" in response.content.decode()
    assert len(_refs(response)) == 25


@pytest.mark.django_db
def test_the_count_stops_at_the_limit_and_says_more_than(client, officer, thirty_cases, monkeypatch):
    from casework import views

    monkeypatch.setattr(views, "CASE_COUNT_LIMIT", 10)
    client.force_login(officer)
    body = client.get("/cases/").content.decode()
    assert "More than 10 cases found" in body
    assert "11 cases" not in body and "30 cases" not in body
    assert "1 case found." in client.get("/cases/", {"q": thirty_cases[0].reference}).content.decode()


@pytest.mark.django_db
def test_a_partner_pages_only_through_cases_shared_with_them(client, officer, housing_user, barnet_homes, thirty_cases):
    for case in thirty_cases[:7]:
        services.share_case(
            case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy enforcement", by=officer
        )
    client.force_login(housing_user)
    response = client.get("/cases/", {"per_page": 25})
    assert "7 cases found." in response.content.decode()
    assert sorted(_refs(response)) == sorted(c.reference for c in thirty_cases[:7])
    assert _links(response.content.decode()) == {}
    row = AccessLog.objects.filter(action="list", user=housing_user).latest("id")
    assert row.details["rows_shown"] == 7 and row.details["page"] == "first"


@pytest.mark.django_db
def test_the_officer_filter_offers_only_the_viewers_agency(client, officer, housing_user, barnet_homes, manager):
    colleague = make_member(barnet_homes, roles.PARTNER_CASEWORKER, username="colleague")
    client.force_login(housing_user)
    offered = set(client.get("/cases/").context["filter"].form.fields["officer"].queryset)
    assert colleague in offered and housing_user in offered and officer not in offered
    client.force_login(manager)
    offered = set(client.get("/cases/").context["filter"].form.fields["officer"].queryset)
    assert {colleague, officer} <= offered


@pytest.mark.django_db
def test_opened_date_filters_take_whole_local_days_in_summer_time(client, officer, ward):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    late = CaseFactory(by=officer, ward=ward, opened_at=datetime(2026, 6, 30, 23, 30, tzinfo=london))
    early_next = CaseFactory(by=officer, ward=ward, opened_at=datetime(2026, 7, 1, 0, 30, tzinfo=london))
    client.force_login(officer)
    assert _refs(client.get("/cases/", {"opened_before": "2026-06-30"})) == [late.reference]
    assert _refs(client.get("/cases/", {"opened_after": "2026-07-01"})) == [early_next.reference]
    both = client.get("/cases/", {"opened_after": "2026-06-30", "opened_before": "2026-07-01"})
    assert _refs(both) == [early_next.reference, late.reference]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"opened_before": "9999-12-31"}, {"opened_after": "9999-12-31"}, {"opened_after": "0001-01-01"}]
)
def test_opened_filters_at_the_ends_of_the_calendar_answer_normally(client, officer, thirty_cases, params):
    client.force_login(officer)
    response = client.get("/cases/", params)
    assert response.status_code == 200
    expected = 0 if params.get("opened_after") == "9999-12-31" else 25
    assert len(_refs(response)) == expected

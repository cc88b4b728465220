"""The case list's page compiled once per shape (selectors.compiled_case_page, issue 23) gives what the ORM's path
(CaseFilter over selectors.case_list, keyset.paginate) gives, for every role and kind of page: the same rows, the
same statements in the same order, the same pages and access-log rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import access, selectors, services, views
from casework.filters import CaseFilter
from casework.models import CaseStatus, LegalBasis
from common import keyset
from tests.casework.test_case_list_same_page import _page
from tests.casework.test_compiled_case_lookup import _fresh
from tests.casework.test_compiled_case_lookup import world as world  # noqa: F401 (the roles' fixture)
from tests.factories import CaseFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(world, officer, barnet_homes, ward):
    """Thirty more cases, in two wards and two statuses, most shared with Barnet Homes: pages past the first."""
    other = WardFactory(name="Other ward")
    now = timezone.now()
    for i in range(30):
        case = CaseFactory(by=officer, ward=other if i % 2 else ward, opened_at=now - timedelta(hours=i + 1))
        if i % 3 == 0:
            services.transition_case(case=case, to=CaseStatus.INVESTIGATING, by=officer)
        if i % 5:
            basis = LegalBasis.CDA_S115
            services.share_case(case=case, agency=barnet_homes, legal_basis=basis, purpose="T", by=officer)
    return world[0], other


def _orm_page(user, params, ordering, cursor, last):
    cases = CaseFilter(params or None, queryset=selectors.case_list(user=user), user=user).qs
    return keyset.paginate(cases, ordering, 25, cursor, last=last)


def _compiled_page(user, params, ordering, cursor, last):
    visibility = access.visibility_shape(user)
    case_filter = CaseFilter(params or None, user=user)
    by = views._status_and_ward(case_filter)
    assert by is not None, params
    return selectors.compiled_case_page(visibility, *by, ordering, 25, cursor, last)


def _captured(read, user, *args):
    """`read(user as a new request loads it, *args)` and the statements it ran (the user's row among them)."""
    with CaptureQueriesContext(connection) as queries:
        try:
            page = read(_fresh(user), *args)
        except keyset.InvalidCursor:
            page = None
    return page, [q["sql"] for q in queries.captured_queries]


def _loaded(obj) -> dict | None:
    return None if obj is None else vars(obj) | {"_state": None}


def _same(compiled, orm):
    assert (compiled is None) == (orm is None)
    if orm is None:
        return
    fields = ("has_next", "has_previous", "next_cursor", "previous_cursor", "previous_is_first")
    assert {f: getattr(compiled, f) for f in fields} == {f: getattr(orm, f) for f in fields}
    assert [_loaded(c) for c in compiled.rows] == [_loaded(o) for o in orm.rows]
    for c, o in zip(compiled.rows, orm.rows, strict=True):
        for related in ("ward", "lead_agency", "officer"):
            assert _loaded(getattr(c, related)) == _loaded(getattr(o, related))


def test_every_role_and_kind_of_page_is_the_orms(many, ward):
    users, other = many
    plain = {}
    filtered = {"status": ["open", "investigating"], "ward": str(other.pk)}
    kinds = [
        ({}, None),
        ({"sort": "reference"}, None),
        ({"sort": "-ward"}, None),
        (filtered, None),
        ({"status": ["investigating"]}, None),
        ({"ward": str(ward.pk), "sort": "status"}, None),
    ]
    pages = 0
    for role, user in users.items():
        if access.visibility_shape(_fresh(user)) is None:  # anonymous and inactive: the ORM's path only
            assert role in ("anonymous", "inactive")
            assert list(selectors.case_list(user=_fresh(user))) == []
            continue
        for params, _ in kinds:
            ordering = CaseFilter(params or None, user=_fresh(user)).keyset_ordering()
            first = _captured(_compiled_page, user, params, ordering, None, False)
            cursors = [(None, False), (None, True), ("not-a-cursor", False)]
            if first[0].next_cursor:
                cursors.append((first[0].next_cursor, False))
                second = _compiled_page(_fresh(user), params, ordering, first[0].next_cursor, False)
                cursors.append((second.previous_cursor, False))
            for cursor, last in cursors:
                compiled, compiled_sql = _captured(_compiled_page, user, params, ordering, cursor, last)
                orm, orm_sql = _captured(_orm_page, user, params, ordering, cursor, last)
                _same(compiled, orm)
                assert compiled_sql == orm_sql, (role, params, cursor, last)
                pages += 1
                plain[role, str(params), cursor, last] = [] if orm is None else [c.pk for c in orm.rows]
    assert pages > 100
    # the answers the comparison rests on
    assert len(plain["lead officer", "{}", None, False]) == 25 and len(plain["partner shared", "{}", None, False]) == 25
    assert plain["partner revoked", "{}", None, False] == [] and plain["no groups", "{}", None, False] == []
    assert len(plain["user-level only", "{}", None, False]) == 1
    assert plain["manager", "{}", None, True] == plain["auditor", "{}", None, True] != []
    # every shape used was compiled: none went back to the ORM
    assert selectors._CASE_PAGE._local.plans and all(selectors._CASE_PAGE._local.plans.values())


def test_the_pages_queries_and_log_are_the_orm_paths(client, monkeypatch, many, ward):
    users, other = many
    urls = [
        "/cases/",
        "/cases/?page=last",
        f"/cases/?status=open&status=investigating&ward={other.pk}",
        "/cases/?sort=-ward&per_page=25",
        "/cases/?ward=999999",  # invalid: the ORM's path
        "/cases/?q=Noise&status=open",  # a search: the ORM's path
        "/cases/?cursor=broken",
    ]
    for role in ("lead officer", "partner shared", "manager", "auditor", "member with user-level", "no groups"):
        client.force_login(users[role])
        first = client.get("/cases/")
        role_urls = list(urls)
        page = first.context["page"]
        if page.next_cursor:
            role_urls.append(f"/cases/?cursor={page.next_cursor}")
            second = client.get(role_urls[-1]).context["page"]
            role_urls.append(f"/cases/?cursor={second.previous_cursor or ''}")
        fast = [_page(client, url) for url in role_urls]
        with monkeypatch.context() as patch:
            patch.setattr(views, "_status_and_ward", lambda case_filter: None)
            plain = [_page(client, url) for url in role_urls]
        for url, f, p in zip(role_urls, fast, plain, strict=True):
            assert f == p, (role, url)

"""Warnings, notices and orders appear on the case timeline, for everyone who may see the case."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_cpn, make_written_warning


def _timeline(client, case):
    response = client.get(f"/cases/{case.reference}/timeline/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_warning_and_a_cpn_are_on_the_case_timeline_with_who_did_it(client, shared_case, officer, housing_user):
    make_cpn(case=shared_case, by=officer)
    client.force_login(officer)
    body = _timeline(client, shared_case)
    titles = re.findall(r"moj-timeline__title[^>]*>(.*?)<", body)
    assert titles[:2] == ["Community Protection Notice issued", "CPN written warning served"]
    assert officer.get_full_name() in body
    client.force_login(housing_user)  # the partner the case is shared with sees the same enforcement history
    assert "Community Protection Notice issued" in _timeline(client, shared_case)


@pytest.mark.django_db
def test_the_timeline_query_count_does_not_grow_with_enforcement_records(client, case, officer):
    make_written_warning(case=case, by=officer)
    client.force_login(officer)
    _timeline(client, case)  # warm up

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            _timeline(client, case)
        return len(ctx.captured_queries)

    before = queries()
    for _ in range(4):
        make_written_warning(case=case, by=officer)
    assert queries() == before


@pytest.mark.django_db
def test_a_partner_not_shared_the_case_gets_404_not_its_enforcement_history(client, case, officer, police_user):
    make_written_warning(case=case, by=officer)
    client.force_login(police_user)
    assert client.get(f"/cases/{case.reference}/timeline/").status_code == 404

"""The auditor screens: for auditors only, read only, logged, filterable, exportable, constant in queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from audit.history import historical_models
from audit.models import AccessLog
from audit.services import log_access
from casework import services
from casework.models import Case, Person
from tests.factories import CaseFactory, log_case_views


def _audit_urls(case, person, user, agency) -> list[str]:
    """Every URL of the audit app, with real arguments, so a 403 cannot hide behind a 404."""
    keys = {"case": case.reference, "person": person.pk, "user": user.pk, "agency": agency.pk}
    urls = []
    for pattern in get_resolver("audit.urls").url_patterns:
        assert isinstance(pattern, URLPattern)
        kind = pattern.default_args.get("kind")
        args = [keys[kind]] if kind else []
        urls.append(reverse(f"audit:{pattern.name}", args=args))
    return urls


@pytest.fixture
def person(case):
    return Person.objects.get(last_name="Loud")


@pytest.fixture
def urls(shared_case, person, officer, council):
    return _audit_urls(shared_case, person, officer, council)


def test_the_audit_app_has_the_index_the_navigation_links_to():
    assert reverse("audit:index") == "/audit/"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["officer", "housing_user", "police_user", "manager", "coordinator", "admin_user"])
def test_everyone_but_auditors_gets_403_on_every_screen(client, urls, role, request):
    client.force_login(request.getfixturevalue(role))
    assert len(urls) >= 15
    for url in [*urls, urls[2] + "?format=csv"]:
        assert client.get(url).status_code == 403, url
    assert not AccessLog.objects.filter(object_type="audit").exists()


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in(client, urls):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.django_db
def test_auditors_can_open_every_screen_and_each_read_is_logged(client, urls, auditor):
    client.force_login(auditor)
    for url in urls:
        before = AccessLog.objects.count()
        response = client.get(url)
        assert response.status_code == 200, url
        assert AccessLog.objects.count() == before + 1, url
        row = AccessLog.objects.latest("id")
        assert row.user == auditor and row.object_type == "audit" and row.action in ("view", "list"), url
        assert row.agency == "LBB Community Safety" and row.path == url


@pytest.mark.django_db
def test_nav_shows_audit_to_auditors_only(client, auditor, manager):
    client.force_login(auditor)
    assert 'href="/audit/"' in client.get("/").content.decode()
    client.force_login(manager)
    assert 'href="/audit/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_the_auditor_can_reach_the_screens_only_with_get(client, auditor, shared_case):
    client.force_login(auditor)
    assert client.post(f"/audit/cases/{shared_case.reference}/").status_code == 405


@pytest.mark.django_db
def test_case_search_finds_a_case_or_says_why_not(client, auditor, shared_case):
    client.force_login(auditor)
    response = client.get("/audit/cases/", {"reference": shared_case.reference.lower()})
    assert response.status_code == 302 and response["Location"] == f"/audit/cases/{shared_case.reference}/"
    response = client.get("/audit/cases/", {"reference": "ASB-1999-99999"})
    body = response.content.decode()
    assert response.status_code == 200 and "No case has this reference" in body and "There is a problem" in body


@pytest.mark.django_db
def test_case_screens_tell_who_viewed_shared_and_changed_it(client, auditor, officer, housing_user, shared_case):
    client.force_login(housing_user)
    client.get(f"/cases/{shared_case.reference}/parties/")
    services.update_case(
        case=shared_case, by=officer, expected_version=shared_case.version, title="Threats on the stairwell"
    )
    client.force_login(auditor)
    access = client.get(f"/audit/cases/{shared_case.reference}/").content.decode()
    assert "housing" in access and "Barnet Homes" in access and "Viewed" in access and "page: parties" in access
    disclosures = client.get(f"/audit/cases/{shared_case.reference}/disclosures/").content.decode()
    assert "Shared" in disclosures and "s115 Crime and Disorder Act 1998" in disclosures
    assert "Tenancy enforcement" in disclosures and "Barnet Homes" in disclosures
    changes = client.get(f"/audit/cases/{shared_case.reference}/changes/").content.decode()
    assert "Case details edited" in changes
    edit = changes[changes.index("Case details edited") :]
    assert edit.index("Intimidation on the stairwell") < edit.index("Threats on the stairwell")
    assert "Priya Shah" in changes
    # The parties' people are part of the case's story, with readable links (names, not ids).
    assert "Kevin" in changes and "Person causing harm" in changes and "LBB Community Safety" in changes


@pytest.mark.django_db
def test_filters_by_date_range_and_action(client, auditor, officer, shared_case):
    log_case_views(case=shared_case, user=officer, count=3)
    log_access(
        user=officer, agency="", action="export", object_type="case", case_id=shared_case.pk, object_label="export"
    )
    client.force_login(auditor)
    url = f"/audit/cases/{shared_case.reference}/"
    exports = client.get(url, {"action": "export"})
    assert exports.context["page_obj"].paginator.count == 1
    today = timezone.localdate()
    todays = client.get(url, {"start": today.isoformat(), "end": today.isoformat()}).context["page_obj"]
    # Three views, the export, and the auditor's own read of this case a moment ago.
    assert todays.paginator.count == 5
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert client.get(url, {"start": tomorrow}).context["page_obj"].paginator.count == 0
    wrong = client.get(url, {"start": tomorrow, "end": today.isoformat()}).content.decode()
    assert "The end date must be the same as or after the start date" in wrong and "There is a problem" in wrong
    changes = client.get(f"{url}changes/", {"action": "changed"}).context["page_obj"]
    assert changes.paginator.count == 0
    assert client.get(f"{url}changes/", {"action": "created"}).context["page_obj"].paginator.count > 0
    logged = AccessLog.objects.filter(object_type="audit", details__screen="case_access").latest("id")
    assert logged.details["filters"] == {"start": tomorrow, "end": today.isoformat()}


@pytest.mark.django_db
def test_the_access_list_is_paginated(client, auditor, officer, shared_case):
    log_case_views(case=shared_case, user=officer, count=55)
    client.force_login(auditor)
    first = client.get(f"/audit/cases/{shared_case.reference}/")
    assert len(first.context["page_obj"].object_list) == 50 and "Next" in first.content.decode()
    # 55 views and the auditor's own first read make 56 entries: 6 on the second page.
    second = client.get(f"/audit/cases/{shared_case.reference}/", {"page": 2})
    assert len(second.context["page_obj"].object_list) == 6
    assert AccessLog.objects.filter(object_type="audit").latest("id").details["rows_shown"] == 6


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.django_db
def test_csv_exports_are_complete_and_logged(client, auditor, officer, shared_case):
    log_case_views(case=shared_case, user=officer, count=3)
    client.force_login(auditor)
    base = f"/audit/cases/{shared_case.reference}/"
    rows = _csv(client.get(base, {"format": "csv", "action": "view"}))
    assert rows[0][:4] == ["When", "User", "Agency", "Action"] and len(rows) == 4
    export = AccessLog.objects.latest("id")
    assert export.action == "export" and export.object_type == "audit" and export.user == auditor
    assert export.case_id == shared_case.pk
    assert export.details["rows_exported"] == 3 and export.details["filters"] == {"action": "view"}
    disclosures = _csv(client.get(f"{base}disclosures/", {"format": "csv"}))
    assert disclosures[1][1] == "Shared" and disclosures[1][4] == "Barnet Homes"
    changes = _csv(client.get(f"{base}changes/", {"format": "csv"}))
    assert changes[0] == ["When", "By", "Record", "Record id", "Action", "Reason", "Field", "Before", "After"]
    assert any(r[4] == "created" and r[6] == "Title" and r[8] == "Intimidation on the stairwell" for r in changes)
    assert AccessLog.objects.filter(action="export", object_type="audit").count() == 3


@pytest.mark.django_db
def test_csv_export_neutralises_formulas(client, auditor, officer, shared_case):
    log_access(
        user=officer, agency="", action="view", object_type="case", object_label="=cmd()", case_id=shared_case.pk
    )
    client.force_login(auditor)
    rows = _csv(client.get(f"/audit/cases/{shared_case.reference}/", {"format": "csv"}))
    assert any(r[6] == "'=cmd()" for r in rows)


@pytest.mark.django_db
def test_person_screens(client, auditor, officer, case, person):
    log_access(user=officer, agency="", action="view", object_type="person", object_id=person.pk, person_id=person.pk)
    client.force_login(auditor)
    found = client.get("/audit/people/", {"q": "kevin loud"})
    assert list(found.context["page_obj"].object_list) == [person]
    assert list(client.get("/audit/people/", {"q": str(person.pk)}).context["page_obj"].object_list) == [person]
    access = client.get(f"/audit/people/{person.pk}/")
    assert access.context["page_obj"].paginator.count == 1
    changes = client.get(f"/audit/people/{person.pk}/changes/").content.decode()
    assert "Person recorded" in changes and "Party added" in changes
    cases = client.get(f"/audit/people/{person.pk}/cases/")
    (row,) = cases.context["page_obj"].object_list
    assert row.case == case and row.roles == ["Person causing harm"] and row.current
    assert AccessLog.objects.filter(object_type="audit", person_id=person.pk).count() == 3


@pytest.mark.django_db
def test_user_and_agency_screens(client, auditor, officer, shared_case, council, barnet_homes):
    log_case_views(case=shared_case, user=officer, count=2, agency=council.name)
    client.force_login(auditor)
    assert [u.username for u in client.get("/audit/users/", {"q": "priya"}).context["page_obj"]] == ["officer"]
    by_user = client.get(f"/audit/users/{officer.pk}/")
    assert by_user.context["page_obj"].paginator.count == 2
    assert client.get(f"/audit/users/{officer.pk}/disclosures/").context["page_obj"].paginator.count == 1
    by_agency = client.get(f"/audit/agencies/{council.pk}/")
    # The officer's two views; the auditor (same agency) reading these screens adds rows as they go.
    assert {r.username for r in by_agency.context["page_obj"].object_list} == {"officer", "auditor"}
    shared_with = client.get(f"/audit/agencies/{barnet_homes.pk}/disclosures/")
    assert shared_with.context["page_obj"].paginator.count == 1
    assert client.get("/audit/agencies/99999/").status_code == 404


@pytest.mark.django_db
def test_a_deleted_case_is_still_found_through_its_history(client, auditor, officer, ward):
    case = CaseFactory(by=officer, ward=ward, title="Opened in error")
    reference = case.reference
    Case.objects.filter(pk=case.pk).delete()
    client.force_login(auditor)
    response = client.get(f"/audit/cases/{reference}/changes/")
    body = response.content.decode()
    assert response.status_code == 200 and "Opened in error" in body and "deleted" in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client, auditor, officer, shared_case, council, person):
    client.force_login(auditor)
    urls = [
        f"/audit/cases/{shared_case.reference}/",
        f"/audit/cases/{shared_case.reference}/disclosures/",
        f"/audit/cases/{shared_case.reference}/changes/",
        f"/audit/people/{person.pk}/",
        f"/audit/people/{person.pk}/changes/",
        f"/audit/people/{person.pk}/cases/",
        f"/audit/users/{officer.pk}/",
        f"/audit/agencies/{council.pk}/",
    ]
    log_case_views(case=shared_case, user=officer, count=2, agency=council.name)
    log_access(user=officer, agency="", action="view", object_type="person", person_id=person.pk)
    small = {url: _queries(client, url) for url in urls}
    log_case_views(case=shared_case, user=officer, count=40, agency=council.name)
    for n in range(15):
        services.add_note(case=shared_case, by=officer, text=f"Note {n}")
        services.add_action(
            case=shared_case, by=officer, description=f"Action {n}", owner_agency=council, due_date=timezone.localdate()
        )
        log_access(user=officer, agency="", action="view", object_type="person", person_id=person.pk)
        other = CaseFactory(by=officer, ward=shared_case.ward)
        services.add_party(case=other, by=officer, role="person_causing_harm", person=person)
    large = {url: _queries(client, url) for url in urls}
    assert small == large
    # One query per history table (every app's) on the history screens; a handful elsewhere.
    history_tables = len(historical_models(existing_only=True))
    for url, count in large.items():
        assert count <= (25 + history_tables if "changes" in url else 25), (url, count)


@pytest.mark.django_db
def test_a_persons_access_tab_shows_who_read_the_cases_that_name_them(client, auditor, officer, case, person):
    client.force_login(officer)
    client.get(f"/cases/{case.reference}/parties/")
    client.force_login(auditor)

    def staff_reads():
        rows = client.get(f"/audit/people/{person.pk}/").context["page_obj"].object_list
        return [(r.username, r.case_id, r.details.get("page")) for r in rows if r.object_type != "audit"]

    assert staff_reads() == [(officer.username, case.pk, "parties")]
    other = CaseFactory(by=officer, ward=case.ward)
    client.force_login(officer)
    client.get(f"/cases/{other.reference}/")  # a case that does not name the person is not theirs to see
    client.force_login(auditor)
    assert staff_reads() == [(officer.username, case.pk, "parties")]

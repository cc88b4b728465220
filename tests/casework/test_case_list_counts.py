"""The case list's filtered count from maintained counts (casework/list_counts.py, issue #23): kept by every share,
revocation, status change and ward edit; exact; the same number the page showed before; never across two groups."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from casework import access, list_counts, selectors, services, views
from casework.filters import NEWEST_FIRST
from casework.models import Case, CaseCategory, CaseListCount, CaseOutcome, CaseShare, CaseStatus, LegalBasis
from common import keyset
from tests.factories import WardFactory

OPEN_STATUSES = [CaseStatus.OPEN, CaseStatus.INVESTIGATING, CaseStatus.ENFORCEMENT, CaseStatus.MONITORING]


def _open(officer, ward, n) -> Case:
    return services.create_case(
        by=officer, title=f"Noise {n}", category=CaseCategory.NOISE, description="Loud music", ward=ward
    )


@pytest.fixture
def other_ward(db):
    return WardFactory(name="Colindale", code="colindale")


@pytest.fixture
def cases(officer, ward, other_ward, barnet_homes, police):
    """Sixteen council cases over two wards: shares with Barnet Homes and the police (some revoked, one widened
    to change), status changes and closures, and cases moved to the other ward after they were shared."""
    made = [_open(officer, ward if n % 2 else other_ward, n) for n in range(16)]
    for n, case in enumerate(made):
        if n % 3 != 2:
            services.share_case(
                case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer
            )
        if n % 4 == 0:
            services.share_case(
                case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer
            )
        if n % 5 == 0:
            services.transition_case(case=case, by=officer, to=CaseStatus.INVESTIGATING)
        if n % 6 == 0:
            services.transition_case(
                case=case, by=officer, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes="Stopped"
            )
        if n % 7 == 0:
            current = Case.objects.get(pk=case.pk)
            services.update_case(case=current, by=officer, expected_version=current.version, ward=ward)
    for share in CaseShare.objects.filter(agency=barnet_homes).order_by("pk")[:3]:
        services.revoke_share(share=share, by=officer, reason="No longer needed")
    share = CaseShare.objects.filter(agency=barnet_homes, revoked_at__isnull=True).order_by("pk").first()
    services.share_case(
        case=share.case,
        agency=barnet_homes,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Repairs",
        by=officer,
        can_change=True,
    )
    return made


@pytest.mark.django_db
def test_counts_kept_by_the_services_equal_a_fresh_count(cases):
    assert CaseListCount.objects.exists()
    assert list_counts.differences() == []


@pytest.mark.django_db
def test_deleting_a_case_moves_its_counts(cases):
    Case.objects.filter(pk=cases[1].pk).delete()
    assert list_counts.differences() == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["housing_user", "police_user", "officer"])
def test_visible_count_is_the_number_the_capped_count_gives(request, cases, ward, other_ward, who):
    user = request.getfixturevalue(who)
    for ward_id in (ward.pk, other_ward.pk, None):
        for statuses in (OPEN_STATUSES, [CaseStatus.CLOSED], []):
            expected = access.visible_cases(user)
            if ward_id is not None:
                expected = expected.filter(ward_id=ward_id)
            if statuses:
                expected = expected.filter(status__in=statuses)
            assert access.visible_count(user, ward_id=ward_id, statuses=statuses) == expected.count(), (
                ward_id,
                statuses,
            )


@pytest.mark.django_db
def test_filtered_list_page_counts_from_the_maintained_counts(client, cases, ward, housing_user, monkeypatch):
    def no_capped_count(*args, **kwargs):
        raise AssertionError("the filtered list should not probe every candidate")

    client.force_login(housing_user)
    query = f"?ward={ward.pk}&status=open&status=investigating&status=enforcement&status=monitoring"
    client.get("/cases/" + query)  # warm up: the first request creates the audit chain head
    with CaptureQueriesContext(connection) as plain:
        client.get("/cases/")
    monkeypatch.setattr(keyset, "count_up_to", no_capped_count)
    with CaptureQueriesContext(connection) as filtered:
        response = client.get("/cases/" + query)
    expected = access.visible_cases(housing_user).filter(ward=ward, status__in=OPEN_STATUSES).count()
    assert response.context["case_count"] == expected > 0
    assert not response.context["more_than_count"]
    # the same queries as the unfiltered page, plus the ward the filter form looks up; the count replaced, not added
    assert len(filtered.captured_queries) == len(plain.captured_queries) + 1, [q["sql"][:90] for q in filtered]
    assert not [q for q in filtered.captured_queries if 'COUNT(*) FROM (SELECT "casework_case"' in q["sql"]]


@pytest.mark.django_db
def test_other_lists_keep_the_capped_count(client, cases, ward, housing_user):
    client.force_login(housing_user)
    response = client.get(f"/cases/?ward={ward.pk}&category={CaseCategory.NOISE}")
    expected = access.visible_cases(housing_user).filter(ward=ward, category=CaseCategory.NOISE).count()
    assert response.context["case_count"] == expected


@pytest.mark.django_db
def test_a_case_seen_through_two_groups_is_never_counted_twice(cases, ward, housing_user, police):
    """A user whose two groups hold cases in the filter: the counts cannot say how many distinct cases, so the
    capped live count answers (visible_count says None)."""
    housing_user.groups.add(police.group)
    housing_user = type(housing_user).objects.get(pk=housing_user.pk)  # no cached group ids
    assert access.visible_count(housing_user, ward_id=None, statuses=[]) is None
    assert access.visible_cases(housing_user).count() < sum(
        CaseListCount.objects.filter(group_id__in=access.group_ids_of(housing_user)).values_list("cases", flat=True)
    )


@pytest.mark.django_db
def test_user_level_permissions_and_managers_use_the_capped_count(cases, housing_user, manager):
    assert access.visible_count(manager, ward_id=None, statuses=[]) is None
    assign_perm(access.VIEW, housing_user, cases[2])
    housing_user = type(housing_user).objects.get(pk=housing_user.pk)
    assert access.visible_count(housing_user, ward_id=None, statuses=[]) is None


@pytest.mark.django_db
def test_rebuild_repairs_the_counts_and_check_reports_a_difference(cases):
    CaseListCount.objects.filter(pk=CaseListCount.objects.first().pk).update(cases=99)
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_case_list_counts", "--check")
    call_command("rebuild_case_list_counts")
    call_command("rebuild_case_list_counts", "--check")
    assert list_counts.differences() == []


def _no_capped_count(*args, **kwargs):
    raise AssertionError("the unfiltered list should not probe every visible case")


def _first_row_cursor(user) -> str:
    return keyset.paginate(selectors.case_list(user=user), NEWEST_FIRST, 1).next_cursor


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["housing_user", "police_user", "officer"])
def test_unfiltered_list_counts_from_the_maintained_counts(request, client, cases, who, monkeypatch):
    """Every case the user may see is the counts' ward None, statuses (): the first page, a later page, the last
    page, another page size or sort order (none of them filters) all show the exact number without the capped
    count."""
    user = request.getfixturevalue(who)
    client.force_login(user)
    expected = access.visible_cases(user).count()
    assert expected > 0
    monkeypatch.setattr(keyset, "count_up_to", _no_capped_count)
    for query in (
        {},
        {"cursor": _first_row_cursor(user)},
        {"page": "last"},
        {"per_page": "50", "sort": "reference"},
        # the form applied with nothing chosen
        {key: "" for key in ("category", "ward", "lead_agency", "officer", "risk_level", "opened_after", "sort")}
        | {"q": " ", "opened_before": "", "per_page": "25"},
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/", query)
        assert response.status_code == 200
        assert response.context["case_count"] == expected, query
        assert not response.context["more_than_count"]
        assert f"{expected} case{'s' if expected != 1 else ''} found.".encode() in response.content
        assert not [q for q in queries.captured_queries if 'COUNT(*) FROM (SELECT "casework_case"' in q["sql"]]


@pytest.mark.django_db
def test_unfiltered_list_says_more_than_the_limit_from_the_maintained_counts(client, cases, housing_user, monkeypatch):
    monkeypatch.setattr(views, "CASE_COUNT_LIMIT", 3)
    monkeypatch.setattr(keyset, "count_up_to", _no_capped_count)
    client.force_login(housing_user)
    assert access.visible_cases(housing_user).count() > 3
    response = client.get("/cases/")
    assert response.context["case_count"] == 3
    assert response.context["more_than_count"]
    assert b"More than 3 cases found: add filters to narrow them down." in response.content


def _spy_on_capped_count(monkeypatch) -> list:
    calls: list = []
    capped = keyset.count_up_to

    def spy(queryset, limit):
        calls.append(limit)
        return capped(queryset, limit)

    monkeypatch.setattr(keyset, "count_up_to", spy)
    return calls


@pytest.mark.django_db
def test_unfiltered_list_keeps_the_capped_count_for_managers(client, cases, manager, monkeypatch):
    calls = _spy_on_capped_count(monkeypatch)
    client.force_login(manager)
    for query in ({}, {"page": "last"}):
        response = client.get("/cases/", query)
        assert response.context["case_count"] == Case.objects.count()
    assert len(calls) == 2


@pytest.mark.django_db
def test_unfiltered_list_keeps_the_capped_count_for_user_level_permissions(client, cases, housing_user, monkeypatch):
    hidden = next(case for case in cases if not access.visible_cases(housing_user).filter(pk=case.pk).exists())
    assign_perm(access.VIEW, housing_user, hidden)
    housing_user = type(housing_user).objects.get(pk=housing_user.pk)  # no cached permissions
    calls = _spy_on_capped_count(monkeypatch)
    client.force_login(housing_user)
    response = client.get("/cases/")
    assert response.context["case_count"] == access.visible_cases(housing_user).count()
    assert calls


@pytest.mark.django_db
def test_unfiltered_list_keeps_the_capped_count_across_two_groups(client, cases, housing_user, police, monkeypatch):
    housing_user.groups.add(police.group)
    calls = _spy_on_capped_count(monkeypatch)
    client.force_login(housing_user)
    response = client.get("/cases/")
    assert response.context["case_count"] == access.visible_cases(housing_user).count()
    assert calls

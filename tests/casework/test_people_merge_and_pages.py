"""Merging and unmerging duplicate people; the person and place pages; repeat flags."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AccessLog
from casework import people, services
from casework.errors import NotAllowed
from casework.models import Case, CaseParty, LegalBasis, PartyRole, Person, PersonMerge
from tests.factories import CaseFactory, open_case_at, open_cases_at_one_address


def _party(case, by, first, last, role=PartyRole.VICTIM, anonymous=False, **details):
    person = services.create_person(by=by, first_name=first, last_name=last, **details)
    services.add_party(case=case, by=by, role=role, person=person, is_anonymous=anonymous)
    return person


def _link(case, by, person, role=PartyRole.VICTIM):
    services.add_party(case=case, by=by, role=role, person=person)


@pytest.fixture
def duplicates(officer, ward):
    """One woman recorded twice by the council: "Maria Kowalska" on two cases, "Marie Kowalski" on a third."""
    first, second, third = (CaseFactory(by=officer, ward=ward) for _ in range(3))
    survivor = _party(first, officer, "Maria", "Kowalska")
    _link(second, officer, survivor)
    duplicate = _party(third, officer, "Marie", "Kowalski")
    return survivor, duplicate, (first, second, third)


# --- merge and unmerge --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_merge_keeps_every_case_link_and_says_who_did_it(duplicates, officer):
    survivor, duplicate, cases = duplicates
    merge = people.merge_people(survivor=survivor, duplicate=duplicate, by=officer, reason="Same date of birth")
    assert set(CaseParty.objects.filter(person=survivor).values_list("case_id", flat=True)) == {c.pk for c in cases}
    assert not CaseParty.objects.filter(person=duplicate).exists()
    duplicate.refresh_from_db()
    assert duplicate.merged_into == survivor
    assert merge.merged_by == officer and merge.moved_party_ids
    assert duplicate.history.first().history_user == officer
    assert "Merged into person" in duplicate.history.first().history_change_reason
    party_history = CaseParty.history.filter(id=merge.moved_party_ids[0]).first()
    assert party_history.history_user == officer and party_history.person_id == survivor.pk
    logged = AccessLog.objects.filter(object_type="person", details__event="person merged")
    assert {row.person_id for row in logged} == {survivor.pk, duplicate.pk}
    assert all(row.username == officer.username for row in logged)


@pytest.mark.django_db
def test_unmerge_restores_both_people(duplicates, officer, ward):
    survivor, duplicate, (first, second, third) = duplicates
    merge = people.merge_people(survivor=survivor, duplicate=duplicate, by=officer, reason="Looked the same")
    later = CaseFactory(by=officer, ward=ward)
    _link(later, officer, survivor)  # added after the merge: stays with the survivor
    people.unmerge_people(merge=merge, by=officer, reason="Different dates of birth after all")
    assert set(CaseParty.objects.filter(person=duplicate).values_list("case_id", flat=True)) == {third.pk}
    assert set(CaseParty.objects.filter(person=survivor).values_list("case_id", flat=True)) == {
        first.pk,
        second.pk,
        later.pk,
    }
    duplicate.refresh_from_db()
    merge.refresh_from_db()
    assert duplicate.merged_into is None
    assert merge.unmerged_by == officer and merge.unmerge_reason.startswith("Different")
    assert AccessLog.objects.filter(details__event="person unmerged").count() == 2
    with pytest.raises(NotAllowed):
        people.unmerge_people(merge=merge, by=officer, reason="again")


@pytest.mark.django_db
def test_merging_needs_change_on_every_case_naming_them(duplicates, officer, police_user, housing_user, manager):
    survivor, duplicate, (first, _second, _third) = duplicates
    services.share_case(
        case=first,
        agency=police_user.membership.agency,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Patrols",
        by=officer,
        can_change=True,
    )
    for user in (police_user, housing_user, manager):
        with pytest.raises(NotAllowed):
            people.merge_people(survivor=survivor, duplicate=duplicate, by=user, reason="Same")
    assert not PersonMerge.objects.exists()


@pytest.mark.django_db
def test_a_person_on_another_agencys_case_cannot_be_merged_by_the_council(duplicates, officer, police_user, ward):
    survivor, duplicate, _ = duplicates
    police_case = CaseFactory(by=police_user, ward=ward)
    _link(police_case, police_user, duplicate)
    with pytest.raises(NotAllowed):
        people.merge_people(survivor=survivor, duplicate=duplicate, by=officer, reason="Same")


@pytest.mark.django_db
def test_merge_and_unmerge_through_the_pages(client, duplicates, officer):
    survivor, duplicate, _ = duplicates
    client.force_login(officer)
    page = client.get(f"/people/{survivor.pk}/merge/")
    assert page.status_code == 200 and "Marie Kowalski" in page.content.decode()
    response = client.post(f"/people/{survivor.pk}/merge/", {"duplicate": str(duplicate.pk), "reason": "Same DOB"})
    assert response.status_code == 302
    merge = PersonMerge.objects.get()
    detail = client.get(f"/people/{survivor.pk}/").content.decode()
    assert "Undo this merge" in detail
    assert client.get(f"/people/{duplicate.pk}/").status_code == 404  # no case names the merged-away record now
    response = client.post(f"/people/merges/{merge.pk}/unmerge/", {"reason": "Two people"})
    assert response.status_code == 302
    assert client.get(f"/people/{duplicate.pk}/").status_code == 200


@pytest.mark.django_db
def test_a_reader_cannot_merge_and_an_outsider_gets_404(client, duplicates, officer, manager, police_user):
    survivor, duplicate, _ = duplicates
    merge = people.merge_people(survivor=survivor, duplicate=duplicate, by=officer, reason="Same")
    client.force_login(manager)
    assert client.get(f"/people/{survivor.pk}/").status_code == 200
    assert client.get(f"/people/{survivor.pk}/merge/").status_code == 403
    assert client.post(f"/people/merges/{merge.pk}/unmerge/", {"reason": "x"}).status_code == 403
    client.force_login(police_user)
    for url in (f"/people/{survivor.pk}/", f"/people/{survivor.pk}/merge/", f"/people/merges/{merge.pk}/unmerge/"):
        assert client.get(url).status_code == 404, url
    assert PersonMerge.objects.get().unmerged_at is None


# --- person and place pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_person_page_lists_visible_cases_with_roles_and_logs_the_read(client, duplicates, officer, police_user, ward):
    survivor, _duplicate, (first, second, _third) = duplicates
    _link(first, officer, survivor, PartyRole.WITNESS)
    hidden = CaseFactory(by=police_user, ward=ward, title="Police only matter")
    _link(hidden, police_user, survivor)
    client.force_login(officer)
    body = client.get(f"/people/{survivor.pk}/").content.decode()
    assert first.reference in body and second.reference in body and "Victim, Witness" in body
    assert hidden.reference not in body and "Police only matter" not in body
    row = AccessLog.objects.filter(object_type="person", person_id=survivor.pk).latest("at")
    assert row.action == "view" and set(row.details["cases"]) == {first.pk, second.pk}


@pytest.mark.django_db
def test_person_page_is_404_for_unshared_and_for_an_anonymous_victim_to_a_partner(
    client, shared_case, officer, housing_user, police_user
):
    victim = shared_case.parties.get(role=PartyRole.VICTIM).person  # anonymous
    perp = shared_case.parties.get(role=PartyRole.PERSON_CAUSING_HARM).person
    client.force_login(housing_user)
    assert client.get(f"/people/{victim.pk}/").status_code == 404
    assert client.get(f"/people/{perp.pk}/").status_code == 200
    client.force_login(police_user)
    assert client.get(f"/people/{perp.pk}/").status_code == 404
    client.force_login(officer)
    assert client.get(f"/people/{victim.pk}/").status_code == 200


@pytest.mark.django_db
def test_person_page_query_count_is_constant(client, officer, ward):
    person = Person.objects.none()

    def grow(n):
        nonlocal person
        for _ in range(n):
            case = CaseFactory(by=officer, ward=ward)
            if not person:
                person = _party(case, officer, "Maria", "Kowalska")
            else:
                _link(case, officer, person)

    client.force_login(officer)
    grow(1)
    client.get(f"/people/{person.pk}/")
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/people/{person.pk}/").status_code == 200
    grow(5)
    with CaptureQueriesContext(connection) as six:
        assert client.get(f"/people/{person.pk}/").status_code == 200
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]


@pytest.mark.django_db
def test_place_page_lists_visible_cases_at_the_postcode_only(client, officer, police_user, housing_user, ward):
    mine = services.open_case(
        by=officer,
        title="Noise at the flats",
        category="noise",
        description="x",
        ward=ward,
        address_line1="1 Grove Court",
        postcode="nw95xx",
    )
    theirs = services.open_case(
        by=police_user,
        title="Police matter at the flats",
        category="noise",
        description="x",
        ward=ward,
        address_line1="2 Grove Court",
        postcode="NW9 5XX",
    )
    client.force_login(officer)
    response = client.get("/people/places/NW95XX/")
    body = response.content.decode()
    assert response.status_code == 200 and mine.reference in body and theirs.reference not in body
    assert AccessLog.objects.filter(object_type="place", object_id="NW9 5XX").exists()
    client.force_login(housing_user)
    assert client.get("/people/places/NW95XX/").status_code == 404


# --- repeat flags -------------------------------------------------------------------------------------------


def _old(case, days):
    type(case).objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
def test_repeat_victim_counts_cases_in_the_window_across_agencies(officer, police_user, ward, settings):
    settings.CASEWORK = {**settings.CASEWORK, "REPEAT_WINDOW_MONTHS": 12}
    cases = [CaseFactory(by=officer, ward=ward) for _ in range(2)]
    victim = _party(cases[0], officer, "Maria", "Kowalska")
    _link(cases[1], officer, victim)
    police_case = CaseFactory(by=police_user, ward=ward)
    _link(police_case, police_user, victim)
    too_old = CaseFactory(by=officer, ward=ward)
    _link(too_old, officer, victim)
    _old(too_old, 400)
    flags = people.repeat_flags_for([cases[0].pk])[cases[0].pk]
    assert [str(f) for f in flags] == ["Repeat victim (3 cases in 12 months)"]
    settings.CASEWORK = {**settings.CASEWORK, "REPEAT_WINDOW_MONTHS": 24}
    assert str(people.repeat_flags_for([cases[0].pk])[cases[0].pk][0]) == "Repeat victim (4 cases in 24 months)"


@pytest.mark.django_db
def test_repeat_perpetrator_and_location(officer, ward):
    a, b = open_cases_at_one_address(by=officer, ward=ward)
    c = open_case_at(by=officer, ward=ward, line="9 Other Road", postcode="NW9 5XX")
    perp = _party(a, officer, "Kevin", "Loud", role=PartyRole.PERSON_CAUSING_HARM)
    _link(b, officer, perp, PartyRole.PERSON_CAUSING_HARM)
    flags = people.repeat_flags_for([a.pk, c.pk])
    assert [str(f) for f in flags[a.pk]] == [
        "Repeat perpetrator (2 cases in 12 months)",
        "Repeat location (2 cases in 12 months)",
    ]
    assert c.pk not in flags


@pytest.mark.django_db
def test_case_page_and_my_work_show_the_count_but_never_the_other_cases(client, officer, police_user, ward):
    case = CaseFactory(by=officer, ward=ward, officer=officer)
    victim = _party(case, officer, "Maria", "Kowalska")
    for _ in range(2):
        _link(CaseFactory(by=police_user, ward=ward, title="Police only matter"), police_user, victim)
    client.force_login(officer)
    summary = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Repeat victim (3 cases in 12 months)" in summary and "Police only matter" not in summary
    home = client.get("/").content.decode()
    assert f"{case.reference}: Repeat victim (3 cases in 12 months)" in home


@pytest.mark.django_db
def test_cases_opened_with_the_same_uprn_share_the_place(client, officer, ward):
    client.force_login(officer)
    for title, line1 in (("First report", "Flat 3, Grove Court"), ("Second report", "3 Grove Ct")):
        response = client.post(
            "/cases/new/",
            {
                "title": title,
                "category": "noise",
                "description": "Loud music",
                "ward": ward.pk,
                "address_line1": line1,
                "postcode": "nw95xx",
                "uprn": "200004001234",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    first, second = Case.objects.order_by("pk")
    assert first.address_id == second.address_id and first.address.postcode == "NW9 5XX"
    assert [str(f) for f in people.repeat_flags_for([second.pk])[second.pk]] == [
        "Repeat location (2 cases in 12 months)"
    ]
    missing = client.post(
        "/cases/new/",
        {"title": "x", "category": "noise", "description": "x", "ward": ward.pk, "uprn": "200004001234"},
    )
    assert "Enter the address this UPRN belongs to" in missing.content.decode()

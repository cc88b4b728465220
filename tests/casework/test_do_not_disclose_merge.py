"""Merging a protected person (#19): her do-not-disclose entries and safe contact move to the surviving record,
so no protection is lost, and an unmerge moves exactly those back."""

import pytest
from django.urls import reverse

from casework import people, safety, services
from casework.models import DoNotDisclose, LegalBasis, PartyRole, SafeContact
from tests.factories import CaseFactory

SURVIVOR_PHONE, DUPLICATE_PHONE = "07700 900441", "07700 900442"


def _victim(case, by, first, last, phone):
    person = services.create_person(by=by, first_name=first, last_name=last, phone=phone)
    return services.add_party(case=case, by=by, role=PartyRole.VICTIM, person=person)


def _share(case, agency, by):
    services.share_case(case=case, agency=agency, legal_basis=LegalBasis.CDA_S115, purpose="Joint work", by=by)


@pytest.fixture
def world(officer, ward, barnet_homes):
    """Maria on two cases shared with Barnet Homes; her duplicate "Marie" on a third, listing Barnet Homes."""
    first, second, third = (CaseFactory(by=officer, ward=ward) for _ in range(3))
    party = _victim(first, officer, "Maria", "Kowalska", SURVIVOR_PHONE)
    services.add_party(case=second, by=officer, role=PartyRole.VICTIM, person=party.person)
    dup_party = _victim(third, officer, "Marie", "Kowalski", DUPLICATE_PHONE)
    kevin = services.create_person(by=officer, first_name="Kevin", last_name="Loud")
    services.add_party(case=third, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    for case in (first, second, third):
        _share(case, barnet_homes, officer)
    safety.add_do_not_disclose(party=dup_party, by=officer, reason="Fled", withheld_from_agency=barnet_homes)
    safety.add_do_not_disclose(party=dup_party, by=officer, reason="Ex-partner", withheld_from_person=kevin)
    safety.set_safe_contact(party=dup_party, by=officer, text_ok=True, safe_times="Mornings")
    return party.person, dup_party.person, kevin, (first, second, third)


def _parties_page(client, user, case) -> str:
    client.force_login(user)
    response = client.get(reverse("casework:case_parties", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_merge_keeps_her_protection_on_every_case_and_an_unmerge_restores_it(client, world, officer, housing_user):
    survivor, duplicate, kevin, cases = world
    assert SURVIVOR_PHONE in _parties_page(client, housing_user, cases[0])
    merge = people.merge_people(survivor=survivor, duplicate=duplicate, by=officer, reason="Same woman")

    for case in cases:
        page = _parties_page(client, housing_user, case)
        assert "Withheld" in page and SURVIVOR_PHONE not in page and DUPLICATE_PHONE not in page
    entries = DoNotDisclose.objects.filter(person=survivor, ended_at__isnull=True)
    assert {(e.withheld_from_agency_id is not None, e.withheld_from_person_id) for e in entries} == {
        (True, None),
        (False, kevin.pk),
    }
    assert SafeContact.objects.get(person=survivor).safe_times == "Mornings"
    moved = entries.first().history.first()
    assert moved.history_user == officer and moved.history_change_reason.startswith("Person merged")
    assert set(merge.moved_records["do_not_disclose"]) == set(entries.values_list("pk", flat=True))

    people.unmerge_people(merge=merge, by=officer, reason="Two women after all")
    assert SURVIVOR_PHONE in _parties_page(client, housing_user, cases[0])
    page = _parties_page(client, housing_user, cases[2])
    assert DUPLICATE_PHONE not in page and "Withheld" in page
    assert DoNotDisclose.objects.filter(person=duplicate, ended_at__isnull=True).count() == 2
    assert not DoNotDisclose.objects.filter(person=survivor).exists()
    assert SafeContact.objects.get(person=duplicate).safe_times == "Mornings"
    assert not SafeContact.objects.filter(person=survivor).exists()
    back = DoNotDisclose.objects.filter(person=duplicate).first().history.first()
    assert back.history_user == officer and back.history_change_reason.startswith("Merge undone")


@pytest.mark.django_db
def test_the_survivors_own_entries_and_safe_contact_win_and_the_merge_says_so(client, world, officer, barnet_homes):
    survivor, duplicate, _kevin, cases = world
    party = cases[0].parties.get(person=survivor)
    own = safety.add_do_not_disclose(party=party, by=officer, reason="Her own", withheld_from_agency=barnet_homes)
    safety.set_safe_contact(party=party, by=officer, phone_ok=True, safe_times="Evenings")
    merge = people.merge_people(survivor=survivor, duplicate=duplicate, by=officer, reason="Same woman")
    assert list(DoNotDisclose.objects.filter(person=survivor, withheld_from_agency=barnet_homes, ended_at=None)) == [
        own
    ]
    assert len(merge.moved_records["ended"]) == 1 and merge.moved_records["safe_contact_kept"] == "survivor"
    assert SafeContact.objects.get(person=survivor).safe_times == "Evenings"
    assert SafeContact.objects.get(person=duplicate).safe_times == "Mornings"
    people.unmerge_people(merge=merge, by=officer, reason="Two women")
    assert DoNotDisclose.objects.filter(person=duplicate, ended_at__isnull=True).count() == 2
    assert DoNotDisclose.objects.filter(person=survivor, ended_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_merging_the_ex_partner_keeps_him_on_her_list(world, officer, ward):
    """The person she is protected from is merged: documents addressed to the surviving record still leave her out."""
    _victim_person, duplicate, kevin, _cases = world
    other = CaseFactory(by=officer, ward=ward)
    kev = services.create_person(by=officer, first_name="Kev", last_name="Loud")
    services.add_party(case=other, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kev)
    from casework import access

    merge = people.merge_people(survivor=kev, duplicate=kevin, by=officer, reason="Same man")
    assert access.protected_from_people([kev.pk]) == {duplicate.pk}
    people.unmerge_people(merge=merge, by=officer, reason="Not the same")
    assert access.protected_from_people([kevin.pk]) == {duplicate.pk}
    assert access.protected_from_people([kev.pk]) == frozenset()


@pytest.mark.django_db
def test_the_merge_page_says_which_safe_contact_was_kept(client, world, officer):
    survivor, duplicate, _kevin, cases = world
    safety.set_safe_contact(party=cases[0].parties.get(person=survivor), by=officer, phone_ok=True)
    client.force_login(officer)
    response = client.post(
        reverse("people:person_merge", args=[survivor.pk]),
        {"duplicate": str(duplicate.pk), "reason": "Same woman"},
        follow=True,
    )
    assert response.status_code == 200
    assert people.SAFE_CONTACT_KEPT.split(":")[0] in response.content.decode()

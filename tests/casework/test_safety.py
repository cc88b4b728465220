"""Safe contact and do-not-disclose (casework.safety): who may keep them, clear refusals, history, the screens."""

import pytest

from audit.history import entries, readable
from casework import access, safety, services
from casework.errors import NotAllowed
from casework.models import DoNotDisclose, LegalBasis, PartyRole, SafeContact


@pytest.fixture
def victim_party(case, officer):
    alice = services.create_person(by=officer, first_name="Alice", last_name="Hidden", phone="07700 900777")
    return services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=alice)


@pytest.fixture
def kevin(case):
    return case.parties.get(role=PartyRole.PERSON_CAUSING_HARM).person


@pytest.mark.django_db
class TestServices:
    def test_safe_contact_is_kept_once_per_person_with_history(self, victim_party, officer):
        safety.set_safe_contact(party=victim_party, by=officer, phone_ok=True, safe_times="Mornings")
        contact = safety.set_safe_contact(
            party=victim_party, by=officer, text_ok=True, no_voicemail=True, safe_times=" Weekdays 10-2 "
        )
        assert SafeContact.objects.filter(person=victim_party.person).count() == 1
        assert contact.safe_channels == ["text"] and contact.no_voicemail and contact.safe_times == "Weekdays 10-2"
        history = list(contact.history.order_by("history_id"))
        assert [h.history_change_reason for h in history] == ["Safe contact recorded", "Safe contact changed"]
        assert all(h.history_user == officer for h in history)

    def test_entries_for_a_person_and_an_agency_with_history_and_an_end(self, victim_party, officer, kevin, police):
        by_person = safety.add_do_not_disclose(
            party=victim_party, by=officer, reason="Ex-partner", withheld_from_person=kevin
        )
        by_agency = safety.add_do_not_disclose(
            party=victim_party, by=officer, reason="Officer is a relative", withheld_from_agency=police
        )
        assert set(safety.open_entries(victim_party.person)) == {by_person, by_agency}
        assert access.protected_from_people([kevin.pk]) == {victim_party.person_id}
        safety.end_do_not_disclose(party=victim_party, entry_id=by_agency.pk, by=officer, reason="No longer needed")
        assert list(safety.open_entries(victim_party.person)) == [by_person]
        ended = DoNotDisclose.objects.get(pk=by_agency.pk)
        assert ended.ended_by == officer and ended.end_reason == "No longer needed"
        assert ended.history.latest("history_id").history_user == officer
        # ended, and added again: one open entry at a time
        again = safety.add_do_not_disclose(party=victim_party, by=officer, reason="Again", withheld_from_agency=police)
        assert again.pk != by_agency.pk

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({}, "Choose either a person or an agency"),
            (
                {"withheld_from_person": "kevin", "withheld_from_agency": "police"},
                "Choose either a person or an agency",
            ),
            ({"withheld_from_person": "kevin", "reason": "  "}, "Say why their details must not be disclosed"),
            ({"withheld_from_person": "self"}, "cannot be on their own do-not-disclose list"),
            ({"withheld_from_agency": "council"}, "The lead agency holds the case"),
        ],
    )
    def test_bad_entries_are_refused_clearly_and_nothing_is_saved(
        self, victim_party, officer, kevin, police, council, kwargs, message
    ):
        things = {"kevin": kevin, "police": police, "council": council, "self": victim_party.person}
        args = {"reason": "Because", **{k: things.get(v, v) if k != "reason" else v for k, v in kwargs.items()}}
        with pytest.raises(NotAllowed, match=message):
            safety.add_do_not_disclose(party=victim_party, by=officer, **args)
        assert not DoNotDisclose.objects.exists()

    def test_the_same_entry_twice_is_refused(self, victim_party, officer, kevin):
        safety.add_do_not_disclose(party=victim_party, by=officer, reason="Ex-partner", withheld_from_person=kevin)
        with pytest.raises(NotAllowed, match="Kevin Loud is already on the do-not-disclose list"):
            safety.add_do_not_disclose(party=victim_party, by=officer, reason="Again", withheld_from_person=kevin)

    def test_ending_an_entry_of_someone_else_or_without_a_reason_is_refused(self, victim_party, officer, kevin, case):
        entry = safety.add_do_not_disclose(party=victim_party, by=officer, reason="Ex", withheld_from_person=kevin)
        maria = case.parties.get(role=PartyRole.VICTIM, person__last_name="Secretname")
        with pytest.raises(NotAllowed, match="not on this person's do-not-disclose list"):
            safety.end_do_not_disclose(party=maria, entry_id=entry.pk, by=officer, reason="x")
        with pytest.raises(NotAllowed, match="Say why"):
            safety.end_do_not_disclose(party=victim_party, entry_id=entry.pk, by=officer, reason=" ")

    def test_only_the_lead_agency_keeps_them(self, victim_party, officer, police, police_user, manager, case):
        services.share_case(
            case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="x", by=officer, can_change=True
        )
        for user in (police_user, manager):
            with pytest.raises(NotAllowed, match="Only the lead agency"):
                safety.set_safe_contact(party=victim_party, by=user, phone_ok=True)
        assert not SafeContact.objects.exists()

    def test_only_for_victims_witnesses_and_complainants(self, case, officer):
        perpetrator = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM)
        with pytest.raises(NotAllowed, match="victim, witness or complainant"):
            safety.set_safe_contact(party=perpetrator, by=officer, phone_ok=True)

    def test_history_reads_as_words(self, victim_party, officer, kevin, police):
        safety.set_safe_contact(party=victim_party, by=officer, phone_ok=True, no_voicemail=True)
        safety.add_do_not_disclose(party=victim_party, by=officer, reason="Ex", withheld_from_person=kevin)
        safety.add_do_not_disclose(party=victim_party, by=officer, reason="Relative", withheld_from_agency=police)
        found = readable(entries(DoNotDisclose.history.all(), model_label="Do not disclose"))
        found += readable(entries(SafeContact.history.all(), model_label="Safe contact"))
        values = {change.label: change.after for entry in found for change in entry.changes}
        assert values["Withheld from (person)"] == "Kevin Loud"
        assert values["Withheld from (agency)"] == "Metropolitan Police" and values["Person"] == "Alice Hidden"
        assert values["Do not leave voicemail"] == "Yes"


@pytest.mark.django_db
class TestScreens:
    def test_the_lead_records_safe_contact_and_the_list(self, client, victim_party, officer, kevin, barnet_homes):
        client.force_login(officer)
        base = f"/cases/{victim_party.case.reference}/parties/{victim_party.pk}/safety/"
        parties = client.get(f"/cases/{victim_party.case.reference}/parties/").content.decode()
        assert base in parties
        response = client.post(base, {"phone_ok": "on", "no_voicemail": "on", "safe_times": "Weekdays 10-2"})
        assert response.status_code == 302
        page = client.get(base).content.decode()
        assert "Weekdays 10-2" in page and "No one is on the list" in page
        response = client.post(base + "withhold/", {"withheld_from_person": kevin.pk, "reason": "Ex-partner"})
        assert response.status_code == 302
        response = client.post(base + "withhold/", {"withheld_from_agency": barnet_homes.pk, "reason": "Refuge"})
        assert response.status_code == 302
        page = client.get(base).content.decode()
        assert "Kevin Loud" in page and "Barnet Homes (agency)" in page
        parties = client.get(f"/cases/{victim_party.case.reference}/parties/").content.decode()
        assert "Phone; no voicemail; Weekdays 10-2" in parties
        entry = DoNotDisclose.objects.get(withheld_from_agency=barnet_homes)
        response = client.post(base + "withhold/end/", {"entry": entry.pk, "reason": "Moved on"})
        assert response.status_code == 302
        assert "Barnet Homes (agency)" not in client.get(base).content.decode()

    def test_bad_input_shows_an_error_and_saves_nothing(self, client, victim_party, officer, kevin, barnet_homes):
        client.force_login(officer)
        base = f"/cases/{victim_party.case.reference}/parties/{victim_party.pk}/safety/"
        body = client.post(base + "withhold/", {"reason": "x"}).content.decode()
        assert "Choose a person or an agency not to disclose to" in body
        body = client.post(
            base + "withhold/", {"withheld_from_person": kevin.pk, "withheld_from_agency": barnet_homes.pk}
        ).content.decode()
        assert "Say why their details must not be disclosed" in body
        body = client.post(base, {"safe_times": "x" * 201}).content.decode()
        assert "Safe times must be 200 characters or fewer" in body
        assert not DoNotDisclose.objects.exists() and not SafeContact.objects.exists()

    def test_a_party_of_another_case_or_a_perpetrator_is_404(self, client, victim_party, officer, case, ward):
        from tests.factories import CaseFactory

        other = CaseFactory(by=officer, ward=ward)
        client.force_login(officer)
        assert client.get(f"/cases/{other.reference}/parties/{victim_party.pk}/safety/").status_code == 404
        perpetrator = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM)
        assert client.get(f"/cases/{case.reference}/parties/{perpetrator.pk}/safety/").status_code == 404

    def test_a_listed_agency_is_shown_withheld_and_the_person_page_too(
        self, client, victim_party, officer, housing_user, barnet_homes, case
    ):
        services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="x", by=officer)
        client.force_login(housing_user)
        assert "07700 900777" in client.get(f"/people/{victim_party.person_id}/").content.decode()
        safety.add_do_not_disclose(party=victim_party, by=officer, reason="Refuge", withheld_from_agency=barnet_homes)
        person = client.get(f"/people/{victim_party.person_id}/").content.decode()
        assert "07700 900777" not in person and "Withheld" in person and "Alice Hidden" in person

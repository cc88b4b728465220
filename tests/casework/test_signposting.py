"""Signposting across agencies (#19, decision 0016): off by default, switched on only by a recorded partnership
decision; when on, a partner looking at a person they hold is told which other agencies hold records of them,
the agencies' names and nothing else, and each signpost is a disclosure-log row with its legal basis."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog, Disclosure, DisclosureKind
from casework import roles, safety, services, signposting
from casework.errors import NotAllowed
from casework.models import CaseParty, LegalBasis, PartyRole, SignpostingDecision
from tests.factories import AgencyFactory, CaseFactory, make_member

pytestmark = pytest.mark.django_db

HIDDEN_TITLE = "Rent arrears and threats at Flat 9"
HIDDEN_DESCRIPTION = "Tenant threatened the housing officer with a bat."


@pytest.fixture
def housing_officer(barnet_homes):
    return make_member(barnet_homes, roles.ENFORCEMENT_OFFICER, "housing-officer")


@pytest.fixture
def kevin(officer, police, housing_officer, ward):
    """Kevin Loud: on a council case shared with the police (so the police hold him), on a Barnet Homes case the
    police cannot see, and on a council case shared with probation, which the police cannot see either."""
    seen = CaseFactory(by=officer, ward=ward, title="Shared stairwell case")
    kevin = services.create_person(by=officer, first_name="Kevin", last_name="Loud")
    services.add_party(case=seen, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    services.share_case(case=seen, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer)
    hidden = CaseFactory(by=housing_officer, ward=ward, title=HIDDEN_TITLE, description=HIDDEN_DESCRIPTION)
    services.add_party(case=hidden, by=housing_officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    other = CaseFactory(by=officer, ward=ward, title="Council-only case about Kevin")
    services.add_party(case=other, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    probation = AgencyFactory(name="London Probation Service", short_name="probation")
    services.share_case(case=other, agency=probation, legal_basis=LegalBasis.CDA_S115, purpose="Licence", by=officer)
    kevin.hidden_case, kevin.other_case = hidden, other
    return kevin


def switch_on(admin_user, basis=LegalBasis.ISA):
    return signposting.record_decision(
        enabled=True,
        legal_basis=basis,
        purpose="",
        decided_on=date(2026, 11, 30),
        decision_reference="Safer Communities Partnership Board, 30 November 2026, minute 7",
        by=admin_user,
    )


def person_page(client, user, person) -> str:
    client.force_login(user)
    response = client.get(reverse("people:person_detail", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- off by default ---------------------------------------------------------------------------------------------


def test_off_by_default_nothing_is_shown_and_nothing_logged(client, police_user, kevin):
    assert signposting.current_decision() is None and not signposting.is_on()
    page = person_page(client, police_user, kevin)
    assert "Also involved" not in page and "Barnet Homes" not in page
    assert not Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).exists()


def test_switched_off_again_shows_nothing(client, police_user, admin_user, kevin):
    switch_on(admin_user)
    signposting.record_decision(
        enabled=False,
        legal_basis=LegalBasis.ISA,
        purpose="Paused pending the DPIA review",
        decided_on=date(2026, 12, 1),
        decision_reference="Board, 1 December 2026, minute 2",
        by=admin_user,
    )
    assert not signposting.is_on()
    assert "Also involved" not in person_page(client, police_user, kevin)
    assert not Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).exists()
    assert signposting.current_decision().legal_basis == ""  # an "off" decision discloses nothing, under nothing


# --- on: names only --------------------------------------------------------------------------------------------


def test_on_a_partner_sees_the_other_agencies_names_and_nothing_of_their_records(
    client, police_user, admin_user, kevin
):
    switch_on(admin_user)
    page = person_page(client, police_user, kevin)
    assert "Also involved" in page
    assert "Barnet Homes, LBB Community Safety and London Probation Service also hold records about Kevin Loud" in page
    for secret in (
        kevin.hidden_case.reference,
        HIDDEN_TITLE,
        HIDDEN_DESCRIPTION,
        kevin.other_case.reference,
        "Council-only case about Kevin",
        "Licence",
    ):
        assert secret not in page
    assert "Metropolitan Police also" not in page  # never the user's own agency


def test_agencies_whose_cases_the_user_sees_already_are_named_only_for_cases_they_cannot_see(
    client, officer, admin_user, kevin
):
    switch_on(admin_user)
    page = person_page(client, officer, kevin)  # the council sees its two cases; only Barnet Homes' is hidden
    assert "Barnet Homes also holds records about Kevin Loud" in page
    assert HIDDEN_TITLE not in page and kevin.hidden_case.reference not in page


def test_a_manager_who_sees_every_case_is_not_signposted(client, manager, admin_user, kevin):
    switch_on(admin_user)
    assert "Also involved" not in person_page(client, manager, kevin)
    assert not Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).exists()


def test_a_partner_who_cannot_see_the_person_gets_404_and_no_signpost(client, housing_user, admin_user, officer, ward):
    switch_on(admin_user)
    case = CaseFactory(by=officer, ward=ward)
    stranger = services.create_person(by=officer, first_name="Sam", last_name="Stranger")
    services.add_party(case=case, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=stranger)
    client.force_login(housing_user)
    assert client.get(reverse("people:person_detail", args=[stranger.pk])).status_code == 404
    assert not Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).exists()


def test_an_anonymous_victim_is_never_signposted(client, admin_user, officer, police, housing_officer, ward):
    """Anonymous on one case: who she is in touch with is not told to anyone, even where she is named."""
    switch_on(admin_user)
    named = CaseFactory(by=officer, ward=ward)
    maria = services.create_person(by=officer, first_name="Maria", last_name="Hidden")
    services.add_party(case=named, by=officer, role=PartyRole.VICTIM, person=maria)
    hidden = CaseFactory(by=housing_officer, ward=ward)
    services.add_party(case=hidden, by=housing_officer, role=PartyRole.VICTIM, person=maria, is_anonymous=True)
    page = person_page(client, officer, maria)
    assert "Also involved" not in page and "Barnet Homes" not in page
    assert not Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).exists()


def test_a_person_who_listed_the_users_agency_is_not_signposted_to_it(
    client, admin_user, officer, police, police_user, housing_officer, ward
):
    switch_on(admin_user)
    case = CaseFactory(by=officer, ward=ward)
    jane = services.create_person(by=officer, first_name="Jane", last_name="Careful")
    services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=jane)
    services.share_case(case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer)
    other = CaseFactory(by=housing_officer, ward=ward)
    services.add_party(case=other, by=housing_officer, role=PartyRole.VICTIM, person=jane)
    party = CaseParty.objects.get(case=case, person=jane)
    safety.add_do_not_disclose(
        party=party, by=officer, reason="Her ex-partner works there", withheld_from_agency=police
    )
    assert "Also involved" not in person_page(client, police_user, jane)
    assert not Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).exists()


# --- the disclosure log -----------------------------------------------------------------------------------------


def test_each_signpost_is_a_disclosure_with_its_legal_basis_once_a_day(client, police_user, admin_user, kevin):
    decision = switch_on(admin_user)
    person_page(client, police_user, kevin)
    rows = Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).order_by("from_agency")
    assert [row.from_agency for row in rows] == ["Barnet Homes", "LBB Community Safety", "London Probation Service"]
    for row in rows:
        assert row.to_agency == "Metropolitan Police" and row.user == police_user
        assert row.legal_basis == "Partnership information-sharing agreement"
        assert row.purpose == signposting.DEFAULT_PURPOSE
        assert row.object_type == "person" and row.object_id == str(kevin.pk) and row.case_id is None
        assert row.details["decision"] == decision.pk
    person_page(client, police_user, kevin)  # the same day: already logged
    assert Disclosure.objects.filter(kind=DisclosureKind.SIGNPOST).count() == 3


def test_the_auditors_person_screen_lists_the_signposts(client, police_user, admin_user, auditor, kevin):
    switch_on(admin_user)
    person_page(client, police_user, kevin)
    client.force_login(auditor)
    page = client.get(reverse("audit:person_disclosures", args=[kevin.pk])).content.decode()
    assert "Signposted" in page and "Barnet Homes" in page and "Partnership information-sharing agreement" in page


# --- who may switch it ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["police_user", "officer", "manager", "auditor"])
def test_only_an_administrator_records_the_decision(who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(NotAllowed, match="Only an administrator"):
        switch_on(user)
    assert not SignpostingDecision.objects.exists()


def test_switching_on_needs_a_reference_a_past_date_and_a_lawful_basis(admin_user):
    base = {"enabled": True, "purpose": "", "by": admin_user}
    with pytest.raises(NotAllowed, match="reference"):
        signposting.record_decision(
            **base, legal_basis=LegalBasis.ISA, decided_on=date(2026, 11, 30), decision_reference=" "
        )
    with pytest.raises(NotAllowed, match="today or in the past"):
        signposting.record_decision(
            **base,
            legal_basis=LegalBasis.ISA,
            decided_on=timezone.localdate() + timedelta(days=1),
            decision_reference="Board",
        )
    with pytest.raises(NotAllowed, match="lawful basis"):
        signposting.record_decision(**base, legal_basis="", decided_on=date(2026, 11, 30), decision_reference="Board")
    assert not SignpostingDecision.objects.exists()


def test_an_administrator_switches_it_on_in_the_admin_with_history_and_audit(client, admin_user, officer):
    client.force_login(admin_user)
    url = reverse("admin:casework_signpostingdecision_add")
    form = {
        "enabled": "on",
        "legal_basis": "",
        "purpose": "",
        "decided_on": "2026-11-30",
        "decision_reference": "Board minute 7",
    }
    response = client.post(url, form)
    assert response.status_code == 200 and "Choose the lawful basis" in response.content.decode()
    response = client.post(url, {**form, "legal_basis": LegalBasis.ISA})
    assert response.status_code == 302
    decision = signposting.current_decision()
    assert decision.enabled and decision.recorded_by == admin_user and decision.legal_basis == LegalBasis.ISA
    latest = decision.history.latest()
    assert latest.history_user == admin_user and "Signposting switched on" in latest.history_change_reason
    assert "30 November 2026" in latest.history_change_reason
    log = AccessLog.objects.get(object_type="signposting")
    assert log.user == admin_user and log.details["enabled"] is True and log.details["reference"] == "Board minute 7"
    # a decision is never changed or deleted: a new one is recorded instead
    change = reverse("admin:casework_signpostingdecision_change", args=[decision.pk])
    client.post(change, {**form, "enabled": "", "legal_basis": ""})
    decision.refresh_from_db()
    assert decision.enabled
    delete = reverse("admin:casework_signpostingdecision_delete", args=[decision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.force_login(officer)  # an officer cannot reach the screen
    assert client.get(url).status_code in (302, 403)


def test_the_information_governance_team_sees_the_decision_in_force(client, auditor, admin_user):
    client.force_login(auditor)
    url = reverse("governance:lawful_bases")
    assert "Off: the partnership board has not decided" in client.get(url).content.decode()
    switch_on(admin_user)
    page = client.get(url).content.decode()
    assert "On since the partnership board's decision of 30 November 2026" in page
    assert "minute 7" in page and "Partnership information-sharing agreement" in page

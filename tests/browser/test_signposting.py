"""An administrator records the partnership board's decision to switch signposting on; a police partner then opens
a person they hold and is told which other agencies hold records of him, and nothing of those records."""

import pytest
from playwright.sync_api import expect

from casework import roles, services
from casework.models import AgencyKind, LegalBasis, PartyRole
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, AgencyFactory, CaseFactory, WardFactory, make_member


@pytest.fixture
def kevin(transactional_db):
    ward = WardFactory(name="Burnt Oak", code="burnt-oak")
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    police = AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)
    homes = AgencyFactory(name="Barnet Homes", short_name="barnet-homes", kind=AgencyKind.HOUSING)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer")
    make_member(police, roles.PARTNER_CASEWORKER, "police")
    make_member(council, roles.ADMINISTRATOR, "admin")
    housing_officer = make_member(homes, roles.ENFORCEMENT_OFFICER, "housing-officer")
    kevin = services.create_person(by=officer, first_name="Kevin", last_name="Loud")
    shared = CaseFactory(by=officer, ward=ward, title="Shared stairwell case")
    services.add_party(case=shared, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    services.share_case(case=shared, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer)
    hidden = CaseFactory(by=housing_officer, ward=ward, title="Rent arrears and threats at Flat 9")
    services.add_party(case=hidden, by=housing_officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    kevin.hidden_case = hidden
    return kevin


def test_administrator_switches_signposting_on_and_a_police_partner_sees_the_signpost(page, kevin):
    sign_in(page, "police", PASSWORD)
    page.goto(f"/people/{kevin.pk}/")
    expect(page.get_by_role("heading", name="Kevin Loud", level=1)).to_be_visible()
    expect(page.get_by_text("Also involved")).to_have_count(0)  # off by default
    page.context.clear_cookies()

    sign_in(page, "admin", PASSWORD)
    page.goto("/admin/casework/signpostingdecision/add/")
    page.locator("#id_enabled").check()
    page.locator("#id_legal_basis").select_option(LegalBasis.ISA.value)
    page.locator("#id_decided_on").fill("2026-11-30")
    page.locator("#id_decision_reference").fill("Safer Communities Partnership Board, minute 7")
    page.locator("input[name=_save]").click()
    expect(page.get_by_text("was added successfully")).to_be_visible()
    page.context.clear_cookies()

    sign_in(page, "police", PASSWORD)
    page.goto(f"/people/{kevin.pk}/")
    expect(page.get_by_role("heading", name="Also involved")).to_be_visible()
    expect(page.get_by_text("Barnet Homes also holds records about Kevin Loud")).to_be_visible()
    expect(page.get_by_text("Rent arrears and threats at Flat 9")).to_have_count(0)
    expect(page.get_by_text(kevin.hidden_case.reference)).to_have_count(0)
    check_accessibility(page)

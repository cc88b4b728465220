"""An officer enters a victim the partnership already knows under a slightly different spelling, picks the match
the system proposes, and the case shows the repeat-victim flag (counted across agencies, details not shown)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from casework import roles, services
from casework.models import AgencyKind, PartyRole
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, AgencyFactory, CaseFactory, WardFactory, make_member


@pytest.fixture
def world(transactional_db):
    ward = WardFactory(name="Burnt Oak", code="burnt-oak")
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    police = AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")
    constable = make_member(police, roles.ENFORCEMENT_OFFICER, "constable")
    earlier = CaseFactory(by=officer, ward=ward, title="Threats on the landing")
    maria = services.create_person(
        by=officer, first_name="Maria", last_name="Kowalska", date_of_birth=date(1980, 3, 27)
    )
    services.add_party(case=earlier, by=officer, role=PartyRole.VICTIM, person=maria)
    police_case = CaseFactory(by=constable, ward=ward, title="Police-only harassment report")
    services.add_party(case=police_case, by=constable, role=PartyRole.VICTIM, person=maria)
    return CaseFactory(by=officer, ward=ward, title="Harassment at her new flat")


def test_officer_picks_the_known_victim_and_the_case_shows_a_repeat_victim(page, world):
    case = world
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/cases/{case.reference}/parties/add/")
    page.get_by_label("Victim").check()
    page.get_by_label("First name").fill("Marie")
    page.get_by_label("Last name").fill("Kowalski")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1980")
    page.get_by_role("button", name="Add party").click()

    expect(page.get_by_text("Is this someone already known?")).to_be_visible()
    match = page.get_by_label(re.compile(r"Maria Kowalska \(born 27 March 1980"))
    expect(match).to_be_visible()
    expect(page.get_by_text("Police-only harassment report")).to_have_count(0)
    check_accessibility(page)
    match.check()
    page.get_by_role("button", name="Add party").click()
    expect(page.get_by_text("Party added")).to_be_visible()
    expect(page.get_by_role("link", name="Maria Kowalska", exact=True)).to_be_visible()
    expect(page.get_by_text("Marie Kowalski")).to_have_count(0)

    page.get_by_role("link", name="Summary").click()
    expect(page.get_by_text("Repeat victim (3 cases in 12 months)")).to_be_visible()
    expect(page.get_by_text("Police-only harassment report")).to_have_count(0)
    check_accessibility(page)

    page.get_by_role("link", name="Parties").click()
    page.get_by_role("link", name="Maria Kowalska", exact=True).click()
    expect(page.get_by_role("heading", name="Maria Kowalska", level=1)).to_be_visible()
    expect(page.get_by_text("Repeat victim (3 cases in 12 months)")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.get_by_text("Police-only harassment report")).to_have_count(0)
    check_accessibility(page)

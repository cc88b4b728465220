"""The victim's journey (#20) in the browser: a victim's second report prompts the ASB Case Review explanation,
which is recorded; a high-risk case is referred to the CS MARAC from its page; a closed case's satisfaction
survey is answered without signing in and shows on the dashboard. Every page passes axe-core."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import closure, roles, services
from casework.models import AgencyKind, CaseReviewExplained, PartyRole
from marac.models import Referral
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import PASSWORD, AgencyFactory, CaseFactory, WardFactory, make_member


@pytest.fixture
def partnership(transactional_db, settings):
    settings.MARAC = {"COORDINATING_AGENCY": "lbb", "CORE_AGENCIES": ["lbb", "met"]}
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    police = AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")
    make_member(council, roles.MARAC_COORDINATOR, "coordinator")
    manager = make_member(council, roles.COMMUNITY_SAFETY_MANAGER, "manager")
    police_user = make_member(police, roles.PARTNER_CASEWORKER, "police", first_name="Mark", last_name="Dunne")
    ward = WardFactory(name="Burnt Oak")
    case = CaseFactory(by=officer, ward=ward, title="Threats to a disabled tenant", officer=officer)
    maria = services.create_person(by=officer, first_name="Maria", last_name="Okafor")
    services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=maria)
    return {"officer": officer, "manager": manager, "police": police_user, "case": case, "ward": ward, "maria": maria}


def test_a_victims_second_report_prompts_the_case_review_explanation_which_is_recorded(page, partnership):
    police_user, maria = partnership["police"], partnership["maria"]
    second = CaseFactory(by=police_user, ward=partnership["ward"], title="Threats again", officer=police_user)
    services.add_party(case=second, by=police_user, role=PartyRole.VICTIM, person=maria)
    sign_in(page, "police", PASSWORD)
    page.goto(f"/cases/{second.reference}/")
    expect(page.get_by_role("heading", name="Second report in 6 months")).to_be_visible()
    expect(page.get_by_text("Tell them about the ASB Case Review")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Record that they were told").click()
    expect(
        page.get_by_role("heading", name="Record that the victim was told about the ASB Case Review")
    ).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Victim").select_option(label="Maria Okafor (Victim)")
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Letter").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("was told about the ASB Case Review by letter")).to_be_visible()
    check_accessibility(page)
    assert CaseReviewExplained.objects.filter(case=second, told_by="letter").exists()


def test_a_high_risk_case_is_referred_to_cs_marac_from_its_page(page, partnership):
    case, officer = partnership["case"], partnership["officer"]
    services.record_risk_assessment(case=case, by=officer, answers={"self_harm": True}, repeat_victimisation_count=0)
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/cases/{case.reference}/")
    expect(page.get_by_text("Priority 1")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Refer to CS MARAC").click()
    expect(page).to_have_url(re.compile(r"/marac/referrals/new/\?case="))
    expect(page.get_by_label("Case reference")).to_have_value(case.reference)
    expect(page.get_by_label("High")).to_be_checked()
    check_accessibility(page)
    page.get_by_label("Why does this case need the CS MARAC?").fill(
        "Threats of violence; victim has thought of self-harm"
    )
    page.get_by_label("What has your agency already tried?").fill("Warning letter and patrols")
    page.get_by_label("Yes, the victim has consented to the referral").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text(f"{case.reference} referred to the CS MARAC")).to_be_visible()
    check_accessibility(page)
    assert Referral.objects.filter(case=case, risk_level="high").exists()


def test_a_closed_cases_survey_is_answered_without_signing_in_and_shows_on_the_dashboard(page, partnership):
    case, officer = partnership["case"], partnership["officer"]
    closure.request_closure(case=case, by=officer, outcome="resolved", reasons="Behaviour stopped")
    case.refresh_from_db()
    _, token = closure.issue_survey(case=case, by=officer)  # what the closure letter prints
    page.goto(f"/cases/public/survey/{token}/")
    expect(page.get_by_role("heading", name="Tell us how we handled your report")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Very satisfied").check()
    page.get_by_role("group", name="Were you kept informed while your case was open?").get_by_label("Yes").check()
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    check_accessibility(page)
    page.goto(f"/cases/public/survey/{token}/")
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    sign_in(page, "manager", PASSWORD)
    today = timezone.localdate()
    start = today - timedelta(days=today.day - 1)
    page.goto(
        f"/reports/?period=custom&start_0={start.day}&start_1={start.month}&start_2={start.year}"
        f"&end_0={today.day}&end_1={today.month}&end_2={today.year}"
    )
    expect(page.get_by_text("Satisfaction surveys answered: 1")).to_be_visible()
    expect(page.get_by_text("Victims satisfied with how their case was handled (%): 100")).to_be_visible()
    check_accessibility(page)

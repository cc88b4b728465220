"""Every other CS MARAC page, for the coordinator and for a partner, passes axe-core (WCAG 2.2 AA)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import roles
from casework.calendar import is_working_day
from casework.models import AgencyKind
from marac import services
from tests.browser.conftest import check_accessibility, follow, sign_in, sign_out
from tests.factories import PASSWORD, AgencyFactory, CaseFactory, MaracReferralFactory, WardFactory, make_member


@pytest.fixture(autouse=True)
def marac_settings(settings):
    settings.MARAC = {"COORDINATING_AGENCY": "lbb", "CORE_AGENCIES": ["lbb", "barnet-homes", "met"]}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def draft(transactional_db):
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    AgencyFactory(name="Barnet Homes", short_name="barnet-homes", kind=AgencyKind.HOUSING)
    police = AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer")
    coordinator = make_member(council, roles.MARAC_COORDINATOR, "coordinator")
    make_member(police, roles.PARTNER_CASEWORKER, "police")
    ward = WardFactory(name="Burnt Oak")
    day = timezone.localdate() + timedelta(days=7)
    while not is_working_day(day):
        day += timedelta(days=1)
    meeting = services.schedule_meetings(by=coordinator, first=day, count=1)[0]
    on_list = MaracReferralFactory(case=CaseFactory(by=officer, ward=ward), by=officer, accept_by=coordinator)
    services.generate_panel_list(meeting=meeting, by=coordinator)
    MaracReferralFactory(case=CaseFactory(by=officer, ward=ward), by=officer, accept_by=coordinator)  # addable
    asked = MaracReferralFactory(case=CaseFactory(by=officer, ward=ward), by=officer)
    services.request_more_information(referral=asked, by=coordinator, request="How many incidents?")
    return {"meeting": meeting, "entry": meeting.entries.get(referral=on_list), "on_list": on_list, "asked": asked}


def test_coordinator_and_partner_pages_pass_axe(page, draft):
    meeting, entry = draft["meeting"], draft["entry"]
    sign_in(page, "coordinator", PASSWORD)
    for url in (
        "/marac/",
        "/marac/meetings/",
        "/marac/meetings/schedule/",
        f"/marac/meetings/{meeting.pk}/",
        f"/marac/meetings/{meeting.pk}/edit/",
        f"/marac/meetings/{meeting.pk}/panel-list/",
        f"/marac/meetings/{meeting.pk}/panel-list/add/",
        f"/marac/meetings/{meeting.pk}/panel-list/publish/",
        f"/marac/meetings/{meeting.pk}/entries/{entry.pk}/",
        f"/marac/meetings/{meeting.pk}/entries/{entry.pk}/edit/",
        f"/marac/meetings/{meeting.pk}/attendance/",
        "/marac/referrals/",
        "/marac/referrals/new/",
        f"/marac/referrals/{draft['asked'].pk}/",
        f"/marac/referrals/{draft['on_list'].pk}/propose-closure/",
        "/marac/actions/",
        "/marac/statistics/",
    ):
        page.goto(url)
        assert "Page not found" not in page.content(), url
        check_accessibility(page)
    page.goto(f"/marac/meetings/{meeting.pk}/edit/")
    page.get_by_label("Day").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.goto("/marac/statistics/?start_0=1&start_1=4&start_2=2023&end_0=1&end_1=4&end_2=2022")
    expect(page.get_by_text("The end date must be the same as or after the start date").first).to_be_visible()
    check_accessibility(page)
    sign_out(page)

    sign_in(page, "officer", PASSWORD)
    page.goto(f"/marac/referrals/{draft['asked'].pk}/information/")
    check_accessibility(page)
    sign_out(page)

    sign_in(page, "police", PASSWORD)
    page.goto("/marac/research/")
    check_accessibility(page)
    follow(page.get_by_role("link", name=entry.case.reference))
    check_accessibility(page)
    page.get_by_role("button", name="Save research").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Yes").check()
    page.get_by_label("What your records hold").fill("One call about shouting")
    page.get_by_role("button", name="Save research").click()
    expect(page.get_by_text(f"Research on {entry.case.reference} recorded")).to_be_visible()
    check_accessibility(page)
    for url in ("/marac/", "/marac/meetings/", "/marac/actions/", "/marac/referrals/"):
        page.goto(url)
        check_accessibility(page)
    page.goto(f"/marac/meetings/{meeting.pk}/panel-list/")  # a draft list is not for partners
    expect(page.get_by_role("heading", name="Page not found", level=1)).to_be_visible()

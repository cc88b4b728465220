"""A full CS MARAC cycle in the browser: the police refer a case, the coordinator screens it, publishes
the panel list, runs the meeting (attendance, review, action), the chair's minutes are approved, the
police complete their action, and the case is closed at the next meeting. Every page passes axe-core."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework import roles
from casework import services as casework_services
from casework.calendar import is_working_day
from casework.models import AgencyKind, LegalBasis
from marac import services as marac_services
from marac.models import Meeting, Referral, ReferralStatus
from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out
from tests.factories import PASSWORD, AgencyFactory, CaseFactory, WardFactory, make_member


@pytest.fixture(autouse=True)
def marac_settings(settings):
    settings.MARAC = {"COORDINATING_AGENCY": "lbb", "CORE_AGENCIES": ["lbb", "barnet-homes", "met"]}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def partnership(transactional_db):
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    AgencyFactory(name="Barnet Homes", short_name="barnet-homes", kind=AgencyKind.HOUSING)
    police = AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")
    coordinator = make_member(council, roles.MARAC_COORDINATOR, "coordinator", first_name="Helen", last_name="Marsh")
    make_member(police, roles.PARTNER_CASEWORKER, "police", first_name="Mark", last_name="Dunne")
    case = CaseFactory(by=officer, ward=WardFactory(name="Burnt Oak"), title="Threats to a disabled tenant")
    casework_services.share_case(
        case=case,
        agency=police,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Joint problem-solving",
        by=officer,
        can_change=True,
    )
    today = timezone.localdate()
    first = today
    while not is_working_day(first):
        first -= timedelta(days=1)
    meeting, following = marac_services.schedule_meetings(by=coordinator, first=first, count=2)
    return {"case": case, "meeting": meeting, "next": following}


def _open_meeting(page, meeting: Meeting) -> None:
    page.get_by_role("link", name="CS MARAC").first.click()
    expect(page).to_have_url(re.compile(r"/marac/$"))
    page.get_by_role("navigation", name="CS MARAC sections").get_by_role("link", name="Meetings").click()
    expect(page).to_have_url(re.compile(r"/marac/meetings/$"))
    check_accessibility(page)
    page.get_by_role("link", name=meeting.date.strftime("%a %-d %b %Y")).click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/$"))
    check_accessibility(page)


def _publish(page, meeting: Meeting) -> None:
    page.get_by_role("navigation", name="Meeting sections").get_by_role("link", name="Panel list").click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/panel-list/$"))
    page.get_by_role("button", name="Generate the panel list").click()
    expect(page.get_by_text("1 case added to the panel list")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Publish the panel list").click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/panel-list/publish/$"))
    check_accessibility(page)
    page.get_by_role("button", name="Publish and email the agencies").click()
    expect(page.get_by_text(re.compile(r"Panel list published; \d agencies emailed"))).to_be_visible()
    check_accessibility(page)


def test_a_full_marac_cycle_from_referral_to_closure(page, partnership):
    case, meeting = partnership["case"], partnership["meeting"]

    # The police refer the case.
    sign_in(page, "police", PASSWORD)
    page.get_by_role("link", name="CS MARAC").first.click()
    expect(page).to_have_url(re.compile(r"/marac/$"))
    check_accessibility(page)
    page.get_by_role("link", name="Refer a case").click()
    expect(page).to_have_url(re.compile(r"/marac/referrals/new/$"))
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_label("Why does this case need the CS MARAC?").fill("Threats escalating; the victim is housebound.")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("What has your agency already tried?").fill("Two warnings and a CPN written warning")
    page.get_by_label("Yes, the victim has consented to the referral").check()
    page.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_text(f"{case.reference} referred to the CS MARAC")).to_be_visible()
    check_accessibility(page)
    sign_out(page)

    # The coordinator screens it: accepting shares the case with the core agencies.
    sign_in(page, "coordinator", PASSWORD)
    page.get_by_role("link", name="CS MARAC").first.click()
    expect(page).to_have_url(re.compile(r"/marac/$"))
    expect(page.get_by_text("Referrals awaiting screening (1)")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "marac-overview")
    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(r"/marac/referrals/\d+/"))
    check_accessibility(page)
    page.get_by_label("Accept: put the case on the CS MARAC and share it with the core agencies").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text(f"{case.reference} is on the CS MARAC. Shared with Barnet Homes")).to_be_visible()
    check_accessibility(page)

    # Panel list generated and published.
    _open_meeting(page, meeting)
    _publish(page, meeting)
    screenshot(page, "marac-panel-list")

    # The meeting: attendance, the review and an action for the police.
    page.get_by_role("navigation", name="Meeting sections").get_by_role("link", name="Attendance").click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/attendance/$"))
    check_accessibility(page)
    page.get_by_label("Metropolitan Police: attendance").select_option("present")
    page.get_by_label("Metropolitan Police: representative (optional)").fill("PC Dunne")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text("Attendance saved")).to_be_visible()
    page.get_by_role("navigation", name="Meeting sections").get_by_role("link", name="Panel list").click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/panel-list/$"))
    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/entries/\d+/$"))
    check_accessibility(page)
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Discussion summary").fill("Police and housing shared recent incidents.")
    page.get_by_label("Decisions").fill("Police to visit the person causing harm.")
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Continue: review at the next meeting").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text(f"Review of {case.reference} recorded")).to_be_visible()
    page.get_by_role("link", name="Agree an action").click()
    expect(page).to_have_url(re.compile(r"/actions/add/$"))
    check_accessibility(page)
    due = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Action", exact=True).fill("Visit the person causing harm and warn about a CPN")
    page.get_by_label("Owner agency").select_option(label="Metropolitan Police")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_text("Action agreed")).to_be_visible()
    check_accessibility(page)

    # Held, then the minutes approved (no chair recorded, so the coordinator approves).
    page.get_by_role("navigation", name="Meeting sections").get_by_role("link", name="Meeting").click()
    page.get_by_role("link", name="Record that the meeting was held").click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{meeting.pk}/held/$"))
    check_accessibility(page)
    page.get_by_role("button", name="Record as held").click()
    expect(page.get_by_text("draft, awaiting the chair's approval")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.get_by_text("Minutes approved: the invited agencies can now read them")).to_be_visible()
    check_accessibility(page)
    sign_out(page)

    # The police complete their action.
    sign_in(page, "police", PASSWORD)
    page.get_by_role("link", name="CS MARAC").first.click()
    expect(page).to_have_url(re.compile(r"/marac/$"))
    page.get_by_role("navigation", name="CS MARAC sections").get_by_role("link", name="Actions").click()
    expect(page).to_have_url(re.compile(r"/marac/actions/$"))
    check_accessibility(page)
    page.get_by_role("button", name=re.compile("Mark as done")).click()
    expect(page.get_by_text("Action done")).to_be_visible()
    expect(page.get_by_text("No open MARAC actions.")).to_be_visible()
    check_accessibility(page)
    page.goto(f"/marac/meetings/{meeting.pk}/minutes/")
    expect(page.get_by_text("Visit the person causing harm and warn about a CPN")).to_be_visible()
    check_accessibility(page)
    sign_out(page)

    # The next meeting closes the case.
    sign_in(page, "coordinator", PASSWORD)
    _open_meeting(page, partnership["next"])
    _publish(page, partnership["next"])
    expect(page.get_by_text("Ongoing case under review")).to_be_visible()
    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(rf"/marac/meetings/{partnership['next'].pk}/entries/\d+/$"))
    page.get_by_label("Discussion summary").fill("No incidents since the police visit.")
    page.get_by_label("Decisions").fill("Close from the MARAC.")
    page.get_by_label("Standard", exact=True).check()
    page.get_by_label("Close from the MARAC").check()
    page.get_by_label("Reason for closing (if closing)").fill("Behaviour stopped; the victim feels safe")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_text(f"Review of {case.reference} recorded")).to_be_visible()
    check_accessibility(page)
    referral = Referral.objects.get(case=case)
    assert referral.status == ReferralStatus.CLOSED
    assert referral.closed_on == partnership["next"].date and referral.closed_on > date.today() - timedelta(days=7)
    page.get_by_role("link", name=re.compile("Referral by Metropolitan Police")).click()
    expect(page).to_have_url(re.compile(rf"/marac/referrals/{referral.pk}/$"))
    expect(page.get_by_text("Closed from the MARAC", exact=True).first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("navigation", name="CS MARAC sections").get_by_role("link", name="Statistics").click()
    expect(page).to_have_url(re.compile(r"/marac/statistics/$"))
    check_accessibility(page)

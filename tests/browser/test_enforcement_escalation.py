"""An officer escalates on a case: written warning -> breach -> CPN -> breach -> FPN paid in the discount period.

Every page on the way passes axe-core (WCAG 2.2 AA); the PDFs are opened and are real PDFs.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD
from casework.demo import load as load_casework
from casework.models import Case, CaseStatus
from enforcement.demo import load as load_enforcement
from tests.browser.conftest import NAVIGATION_TIMEOUT_MS, check_accessibility, follow, screenshot, sign_in


@pytest.fixture
def demo(transactional_db):
    load_casework(cases=12)
    load_enforcement()


def fill_date(page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def open_pdf(page, link_name: str) -> None:
    href = page.get_by_role("link", name=link_name).get_attribute("href")
    response = page.request.get(href, timeout=NAVIGATION_TIMEOUT_MS)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:4] == b"%PDF"


def test_officer_takes_a_case_from_written_warning_to_a_paid_fixed_penalty(page, demo):
    case = (
        Case.objects.filter(lead_agency__short_name="lbb-community-safety", officer__username="officer")
        .exclude(status=CaseStatus.CLOSED)
        .order_by("id")
        .first()
    )
    today = timezone.localdate()
    sign_in(page, "officer", DEMO_PASSWORD)
    follow(page.get_by_role("link", name="Enforcement").first)
    expect(page.get_by_role("heading", name="Enforcement", level=1)).to_be_visible()
    check_accessibility(page)

    page.goto(f"/enforcement/cases/{case.reference}/")
    expect(page.get_by_role("heading", name="Enforcement on this case")).to_be_visible()
    check_accessibility(page)

    # 1. The written warning, to someone not yet on the case.
    follow(page.get_by_role("link", name="Record a written warning"))
    check_accessibility(page)
    page.get_by_label("Another person").check()
    page.get_by_label("First name").fill("Darren")
    page.get_by_label("Last name").fill("Pike")
    fill_date(page, "date_of_birth", today.replace(year=today.year - 30))
    page.get_by_label("Recipient's address (if not on their record)", exact=True).fill(
        "Flat 3, 12 Watling Avenue, Burnt Oak HA8 0LX"
    )
    page.get_by_label("Conduct", exact=True).fill("Shouting, threats and drug dealing in the street at night")
    page.get_by_label("What must stop or be done").fill("Stop shouting and threatening residents in the road")
    fill_date(page, "compliance_deadline", today - timedelta(days=1))  # s43(5)(b): the time given has passed
    served = timezone.localtime() - timedelta(days=20)
    page.locator("#id_served_at").fill(served.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Handed to the recipient in person").check()
    page.get_by_role("button", name="Record the warning").click()
    # The demo data already knows a Darren Pike (born 1989): the officer is asked, and says this is someone else.
    known = page.get_by_role("group", name="Is this someone already known?")
    expect(known).to_be_visible()
    known.get_by_label("None of these: record a new person").check()
    page.get_by_role("button", name="Record the warning").click()
    expect(page.get_by_role("heading", name="Written warning to Darren Pike")).to_be_visible()
    check_accessibility(page)
    open_pdf(page, "Print the warning (PDF)")

    # 2. The conduct carries on: the warning is breached, so a CPN may follow.
    follow(page.get_by_role("link", name="Record the outcome"))
    check_accessibility(page)
    page.get_by_label("Breached: the conduct carried on").check()
    page.get_by_label("Notes (optional)").fill("Two further complaints with witness statements")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("alert").get_by_text("Outcome recorded")).to_be_visible()

    # 3. The CPN.
    follow(page.get_by_role("link", name="Issue a CPN"))
    check_accessibility(page)
    fill_date(page, "issued_on", today)
    page.get_by_label("Handed to the recipient in person").check()
    fill_date(page, "compliance_deadline", today + timedelta(days=14))
    page.get_by_role("button", name="Issue the notice").click()
    expect(page.get_by_role("heading", name="CPN to Darren Pike")).to_be_visible()
    expect(
        page.get_by_text(f"{(today + timedelta(days=20)).day} {(today + timedelta(days=20)):%B %Y} (21 days")
    ).to_be_visible()
    check_accessibility(page)
    open_pdf(page, "Print the notice (PDF)")

    # 4. The CPN is breached and a fixed penalty (CST08) follows.
    follow(page.get_by_role("link", name="Record a breach"))
    check_accessibility(page)
    fill_date(page, "occurred_on", today)
    page.get_by_label("What happened").fill("Shouting in the street at 1am")
    page.get_by_label("Evidence", exact=True).fill("Officer observation on patrol; body-worn video")
    page.get_by_role("button", name="Record the breach").click()
    expect(page.get_by_role("alert").get_by_text("Breach recorded")).to_be_visible()
    check_accessibility(page)
    follow(page.get_by_role("link", name=re.compile("Issue a fixed penalty")))
    check_accessibility(page)
    page.get_by_label("Location").fill("Outside 12 Watling Avenue")
    page.get_by_label("Description of the offence").fill("Failed to comply with the CPN's requirements")
    page.get_by_role("button", name="Issue the fixed penalty").click()
    expect(page.get_by_text("Payable today: £70.00")).to_be_visible()
    check_accessibility(page)
    open_pdf(page, "Print the notice (PDF)")

    # 5. Paid within the discount period.
    follow(page.get_by_role("link", name="Record a payment"))
    check_accessibility(page)
    page.get_by_label("Amount paid, in pounds").fill("70.00")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_role("alert").get_by_text("Payment recorded")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Paid").first).to_be_visible()
    screenshot(page, "enforcement-fpn-paid")


def test_registers_and_records_pass_axe(page, demo):
    sign_in(page, "officer", DEMO_PASSWORD)
    for path in (
        "/enforcement/warnings/",
        "/enforcement/cpns/",
        "/enforcement/fpns/?overdue=on",
        "/enforcement/pspos/",
        "/enforcement/closures/",
        "/enforcement/cbos/",
        "/enforcement/injunctions/",
        "/enforcement/fpns/new/",
        "/enforcement/?scope=mine",
    ):
        page.goto(path)
        expect(page.locator("h1"), f"one h1 on {path}").to_have_count(1)
        check_accessibility(page)
    for register, link in (
        ("/enforcement/pspos/", "Barnet borough-wide"),
        ("/enforcement/closures/", "Closure notice"),
    ):
        page.goto(register)
        follow(page.get_by_role("link", name=re.compile(link)).first)
        check_accessibility(page)


def test_a_refused_cpn_shows_the_rule_accessibly(page, demo):
    from django.contrib.auth import get_user_model

    from enforcement import services
    from tests.factories import make_notice_recipient

    officer = get_user_model().objects.get(username="officer")
    case = (
        Case.objects.filter(lead_agency__short_name="lbb-community-safety", officer=officer)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-id")
        .first()
    )
    warning = services.serve_written_warning(
        case=case,
        by=officer,
        recipient_person=make_notice_recipient(case=case, by=officer, first_name="Early"),
        recipient_address="1 High Street",
        conduct="Noise",
        requirements="Stop the noise",
        compliance_deadline=timezone.localdate() + timedelta(days=10),
        served_at=timezone.now(),
        served_how="post",
    )
    sign_in(page, "officer", DEMO_PASSWORD)
    page.goto(f"/enforcement/cases/{case.reference}/cpns/new/?warning={warning.pk}")
    fill_date(page, "issued_on", timezone.localdate())
    page.get_by_label("Posted to the recipient's address").check()
    fill_date(page, "compliance_deadline", timezone.localdate() + timedelta(days=14))
    page.get_by_role("button", name="Issue the notice").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"time to comply.*s43\(5\)\(b\)"))).to_be_visible()
    check_accessibility(page)

"""A resident applies for an ASB Case Review without signing in; the manager checks the threshold, decides,
holds the review and drafts the outcome letter (its approval and sending: test_case_review_outcome.py). axe-core
runs on every page of the form and of the staff path."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD, load
from tests.browser.conftest import check_accessibility, follow, screenshot, sign_in, sign_out
from triggers.models import Application, ApplicationStatus


@pytest.fixture
def demo(transactional_db):
    cache.clear()
    load(cases=6)


def _fill_date(page, name: str, day) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def _continue(page, name: str = "Continue") -> None:
    """Send the form; the caller then expects what the next page shows (which also waits for it)."""
    page.get_by_role("button", name=name, exact=True).click()


def _add_incident(page, days_ago: int, added: int, reference: str = "") -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    _fill_date(page, "occurred_on", day)
    _fill_date(page, "reported_on", day)
    page.get_by_label("Police", exact=True).check()
    if reference:
        page.get_by_label("Reference number (optional)").fill(reference)
    _continue(page, "Add this incident")
    heading = f"You have added {added} incident{'s' if added > 1 else ''}"
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    check_accessibility(page)


def resident_applies(page) -> str:
    page.goto("/triggers/public/")
    heading = "Apply for an ASB Case Review (Community Trigger)"
    expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Start now").click()
    expect(page).to_have_url(re.compile(r"/triggers/public/apply/"))  # a resident needs no account
    check_accessibility(page)
    _continue(page)  # nothing chosen: the GOV.UK error summary
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Yes, I am applying for myself").check()
    _continue(page)

    expect(page.get_by_role("heading", name="Your contact details", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Your full name").fill("Maria Evans")
    page.get_by_label("Email", exact=False).first.fill("maria.evans@example.org")
    page.get_by_label("Email", exact=True).check()
    _continue(page)

    expect(page.get_by_role("heading", name="About the anti-social behaviour", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("What is the anti-social behaviour and how is it affecting you?").fill(
        "People dealing drugs from a car outside every evening, with shouting and threats."
    )
    page.get_by_label("Where is it happening?").fill("Deansbrook Road, outside number 14")
    page.get_by_label("Postcode of the place (optional)").fill("HA8 9BE")
    _continue(page)

    expect(page.get_by_role("heading", name="Incidents you reported", level=1)).to_be_visible()
    check_accessibility(page)
    _add_incident(page, 50, 1, "CAD4321")
    _add_incident(page, 30, 2)
    _add_incident(page, 10, 3)
    _continue(page)

    expect(page.get_by_role("heading", name="Check your answers before sending your application")).to_be_visible()
    check_accessibility(page)
    assert Application.objects.count() == 0
    _continue(page, "Accept and send")
    expect(page.get_by_role("heading", name="Application sent")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "triggers-public-confirmation")
    reference = Application.objects.get().reference
    expect(page.get_by_text(reference)).to_be_visible()
    return reference


def test_a_resident_applies_and_the_manager_takes_it_to_a_draft_outcome_letter(page, demo):
    reference = resident_applies(page)
    assert len(mail.outbox) == 1 and reference in mail.outbox[0].subject

    sign_in(page, "manager", DEMO_PASSWORD)
    page.get_by_role("link", name="Community Trigger").first.click()
    expect(page.get_by_role("heading", name="Community Trigger applications", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", name=f"Community Trigger {reference}", level=1)).to_be_visible()
    check_accessibility(page)

    follow(page.get_by_role("link", name="Threshold"))
    expect(page.locator("#threshold-summary")).to_have_text(re.compile(r"^\s*3 qualifying complaints \(3 needed\)"))
    check_accessibility(page)
    screenshot(page, "triggers-threshold-check")
    follow(page.get_by_role("link", name="Record the threshold decision"))
    check_accessibility(page)
    page.get_by_label("Yes, the threshold is met").check()
    page.get_by_label("Reason for the decision").fill("Three incidents reported to the police within a month.")
    _continue(page, "Save decision")
    expect(page.get_by_text("Threshold decision recorded")).to_be_visible()
    check_accessibility(page)

    follow(page.get_by_role("link", name="Review", exact=True))
    check_accessibility(page)
    follow(page.get_by_role("link", name="Arrange the review meeting"))
    check_accessibility(page)
    _fill_date(page, "meeting_on", timezone.localdate())
    page.get_by_label("Where (optional)").fill("Hendon Town Hall")
    page.get_by_label("Yes", exact=True).check()  # the victim is invited to the meeting
    _continue(page, "Arrange meeting")
    expect(page.get_by_text("Review meeting arranged").first).to_be_visible()
    check_accessibility(page)

    follow(page.get_by_role("link", name="Add a recommendation"))
    check_accessibility(page)
    page.get_by_label("Recommendation").fill("Safer Neighbourhood Team evening patrols on Deansbrook Road.")
    page.get_by_label("Body responsible").select_option(label="Metropolitan Police – North West BCU")
    _fill_date(page, "due_date", timezone.localdate() + timedelta(days=28))
    _continue(page, "Add recommendation")
    expect(page.get_by_text("Recommendation added")).to_be_visible()

    follow(page.get_by_role("link", name="Record the review meeting"))
    check_accessibility(page)
    page.get_by_label("What did the review find?").fill("Reports went to each agency separately; no joint plan.")
    _continue(page, "Save meeting")
    expect(page.get_by_text("Review meeting recorded")).to_be_visible()
    check_accessibility(page)

    follow(page.get_by_role("link", name="Outcome", exact=True))
    check_accessibility(page)
    follow(page.get_by_role("link", name="Write the outcome letter"))
    check_accessibility(page)
    expect(page.get_by_label("What we found and what happens next")).to_have_value("")  # never the findings
    page.get_by_label("What we found and what happens next").fill("We agreed a joint plan with the police.")
    _continue(page, "Save draft and preview")
    expect(page.get_by_text("Draft saved")).to_be_visible()
    expect(page.get_by_test_id("letter-preview")).to_contain_text("We agreed a joint plan with the police.")
    expect(page.get_by_text("Another Community safety manager, not the writer, must approve")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "triggers-outcome-draft")
    application = Application.objects.get(reference=reference)
    assert application.status == ApplicationStatus.REVIEWED  # written, not sent: approval comes first
    assert application.threshold_met is True and application.review.recommendations.count() == 1


@pytest.fixture
def demo_with_triggers(transactional_db):
    from triggers.demo import load as load_triggers

    cache.clear()
    load(cases=12)
    load_triggers()


def test_staff_pages_of_the_demo_pass_axe(page, demo_with_triggers):
    """Every other staff screen, with demo applications at every stage, read by an officer and the manager."""
    sign_in(page, "officer", DEMO_PASSWORD)
    page.goto("/triggers/")
    check_accessibility(page)
    expect(page.get_by_text("(read only)")).to_have_count(0)
    escalated = Application.objects.filter(escalations__isnull=False).order_by("received_at").first()
    reviewed = Application.objects.filter(review__held_on__isnull=False).first()
    for url in (
        f"/triggers/{escalated.reference}/",
        f"/triggers/{escalated.reference}/escalations/",
        f"/triggers/{escalated.reference}/timeline/",
        f"/triggers/{reviewed.reference}/review/",
        f"/triggers/{reviewed.reference}/outcome/",
        f"/triggers/{reviewed.reference}/threshold/",
        "/triggers/public/figures/",
        "/triggers/information-requests/",
        "/triggers/figures/",  # last: the figures table is checked below
    ):
        page.goto(url)
        expect(page.locator("h1"), f"one h1 on {url}").to_have_count(1)
        check_accessibility(page)
    expect(
        page.get_by_role("cell", name="Applications received").or_(
            page.get_by_role("rowheader", name="Applications received")
        )
    ).to_have_count(1)
    page.goto(f"/triggers/{reviewed.reference}/")
    expect(page.get_by_text("(read only)")).to_be_visible()

    page.goto("/")
    sign_out(page)
    sign_in(page, "manager", DEMO_PASSWORD)
    page.goto("/triggers/new/")
    check_accessibility(page)
    page.get_by_role("button", name="Record application").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    open_escalation = Application.objects.filter(escalations__status="requested").first()
    page.goto(f"/triggers/{open_escalation.reference}/escalations/")
    follow(page.get_by_role("link", name="Record the result"))
    check_accessibility(page)
    waiting = Application.objects.filter(status=ApplicationStatus.RECEIVED).first()
    for suffix in ("acknowledge/", "incidents/add/", "threshold/decision/", "withdraw/"):
        page.goto(f"/triggers/{waiting.reference}/{suffix}")
        check_accessibility(page)

"""A Case Review outcome goes draft -> preview -> approve -> sent by email: one manager writes the letter, a second
approves it from the preview, and the email the applicant receives (at a real SMTP server) is the approved letter.
axe-core runs on every page."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from casework import roles
from notifications.models import Delivery
from tests.browser.conftest import check_accessibility, follow, screenshot, sign_in, sign_out
from tests.factories import PASSWORD, TriggerApplicationFactory, incident_report, make_member
from tests.notifications.conftest import smtp_server  # noqa: F401 - the SMTP server (run_jobs is in tests/conftest.py)
from triggers import services
from triggers.models import Application, ApplicationStatus


@pytest.fixture
def reviewed(transactional_db, council, police, manager):
    """An application whose review meeting was held yesterday, with one agreed recommendation."""
    cache.clear()
    today = timezone.localdate()
    application = TriggerApplicationFactory(
        owner_agency=council,
        received_at=timezone.now() - timedelta(days=20),
        applicant_name="Maria Evans",
        applicant_email="maria.evans@example.org",
        incidents=[incident_report(today - timedelta(days=d)) for d in (60, 40, 30)],
    )
    services.record_threshold_decision(application=application, by=manager, met=True, reason="Three reports in time")
    held_on = today - timedelta(days=1)
    services.arrange_review(application=application, by=manager, meeting_on=held_on, location="", agencies=[police])
    services.add_recommendation(
        application=application,
        by=manager,
        description="Evening patrols on Deansbrook Road",
        owner_agency=police,
        due_date=today + timedelta(days=21),
    )
    services.record_review_held(
        application=application, by=manager, held_on=held_on, attended=[police], findings="Internal: no joint plan"
    )
    return application


def test_the_outcome_is_drafted_previewed_approved_by_a_second_manager_and_emailed(
    page,
    reviewed,
    council,
    manager,
    smtp_server,  # noqa: F811
    run_jobs,  # noqa: F811
):
    approver = make_member(council, roles.COMMUNITY_SAFETY_MANAGER, "manager2")
    reference = reviewed.reference
    held = (timezone.localdate() - timedelta(days=1)).strftime("%-d %B %Y")

    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/triggers/{reference}/outcome/")
    expect(page.get_by_role("heading", name="Outcome for the applicant")).to_be_visible()
    check_accessibility(page)
    follow(page.get_by_role("link", name="Write the outcome letter"))
    box = page.get_by_label("What we found and what happens next")
    expect(box).to_have_value("")  # never pre-filled with the internal findings
    check_accessibility(page)
    box.fill("We agreed a joint plan with the police. They will patrol in the evenings.")
    page.get_by_role("button", name="Save draft and preview").click()
    expect(page.get_by_text("Draft saved")).to_be_visible()
    preview = page.get_by_test_id("letter-preview")
    expect(preview).to_contain_text(f"Subject: The outcome of your ASB Case Review {reference}")
    expect(preview).to_contain_text("We agreed a joint plan with the police.")
    expect(preview).not_to_contain_text("Internal: no joint plan")
    expect(preview.get_by_text(held)).to_have_count(1)
    expect(page.get_by_role("button", name="Approve the letter")).to_have_count(0)  # not by the writer
    check_accessibility(page)
    sign_out(page)

    sign_in(page, approver.username, PASSWORD)
    page.goto(f"/triggers/{reference}/outcome/preview/")
    expect(page.get_by_test_id("letter-preview")).to_contain_text("We agreed a joint plan with the police.")
    check_accessibility(page)
    screenshot(page, "case-review-outcome-preview")
    page.get_by_role("button", name="Approve the letter").click()
    expect(page.get_by_text("Outcome letter approved")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Send the letter by email").click()
    expect(page.get_by_text("Outcome letter sent by email to maria.evans@example.org")).to_be_visible()
    expect(page.get_by_test_id("outcome-letter")).to_contain_text("Emailed to maria.evans@example.org")
    expect(page.get_by_text(re.compile(r"Outcome sent"))).not_to_have_count(0)
    check_accessibility(page)

    run_jobs()
    smtp_server.wait_for(Delivery.objects.count())
    [message] = smtp_server.to("maria.evans@example.org")
    assert message.envelope_to == ["maria.evans@example.org"]
    assert message["Subject"] == f"The outcome of your ASB Case Review {reference}"
    text = message.get_payload(decode=True).decode()
    assert "We agreed a joint plan with the police." in text and "Evening patrols on Deansbrook Road" in text
    assert "Internal: no joint plan" not in text and text.count(held) == 1
    application = Application.objects.get(reference=reference)
    assert application.status == ApplicationStatus.OUTCOME_SENT
    assert application.outcome_letter.written_by == manager and application.outcome_letter.approved_by == approver

"""An officer opens a case, records a victim and an incident, shares it with Barnet Homes; Barnet Homes
finds it and adds a note; the police, not shared, get 'Page not found'. Every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD, load
from casework.models import Case, Note
from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out


@pytest.fixture
def demo(transactional_db):
    load(cases=3)


def test_case_shared_with_barnet_homes_and_hidden_from_police(page, demo):
    sign_in(page, "officer", DEMO_PASSWORD)
    page.goto("/cases/new/")
    check_accessibility(page)
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Short title").fill("Harassment of tenant at Flat 12")
    page.get_by_label("Category").select_option(label="ASB – personal")
    page.get_by_label("Description", exact=True).fill("Repeated shouting and threats through the letterbox.")
    page.get_by_label("Ward").select_option(label="Burnt Oak")
    page.get_by_label("Address line 1 (optional)").fill("12 Watling Avenue")
    page.get_by_label("Postcode (optional)").fill("HA8 0LA")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_text(re.compile(r"Case ASB-\d{4}-\d+ opened"))).to_be_visible()
    reference = Case.objects.get(title="Harassment of tenant at Flat 12").reference
    expect(page.get_by_text(f"Case {reference} opened")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Parties").click()
    page.get_by_role("link", name="Add a party").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/parties/add/$"))
    check_accessibility(page)
    page.get_by_label("Victim").check()
    page.get_by_label("First name").fill("Joan")
    page.get_by_label("Last name").fill("Hiddenname")
    page.get_by_label("Anonymous: only the lead agency may see who this is").check()
    page.get_by_role("button", name="Add party").click()
    expect(page.get_by_text("Party added")).to_be_visible()
    expect(page.get_by_role("link", name="Joan Hiddenname", exact=True)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Incidents").click()
    page.get_by_role("link", name="Log an incident").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/incidents/add/$"))
    check_accessibility(page)
    page.get_by_label("Date and time it happened").fill("2026-11-20T21:30")
    page.get_by_label("Date and time it was reported").fill("2026-11-21T09:00")
    page.get_by_label("Description", exact=True).fill("Threats shouted through the letterbox")
    page.get_by_role("button", name="Log incident").click()
    expect(page.get_by_text("Incident logged")).to_be_visible()
    expect(page.get_by_text("Threats shouted through the letterbox")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Sharing").click()
    page.get_by_role("link", name="Share with an agency").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/sharing/add/$"))
    check_accessibility(page)
    page.get_by_label("Agency", exact=True).select_option(label="Barnet Homes")
    page.get_by_label("s115 Crime and Disorder Act 1998").check()
    page.get_by_label("Purpose", exact=True).fill("Tenancy enforcement by the landlord")
    page.get_by_label("Let this agency add notes, incidents and actions").check()
    page.get_by_role("button", name="Share case").click()
    expect(page.get_by_text("Case shared with Barnet Homes")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Timeline").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/timeline/$"))
    check_accessibility(page)
    screenshot(page, "case-timeline-officer")
    sign_out(page)

    sign_in(page, "housing", DEMO_PASSWORD)
    page.goto("/cases/")
    page.get_by_label("Reference, name, address or postcode").fill(reference)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/cases/\?"))
    page.get_by_role("link", name=reference).click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/$"))
    check_accessibility(page)
    page.get_by_role("link", name="Parties").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/parties/$"))
    expect(page.get_by_text("Anonymous victim")).to_be_visible()
    page.wait_for_load_state("load")
    assert "Hiddenname" not in page.content()
    page.get_by_role("link", name="Notes").click()
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/notes/$"))
    page.get_by_label("Note", exact=True).fill("Tenancy warning letter sent by Barnet Homes")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added")).to_be_visible()
    expect(page.get_by_text("Tenancy warning letter sent by Barnet Homes")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "case-notes-barnet-homes")
    assert Note.objects.filter(case__reference=reference, author__username="housing").exists()
    sign_out(page)

    sign_in(page, "police", DEMO_PASSWORD)
    response = page.goto(f"/cases/{reference}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert "Harassment of tenant" not in page.content()
    check_accessibility(page)

"""An auditor reconstructs a case's story: who viewed it and what an edit changed; every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out
from tests.factories import PASSWORD


@pytest.fixture
def story(transactional_db, case, officer, auditor):
    return case


def test_auditor_sees_who_viewed_a_case_and_the_diff_of_an_edit(page, story):
    reference = story.reference
    # The officer reads the case and edits its title through the screens.
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/cases/{reference}/edit/")
    page.get_by_label("Short title").fill("Threats on the stairwell at night")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Case details saved")).to_be_visible()
    sign_out(page)

    sign_in(page, "auditor", PASSWORD)
    page.get_by_role("link", name="Audit").first.click()
    expect(page.get_by_role("heading", name="Audit", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Case reference").fill(reference)
    page.get_by_role("button", name="Find case").click()

    expect(page.get_by_role("heading", name=reference, level=1)).to_be_visible()
    viewers = page.get_by_role("table")
    expect(viewers.get_by_role("row").filter(has_text="officer").filter(has_text="Viewed").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "audit-case-access")

    page.get_by_role("link", name="Changes").click()
    expect(page).to_have_url(re.compile(rf"/audit/cases/{reference}/changes/$"))
    card = page.locator(".govuk-summary-card").filter(has_text="Case details edited")
    expect(card).to_have_count(1)
    title_row = card.get_by_role("row").filter(has_text="Title")
    expect(title_row.get_by_role("cell").nth(0)).to_have_text("Intimidation on the stairwell")
    expect(title_row.get_by_role("cell").nth(1)).to_have_text("Threats on the stairwell at night")
    expect(card).to_contain_text("Priya Shah")
    check_accessibility(page)
    screenshot(page, "audit-case-changes")

    page.get_by_role("link", name="Disclosures").click()
    expect(page).to_have_url(re.compile(rf"/audit/cases/{reference}/disclosures/$"))
    check_accessibility(page)
    # The filter form works without JavaScript and keeps the page accessible when it reports an error.
    page.get_by_role("link", name="Who accessed it").click()
    expect(page).to_have_url(re.compile(rf"/audit/cases/{reference}/$"))
    page.get_by_label("Action").select_option("view")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]action=view(&|$)"))
    check_accessibility(page)
    page.goto(f"/audit/cases/{reference}/?start=2026-02-02&end=2026-01-01")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)


def test_person_user_and_agency_screens_are_accessible(page, story, officer, council):
    from casework.models import Person

    person = Person.objects.get(last_name="Loud")
    sign_in(page, "auditor", PASSWORD)
    page.goto("/audit/")
    page.get_by_label("Person's name or record number").fill("Kevin Loud")
    page.get_by_role("button", name="Find person").click()
    expect(page).to_have_url(re.compile(r"/audit/people/\?"))
    check_accessibility(page)
    page.get_by_role("link", name="Kevin Loud").click()
    expect(page.get_by_role("heading", name=f"Kevin Loud (person {person.pk})", level=1)).to_be_visible()
    check_accessibility(page)
    for tab in ("Changes", "Cases", "Disclosures"):
        page.get_by_role("navigation", name="Person activity").get_by_role("link", name=tab, exact=True).click()
        expect(page).to_have_url(re.compile(rf"/audit/people/{person.pk}/{tab.lower()}/$"))
        check_accessibility(page)
    expect(page.get_by_text("Tenancy")).to_have_count(0)  # the case was never shared: no disclosures
    page.goto("/audit/users/?q=officer")
    check_accessibility(page)
    page.get_by_role("link", name="Priya Shah").click()
    expect(page).to_have_url(re.compile(r"/audit/users/\d+/$"))
    check_accessibility(page)
    page.goto("/audit/agencies/")
    check_accessibility(page)
    page.get_by_role("link", name=council.name).click()
    expect(page).to_have_url(re.compile(r"/audit/agencies/\d+/$"))
    check_accessibility(page)
    page.goto("/audit/cases/?reference=ASB-1999-00001")
    expect(page.get_by_text("No case has this reference").first).to_be_visible()
    check_accessibility(page)

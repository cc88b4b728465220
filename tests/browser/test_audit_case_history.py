"""An auditor reconstructs a case's story: who viewed it and what an edit changed; every page passes axe-core."""

import pytest

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
    page.wait_for_load_state()
    assert page.get_by_text("Case details saved").is_visible()
    sign_out(page)

    sign_in(page, "auditor", PASSWORD)
    page.get_by_role("link", name="Audit").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Audit", level=1).is_visible()
    check_accessibility(page)
    page.get_by_label("Case reference").fill(reference)
    page.get_by_role("button", name="Find case").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name=reference, level=1).is_visible()
    viewers = page.get_by_role("table")
    assert viewers.get_by_role("row").filter(has_text="officer").filter(has_text="Viewed").count() >= 1
    check_accessibility(page)
    screenshot(page, "audit-case-access")

    page.get_by_role("link", name="Changes").click()
    page.wait_for_load_state()
    card = page.locator(".govuk-summary-card").filter(has_text="Case details edited")
    assert card.count() == 1
    title_row = card.get_by_role("row").filter(has_text="Title")
    assert title_row.get_by_role("cell").nth(0).inner_text() == "Intimidation on the stairwell"
    assert title_row.get_by_role("cell").nth(1).inner_text() == "Threats on the stairwell at night"
    assert "Priya Shah" in card.inner_text()
    check_accessibility(page)
    screenshot(page, "audit-case-changes")

    page.get_by_role("link", name="Disclosures").click()
    page.wait_for_load_state()
    check_accessibility(page)
    # The filter form works without JavaScript and keeps the page accessible when it reports an error.
    page.get_by_role("link", name="Who accessed it").click()
    page.get_by_label("Action").select_option("view")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "action=view" in page.url
    check_accessibility(page)
    page.goto(f"/audit/cases/{reference}/?start=2026-02-02&end=2026-01-01")
    assert page.get_by_text("There is a problem").is_visible()
    check_accessibility(page)


def test_person_user_and_agency_screens_are_accessible(page, story, officer, council):
    from casework.models import Person

    person = Person.objects.get(last_name="Loud")
    sign_in(page, "auditor", PASSWORD)
    page.goto("/audit/")
    page.get_by_label("Person's name or record number").fill("Kevin Loud")
    page.get_by_role("button", name="Find person").click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.get_by_role("link", name="Kevin Loud").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Kevin Loud (person {person.pk})", level=1).is_visible()
    check_accessibility(page)
    for tab in ("Changes", "Cases", "Disclosures"):
        page.get_by_role("navigation", name="Person activity").get_by_role("link", name=tab, exact=True).click()
        page.wait_for_load_state()
        check_accessibility(page)
    assert page.get_by_text("Tenancy").count() == 0  # the case was never shared: no disclosures
    page.goto("/audit/users/?q=officer")
    check_accessibility(page)
    page.get_by_role("link", name="Priya Shah").click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.goto("/audit/agencies/")
    check_accessibility(page)
    page.get_by_role("link", name=council.name).click()
    page.wait_for_load_state()
    check_accessibility(page)
    page.goto("/audit/cases/?reference=ASB-1999-00001")
    assert page.get_by_text("No case has this reference").first.is_visible()
    check_accessibility(page)

"""Stored XSS in a real browser: an officer types script and an onerror image into a case title and a
note; every page that shows them displays the text and runs nothing (no dialog, no flag set)."""

import re

import pytest
from playwright.sync_api import expect

from casework import roles
from casework.models import AgencyKind
from tests.browser.conftest import check_accessibility, follow, screenshot, sign_in
from tests.factories import PASSWORD, AgencyFactory, WardFactory, make_member

TITLE = "<script>alert('title');window.__xss='title'</script>"
NOTE = "<img src=x onerror=\"alert('note');window.__xss='note'\">"


@pytest.fixture
def world(transactional_db):
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    WardFactory(name="Burnt Oak", code="burnt-oak")
    make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")


def test_script_in_a_case_title_and_a_note_is_shown_not_run(page, world):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, "officer", PASSWORD)

    page.goto("/cases/new/")
    page.get_by_label("Short title").fill(TITLE)
    page.get_by_label("Category").select_option(label="Noise")
    page.get_by_label("Description", exact=True).fill(NOTE)
    page.get_by_label("Ward").select_option(label="Burnt Oak")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_text(re.compile(r"Case ASB-\d{4}-\d+ opened"))).to_be_visible()
    expect(page.get_by_text(TITLE).first).to_be_visible()

    follow(page.get_by_role("link", name="Notes"))
    page.get_by_label("Note").fill(NOTE)
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added")).to_be_visible()
    expect(page.get_by_text(NOTE).first).to_be_visible()
    check_accessibility(page)
    case_url = page.url.rsplit("/notes/", 1)[0]

    for url in [f"{case_url}/", f"{case_url}/notes/", f"{case_url}/timeline/", "/cases/", "/"]:
        page.goto(url)  # returns once the page has loaded: any script in it has had its chance to run
        assert page.evaluate("window.__xss") is None, f"script ran on {url}"
        assert page.locator("img[src='x']").count() == 0, f"an injected image element exists on {url}"
    assert dialogs == []
    page.goto(f"{case_url}/")
    expect(page.get_by_text(TITLE).first).to_be_visible()
    screenshot(page, "security-xss-escaped")

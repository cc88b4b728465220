"""A manager opens the dashboard, changes the period, downloads a CSV and the board pack."""

import re

import pytest
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD, load
from tests.browser.conftest import NAVIGATION_TIMEOUT_MS, check_accessibility, screenshot, sign_in


@pytest.fixture
def demo(transactional_db):
    load(cases=15)


def test_manager_changes_period_and_downloads_csv_and_pdf(page, demo):
    sign_in(page, "manager", DEMO_PASSWORD)
    page.get_by_role("link", name="Performance").click()
    expect(page.get_by_role("heading", name="Performance dashboard", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Rolling 12 months").check()
    page.get_by_role("button", name="Show figures").click()
    expect(page).to_have_url(re.compile(r"[?&]period=rolling_12_months(&|$)"))
    expect(page.get_by_role("heading", name="12 months to", level=2).first).to_be_visible()
    expect(page.locator("img.app-chart")).to_have_count(6)  # with the NM01 section (#19)
    check_accessibility(page)
    screenshot(page, "dashboard-rolling-12-months")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download “Cases logged by ward” as CSV").click()
    content = open(csv_download.value.path(), encoding="utf-8").read()
    assert content.startswith("Ward,Logged,Open,Closed") and "Burnt Oak" in content
    board_pack = page.get_by_role("link", name="Download the board pack (PDF)").get_attribute("href")
    pdf = page.request.get(board_pack, timeout=NAVIGATION_TIMEOUT_MS)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

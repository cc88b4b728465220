"""A demo officer signs in, sees their home page, signs out; every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD, load
from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out, submit_sign_in


@pytest.fixture
def demo(transactional_db):
    load(cases=12)


def test_officer_signs_in_sees_home_and_signs_out(page, demo):
    sign_in(page, "officer", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="My work", level=1)).to_be_visible()
    expect(page.get_by_text("London Borough of Barnet – Community Safety").first).to_be_visible()
    check_accessibility(page)
    screenshot(page, "home-signed-in")
    page.get_by_role("link", name="Cases").first.click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    check_accessibility(page)
    page.goto("/accessibility/")
    check_accessibility(page)
    sign_out(page)
    expect(page.get_by_text("You have signed out of Safer Communities Casework")).to_be_visible()
    check_accessibility(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_password_shows_an_error_summary(page, demo):
    submit_sign_in(page, "officer", "not-the-password")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_accessibility(page)

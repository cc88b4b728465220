"""A demo officer signs in, sees their home page, signs out; every page passes axe-core."""

import pytest

from casework.demo import DEMO_PASSWORD, load
from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out


@pytest.fixture
def demo(transactional_db):
    load(cases=12)


def test_officer_signs_in_sees_home_and_signs_out(page, demo):
    sign_in(page, "officer", DEMO_PASSWORD)
    assert page.get_by_role("heading", name="My work", level=1).is_visible()
    assert page.get_by_text("London Borough of Barnet – Community Safety").first.is_visible()
    check_accessibility(page)
    screenshot(page, "home-signed-in")
    page.get_by_role("link", name="Cases").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Cases", level=1).is_visible()
    check_accessibility(page)
    page.goto("/accessibility/")
    check_accessibility(page)
    sign_out(page)
    assert "signed out" in page.content().lower()
    check_accessibility(page)
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_wrong_password_shows_an_error_summary(page, demo):
    sign_in(page, "officer", "not-the-password")
    assert page.get_by_text("There is a problem").is_visible()
    check_accessibility(page)

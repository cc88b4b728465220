"""An officer shares a case with Barnet Homes; the Barnet Homes caseworker sees the unread count in the header,
opens the notification, follows it to the case and marks it read. Every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out
from tests.factories import PASSWORD


@pytest.fixture
def world(transactional_db, case, officer, barnet_homes, housing_user, admin_user):
    return case


def test_barnet_homes_sees_the_notification_for_a_case_just_shared_with_them(
    page, world, officer, housing_user, admin_user
):
    case = world
    sign_in(page, officer.username, PASSWORD)
    page.goto(f"/cases/{case.reference}/sharing/")
    page.get_by_role("link", name="Share with an agency").click()
    page.get_by_label("Agency", exact=True).select_option(label="Barnet Homes")
    page.get_by_label("s115 Crime and Disorder Act 1998").check()
    page.get_by_label("Purpose", exact=True).fill("Tenancy enforcement by the landlord")
    page.get_by_role("button", name="Share case").click()
    expect(page.get_by_text("Case shared with Barnet Homes")).to_be_visible()
    sign_out(page)

    sign_in(page, housing_user.username, PASSWORD)
    link = page.get_by_test_id("notifications-link")
    expect(link).to_have_text(re.compile(r"Notifications\s*1\s*unread"))
    check_accessibility(page)
    link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    message = f"A case has been shared with Barnet Homes: {case.reference}."
    expect(page.get_by_role("link", name=message)).to_be_visible()
    expect(page.get_by_test_id("notifications")).not_to_contain_text("Secretname")
    check_accessibility(page)
    screenshot(page, "notifications-barnet-homes")

    page.get_by_role("link", name=message).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.reference}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)

    page.goto("/notifications/")
    page.get_by_role("button", name=re.compile(rf"^Mark as read.*{re.escape(case.reference)}")).click()
    expect(page.get_by_test_id("notifications").get_by_text("Read", exact=True)).to_be_visible()
    expect(page.get_by_test_id("notifications-link")).to_have_text("Notifications")
    check_accessibility(page)

    page.get_by_role("link", name="Change when we email you").click()
    check_accessibility(page)
    page.get_by_label("Once a day, in a digest").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    sign_out(page)

    sign_in(page, admin_user.username, PASSWORD)
    page.goto("/notifications/deliveries/")
    expect(page.get_by_role("heading", name="Delivery log", level=1)).to_be_visible()
    expect(page.get_by_test_id("deliveries")).to_contain_text(housing_user.email)
    check_accessibility(page)
    page.get_by_test_id("deliveries").get_by_role("link").first.click()
    expect(page.get_by_text("Sign in to Safer Communities Casework to see it.")).to_be_visible()
    check_accessibility(page)

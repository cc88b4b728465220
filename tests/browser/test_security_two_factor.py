"""Two-factor sign-in in a real browser: an officer whose role requires it signs in, is sent to set up an
authenticator app (QR code and key shown), enters a code, and next time is asked for a code. Every page
passes axe-core."""

import re

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from casework import roles
from casework.models import AgencyKind, RoleSecurityPolicy
from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out
from tests.factories import PASSWORD, AgencyFactory, make_member


@pytest.fixture
def world(transactional_db):
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")
    RoleSecurityPolicy.objects.create(group=Group.objects.get(name=roles.ENFORCEMENT_OFFICER), require_two_factor=True)
    return officer


def code(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


def test_required_two_factor_set_up_and_sign_in(page, world):
    sign_in(page, "officer", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/"))
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(
        page.get_by_role("img", name="QR code to add Safer Communities Casework to your authenticator app")
    ).to_be_visible()
    check_accessibility(page)

    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Enter the code from your authenticator app").first).to_be_visible()
    check_accessibility(page)

    device = TOTPDevice.objects.get(user=world)
    page.get_by_label("Code from your authenticator app").fill(code(device))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_text("Two-factor sign-in is on")).to_be_visible()
    check_accessibility(page)

    page.goto("/accounts/two-factor/")
    check_accessibility(page)
    sign_out(page)

    sign_in(page, "officer", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    check_accessibility(page)
    page.get_by_label("Code from your authenticator app").fill(code(device, offset=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    screenshot(page, "security-two-factor-signed-in")

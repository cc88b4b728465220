"""A housing officer creates an API token, sees the secret once, reads the API reference, revokes the token.

Every page passes axe-core (WCAG 2.2 AA) and runs under the service's Content Security Policy.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import check_accessibility, screenshot, sign_in
from tests.factories import PASSWORD


@pytest.fixture
def partner(transactional_db, shared_case, housing_user):
    return housing_user


def test_partner_manages_a_token_and_reads_the_api_reference(page, partner, shared_case, live_server):
    csp_violations = []
    page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in(page, partner.username, PASSWORD)

    page.goto("/account/tokens/")
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="Create a token").click()
    expect(page).to_have_url(re.compile(r"/account/tokens/new/$"))
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("Enter a name for the token").first).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Token name").fill("Barnet Homes housing system")
    page.get_by_role("button", name="Create token").click()
    expect(page.get_by_role("heading", name="Token created")).to_be_visible()
    check_accessibility(page)
    expect(page.get_by_test_id("token-secret")).not_to_be_empty()
    secret = page.get_by_test_id("token-secret").inner_text().strip()

    response = requests.get(
        f"{live_server.url}/api/v1/cases/", headers={"Authorization": f"Token {secret}"}, timeout=30
    )
    assert [c["reference"] for c in response.json()["results"]] == [shared_case.reference]

    page.goto("/account/tokens/")
    expect(page.get_by_role("cell", name="Barnet Homes housing system", exact=True)).to_be_visible()
    assert secret not in page.content()
    check_accessibility(page)
    screenshot(page, "api-tokens-barnet-homes")

    page.get_by_role("link", name="API reference").click()
    expect(page.get_by_role("heading", name="Safer Communities Casework partner API", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Log an incident on the case")).to_be_visible()
    check_accessibility(page)

    page.goto("/account/tokens/")
    page.get_by_role("link", name="Revoke token Barnet Homes housing system").click()
    expect(page).to_have_url(re.compile(r"/account/tokens/\d+/revoke/$"))
    check_accessibility(page)
    page.get_by_role("button", name="Revoke token").click()
    expect(page.get_by_text("revoked: it no longer works")).to_be_visible()
    check_accessibility(page)
    refused = requests.get(f"{live_server.url}/api/v1/cases/", headers={"Authorization": f"Token {secret}"}, timeout=30)
    assert refused.status_code == 401
    assert not csp_violations, csp_violations

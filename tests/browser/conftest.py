"""Headless Debian Chromium driven by Playwright, with axe-core run on every page visited."""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Generous, because the suite must pass on a busy two-core machine: a wait only costs time when a page is slow.
EXPECT_TIMEOUT_MS = 20_000  # every expect(...) assertion retries this long before failing
ACTION_TIMEOUT_MS = 30_000  # clicks, fills and other actions waiting for their element
NAVIGATION_TIMEOUT_MS = 60_000  # goto and load-state waits (a PDF or a 60-case demo page on a loaded machine)
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}: under CI a skipped browser test is a failure")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class AxeViolation(AssertionError):
    pass


def check_accessibility(page) -> None:
    """Run axe-core (WCAG 2.2 AA) on the current page; fail on any violation.

    Waits for the page to finish loading first: injecting axe into a document that has only just
    committed fails (no document.head yet). The caller makes sure the page is the one it meant
    (an expect on the new page after a click that navigates).
    """
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => document.readyState === 'complete' && document.head !== null && document.body !== null"
    )
    page.add_script_tag(url="/static/build/axe.min.js")
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = result["violations"]
    if violations:
        lines = [f"{v['id']}: {v['help']} ({len(v['nodes'])}x) e.g. {v['nodes'][0]['html'][:160]}" for v in violations]
        raise AxeViolation(f"axe-core found violations on {page.url}:\n" + "\n".join(lines))


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    visited = []

    def on_load(_):
        visited.append(page.url)

    page.on("load", on_load)
    page.check_a11y = lambda: check_accessibility(page)
    yield page
    context.close()


def follow(link) -> None:
    """Click a link and wait until the browser shows the page it points to, loaded.

    A click returns before the next page arrives; what follows (axe, a negative check) must not
    run on the old page or on a document that has only just started.
    """
    page = link.page
    target = link.evaluate("a => a.href")  # resolved by the browser; an empty query ("?") may be kept or dropped
    link.click()
    expect(page).to_have_url(re.compile("^" + re.escape(target.rstrip("?")) + r"\??$"))
    page.wait_for_load_state("load")


def submit_sign_in(page, username: str, password: str) -> None:
    """Fill in and send the sign-in form; the caller expects what follows (signed in, or an error)."""
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page, username: str, password: str) -> None:
    """Sign in and wait until the browser has left the sign-in page (home, or a two-factor step)."""
    submit_sign_in(page, username, password)
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.wait_for_load_state("load")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out", level=1)).to_be_visible()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

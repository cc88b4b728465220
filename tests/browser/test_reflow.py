"""Small screens and zoom (WCAG 2.2 1.4.10 Reflow, #17): each role's main pages at 1,280 px and at 320 px.

At each width the page is no wider than the window (tables scroll inside their own focusable region,
long strings wrap) and axe-core finds nothing. The case list's filters fold behind "Show filters" at 320 px.
One browser context per role; each page is loaded once at 1,280 px and then narrowed to 320 px.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from casework.calendar import is_working_day
from casework.demo import DEMO_PASSWORD, load
from casework.models import Agency, Case
from marac import services as marac_services
from tests.browser.conftest import ACTION_TIMEOUT_MS, NAVIGATION_TIMEOUT_MS, check_accessibility, sign_in
from tests.factories import MaracReferralFactory, TriggerApplicationFactory

WIDE, NARROW = 1280, 320
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"
# For the failure message: the innermost elements that stick out to the right of the window (not counting
# what scrolls inside a table's own region, unless it is positioned out of it).
WIDEST = """() => {
  const w = window.innerWidth
  const scrolled = (el) =>
    el.closest('.app-table-scroll') && !['absolute', 'fixed'].includes(getComputedStyle(el).position)
  const out = [...document.body.querySelectorAll('*')].filter(
    (el) => el.getBoundingClientRect().right > w + 1 && !scrolled(el)
  )
  const leaves = out.filter((el) => !out.some((other) => other !== el && el.contains(other)))
  const names = leaves.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)
  return [document.documentElement.scrollWidth, w, names]
}"""


@pytest.fixture(autouse=True)
def marac_settings(settings):
    settings.MARAC = {
        "COORDINATING_AGENCY": "lbb-community-safety",
        "CORE_AGENCIES": ["lbb-community-safety", "barnet-homes", "met-police"],
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def borough(transactional_db):
    """The demo borough (a few cases), one CS MARAC meeting with a published-to-be panel list, and a Case Review."""
    load(cases=6)
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.all()}
    council = Agency.objects.get(short_name="lbb-community-safety")
    day = timezone.localdate() + timedelta(days=7)
    while not is_working_day(day):
        day += timedelta(days=1)
    meeting = marac_services.schedule_meetings(by=users["coordinator"], first=day, count=1)[0]
    case = Case.objects.order_by("pk").first()
    referral = MaracReferralFactory(case=case, by=users["officer"], accept_by=users["coordinator"])
    marac_services.generate_panel_list(meeting=meeting, by=users["coordinator"])
    application = TriggerApplicationFactory(owner_agency=council)
    return {
        "case": case,
        "meeting": meeting,
        "entry": meeting.entries.get(referral=referral),
        "referral": referral,
        "application": application,
    }


@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def make(*, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": WIDE, "height": 900}, java_script_enabled=javascript
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(ACTION_TIMEOUT_MS)
        page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        return page

    yield make
    for context in contexts:
        context.close()


def fits(page, width: int) -> None:
    """Web-first: wait until the document is no wider than the window (layout settles after a resize)."""
    try:
        page.wait_for_function(FITS, timeout=10_000)
    except PlaywrightError as error:
        wide, window, culprits = page.evaluate(WIDEST)
        raise AssertionError(
            f"{page.url} at {width} px: the page is {wide} px wide in a {window} px window; too wide: {culprits}"
        ) from error


def walk(page, urls) -> None:
    for url in urls:
        page.set_viewport_size({"width": WIDE, "height": 900})
        page.goto(url)
        expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)
        expect(page.locator("h1").first).to_be_visible()
        fits(page, WIDE)
        check_accessibility(page)
        page.set_viewport_size({"width": NARROW, "height": 640})
        expect(page.locator("html")).to_have_js_property("clientWidth", NARROW)
        fits(page, NARROW)
        check_accessibility(page)


def case_pages(ref: str) -> list[str]:
    return [f"/cases/{ref}/", f"/cases/{ref}/parties/", f"/cases/{ref}/timeline/"]


def test_officer_pages_reflow(new_page, borough):
    page = new_page()
    sign_in(page, "officer", DEMO_PASSWORD)
    ref, app = borough["case"].reference, borough["application"].reference
    walk(
        page,
        [
            "/",
            "/cases/",
            *case_pages(ref),
            f"/cases/{ref}/incidents/",
            f"/cases/{ref}/actions/",
            f"/cases/{ref}/evidence/",
            f"/cases/{ref}/sharing/",
            "/triggers/",
            f"/triggers/{app}/",
            f"/triggers/{app}/timeline/",
            "/enforcement/",
            "/enforcement/warnings/",
            "/enforcement/cpns/",
            "/enforcement/fpns/",
            "/enforcement/pspos/",
            "/enforcement/closures/",
            "/notifications/",
            "/notifications/settings/",
            "/cases/exports/",
            "/triggers/figures/",
        ],
    )


def test_case_list_filters_fold_behind_a_toggle_at_320px(new_page, borough):
    page = new_page()
    sign_in(page, "officer", DEMO_PASSWORD)
    page.set_viewport_size({"width": NARROW, "height": 640})
    page.goto("/cases/")
    toggle = page.get_by_role("button", name="Show filters")
    expect(toggle).to_be_visible()
    expect(page.get_by_role("button", name="Apply filters")).to_be_hidden()
    toggle.click()
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(page.get_by_role("button", name="Hide filters")).to_have_attribute("aria-expanded", "true")
    fits(page, NARROW)
    check_accessibility(page)
    page.set_viewport_size({"width": WIDE, "height": 900})
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("(Show|Hide) filters"))).to_be_hidden()


def test_without_javascript_the_filters_show_at_320px(new_page, borough):
    page = new_page(javascript=False)
    page.goto("/accounts/login/")  # not sign_in(): it runs axe, which needs the page's JavaScript
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    page.set_viewport_size({"width": NARROW, "height": 640})
    page.goto("/cases/")
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()
    expect(page.get_by_role("button", name="Show filters")).to_have_count(0)
    fits(page, NARROW)


@pytest.mark.parametrize("username", ["housing", "police"])
def test_partner_pages_reflow(new_page, borough, username):
    page = new_page()
    sign_in(page, username, DEMO_PASSWORD)
    walk(
        page, ["/", "/cases/", *case_pages(borough["case"].reference), "/marac/", "/marac/research/", "/notifications/"]
    )


def test_coordinator_pages_reflow(new_page, borough):
    page = new_page()
    sign_in(page, "coordinator", DEMO_PASSWORD)
    meeting, entry = borough["meeting"].pk, borough["entry"].pk
    walk(
        page,
        [
            "/marac/",
            "/marac/meetings/",
            f"/marac/meetings/{meeting}/",
            f"/marac/meetings/{meeting}/panel-list/",
            f"/marac/meetings/{meeting}/entries/{entry}/",
            f"/marac/meetings/{meeting}/attendance/",
            "/marac/referrals/",
            f"/marac/referrals/{borough['referral'].pk}/",
            "/marac/actions/",
            "/marac/statistics/",
        ],
    )


def test_manager_pages_reflow(new_page, borough):
    page = new_page()
    sign_in(page, "manager", DEMO_PASSWORD)
    walk(page, ["/", "/reports/", "/cases/", "/triggers/", "/triggers/figures/", "/enforcement/"])


def test_auditor_pages_reflow(new_page, borough):
    page = new_page()
    sign_in(page, "auditor", DEMO_PASSWORD)
    ref = borough["case"].reference
    walk(
        page,
        [
            "/audit/",
            f"/audit/cases/?q={ref}",
            f"/audit/cases/{ref}/",
            f"/audit/cases/{ref}/changes/",
            f"/audit/cases/{ref}/disclosures/",
            "/audit/users/?q=officer",
            "/audit/verification/",
            "/governance/subject-access/",
            "/governance/complaints/",
            "/governance/lawful-bases/",
            "/governance/agency-purposes/",
            "/governance/data-requests/",
        ],
    )


def test_resident_public_pages_reflow(new_page, borough):
    page = new_page()
    walk(page, ["/triggers/public/", "/triggers/public/apply/", "/triggers/public/figures/", "/accounts/login/"])


def test_people_places_tokens_and_main_forms_reflow(new_page, borough):
    """#17's last pages: the person and place pages, API tokens, and the new case and add incident forms."""
    case = borough["case"]
    party = case.parties.filter(person__isnull=False, is_anonymous=False).select_related("person__address").first()
    address = case.address or (party.person.address if party else None)
    page = new_page()
    sign_in(page, "officer", DEMO_PASSWORD)
    urls = ["/account/tokens/", "/cases/new/", f"/cases/{case.reference}/incidents/add/"]
    if party is not None:
        urls.append(f"/people/{party.person.pk}/")
    if address is not None:
        urls.append(f"/people/places/{address.postcode.replace(' ', '')}/")
    walk(page, urls)


def test_administrator_delivery_log_reflows(new_page, borough):
    page = new_page()
    sign_in(page, "admin", DEMO_PASSWORD)
    walk(page, ["/notifications/deliveries/"])

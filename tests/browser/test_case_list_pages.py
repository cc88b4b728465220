"""An officer pages through the cases they can see: Next, Previous, Last and First, every
page accessible; the count and the links come from the keyset pages, not page numbers."""

import pytest
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD, load
from casework.models import Case
from tests.browser.conftest import check_accessibility, follow, screenshot, sign_in


@pytest.fixture
def demo(transactional_db):
    load(cases=60)


def _rows(page):
    return page.locator("table.govuk-table tbody tr td:first-child a")


def _references(page) -> list[str]:
    return _rows(page).all_inner_texts()


def _follow(page, name: str) -> None:
    """Follow a pagination link; every page of this list is a full page of 25."""
    follow(page.get_by_role("link", name=name))
    expect(_rows(page)).to_have_count(25)


def test_an_officer_pages_forwards_and_back_through_the_case_list(page, demo):
    sign_in(page, "officer", DEMO_PASSWORD)
    page.goto("/cases/")
    expect(_rows(page)).to_have_count(25)
    first = _references(page)
    visible = Case.objects.count()
    expect(page.get_by_text("cases found").first).to_contain_text(f"{visible} cases found")
    check_accessibility(page)

    _follow(page, "Next page")
    second = _references(page)
    assert not set(first) & set(second)
    check_accessibility(page)

    _follow(page, "Previous page")
    assert _references(page) == first

    _follow(page, "Last page")
    last = _references(page)
    ordered = list(Case.objects.order_by("-opened_at", "-id").values_list("reference", flat=True))
    assert last == ordered[-25:]
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    screenshot(page, "case-list-last-page")

    _follow(page, "First page")
    assert _references(page) == first == ordered[:25]

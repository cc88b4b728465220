"""An officer pages through the cases they can see: Next, Previous, Last and First, every
page accessible; the count and the links come from the keyset pages, not page numbers."""

import pytest

from casework.demo import DEMO_PASSWORD, load
from casework.models import Case
from tests.browser.conftest import check_accessibility, screenshot, sign_in


@pytest.fixture
def demo(transactional_db):
    load(cases=60)


def _references(page) -> list[str]:
    return page.locator("table.govuk-table tbody tr td:first-child a").all_inner_texts()


def test_an_officer_pages_forwards_and_back_through_the_case_list(page, demo):
    sign_in(page, "officer", DEMO_PASSWORD)
    page.goto("/cases/")
    first = _references(page)
    assert len(first) == 25
    count_text = page.get_by_text("cases found").first.inner_text()
    visible = Case.objects.count()
    assert f"{visible} cases found" in count_text
    check_accessibility(page)

    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state()
    second = _references(page)
    assert len(second) == 25 and not set(first) & set(second)
    check_accessibility(page)

    page.get_by_role("link", name="Previous page").click()
    page.wait_for_load_state()
    assert _references(page) == first

    page.get_by_role("link", name="Last page").click()
    page.wait_for_load_state()
    last = _references(page)
    ordered = list(Case.objects.order_by("-opened_at", "-id").values_list("reference", flat=True))
    assert last == ordered[-25:]
    assert page.get_by_role("link", name="Next page").count() == 0
    screenshot(page, "case-list-last-page")

    page.get_by_role("link", name="First page").click()
    page.wait_for_load_state()
    assert _references(page) == first == ordered[:25]

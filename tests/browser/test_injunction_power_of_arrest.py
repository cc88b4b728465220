"""An officer records a civil injunction with a power of arrest through the form, as the court made it: without the
s4(1) ground the form says what is missing and nothing is saved; with it, the order's page shows the ground. The
form and the order's page pass axe-core and fit a 320 px window."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from casework.demo import DEMO_PASSWORD
from casework.demo import load as load_casework
from casework.models import Case, CaseStatus
from enforcement.models import CivilInjunction
from tests.browser.conftest import check_accessibility, sign_in
from tests.factories import make_notice_recipient

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def case(transactional_db):
    load_casework(cases=6)
    officer = get_user_model().objects.get(username="officer")
    case = (
        Case.objects.filter(lead_agency__short_name="lbb-community-safety", officer=officer)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("id")
        .first()
    )
    make_notice_recipient(case=case, by=officer, first_name="Dean", last_name="Arrow", date_of_birth=date(1990, 6, 1))
    return case


def fill_date(page, name: str, day: date) -> None:
    page.locator(f"#id_{name}_0").fill(str(day.day))
    page.locator(f"#id_{name}_1").fill(str(day.month))
    page.locator(f"#id_{name}_2").fill(str(day.year))


def narrow_and_check(page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    page.wait_for_function(FITS)
    check_accessibility(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_officer_records_the_ground_for_a_power_of_arrest(page, case):
    today = timezone.localdate()
    sign_in(page, "officer", DEMO_PASSWORD)
    page.goto(reverse("enforcement:injunction_create", args=[case.reference]))
    check_accessibility(page)
    narrow_and_check(page)

    page.get_by_label("Subject of the order").select_option(label="Dean Arrow (person causing harm)")
    fill_date(page, "subject_date_of_birth", date(1990, 6, 1))
    page.get_by_label("Court", exact=True).fill("Barnet County Court")
    for name in ("application_heard_on", "made_on", "starts_on"):
        fill_date(page, name, today)
    page.get_by_label("Prohibitions (optional)").fill("Not to enter the Watling estate")
    page.get_by_label("A power of arrest is attached").check()
    page.get_by_label("Terms the power of arrest attaches to").fill("The prohibition on entering the estate")
    page.get_by_role("button").filter(has_text="Record").first.click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the ground the court found for attaching the power of arrest")
    expect(summary).to_contain_text("s4(1)")
    check_accessibility(page)
    assert not CivilInjunction.objects.exists()

    page.get_by_label("Significant risk of harm to others from the respondent (s4(1)(b))").check()
    page.get_by_role("button").filter(has_text="Record").first.click()
    expect(page.get_by_text("Ground for the power of arrest")).to_be_visible()
    expect(page.get_by_text("Significant risk of harm to others from the respondent (s4(1)(b))")).to_be_visible()
    check_accessibility(page)
    narrow_and_check(page)
    injunction = CivilInjunction.objects.get()
    assert injunction.power_of_arrest_ground == "risk_of_harm"
    assert injunction.history.get().history_user.username == "officer"

"""An auditor verifies the audit trail, finds a manager's bulk export on a case, takes a subject access request
to a redacted pack within the clock, and records a data-protection complaint; every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from casework.models import Person
from tests.browser.conftest import check_accessibility, screenshot, sign_in, sign_out
from tests.factories import PASSWORD


@pytest.fixture
def world(transactional_db, case, officer, manager, auditor):
    return case


def _run_jobs(monkeypatch) -> None:
    """What `manage.py run_worker --batch` does, in this process (tests/notifications/conftest.py)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="browser-test",
        excluded_queue_names=[],
    ).run()


def test_auditor_verifies_the_trail_sees_an_export_and_handles_a_sar_and_a_complaint(page, world, monkeypatch):
    reference = world.reference
    person = Person.objects.get(last_name="Loud")

    # A manager downloads the CSV of every case they can see: logged once, against the manager.
    sign_in(page, "manager", PASSWORD)
    download = page.request.get("/cases/export.csv")
    assert download.ok and reference in download.text()
    sign_out(page)

    # 1. The auditor verifies the audit trail from the screen; the job runs in a worker.
    sign_in(page, "auditor", PASSWORD)
    page.get_by_role("link", name="Audit").first.click()
    page.get_by_role("link", name="verify the audit trail now").click()
    expect(page.get_by_role("heading", name="Verify the audit trail", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Verify the audit trail now").click()
    expect(page.get_by_text("The audit trail is being verified")).to_be_visible()
    _run_jobs(monkeypatch)
    page.reload()
    expect(page.locator("#verification-result")).to_contain_text(re.compile(r"Verified to row \d+ at \d+ \w+ \d{4}"))
    check_accessibility(page)
    screenshot(page, "audit-verification")

    # 2. The manager's bulk export is on the case's own access tab.
    page.goto("/audit/")
    page.get_by_label("Case reference").fill(reference)
    page.get_by_role("button", name="Find case").click()
    expect(page.get_by_role("heading", name=reference, level=1)).to_be_visible()
    export_row = page.get_by_role("row").filter(has_text="manager").filter(has_text="Exported")
    expect(export_row.first).to_contain_text("Bulk export of 1 case, this one among them")
    check_accessibility(page)

    # 3. A subject access request from the person causing harm, from receipt to a redacted pack.
    page.get_by_role("link", name="Information governance").first.click()
    expect(page.get_by_role("heading", name="Subject access requests", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Record number of the person the request is about").fill(str(person.pk))
    page.get_by_label("Who made the request").fill("Kevin Loud")
    page.get_by_role("button", name="Record request").click()
    expect(page.get_by_text("Respond by")).to_be_visible()
    check_accessibility(page)
    page.get_by_text("Record the identity check").click()
    page.get_by_label("How identity was checked").fill("Passport seen at the counter")
    page.get_by_role("button", name="Record identity check").click()
    expect(page.get_by_text("Identity check recorded")).to_be_visible()
    page.get_by_text("Record what was searched").click()
    page.get_by_label("What was searched").fill("Casework: every case where he is a party; nothing else held.")
    page.get_by_role("button", name="Record searches").click()
    expect(page.get_by_text("Searches recorded").first).to_be_visible()
    pack_link = page.get_by_role("link", name="Produce the disclosure pack (PDF)")
    expect(pack_link).to_be_visible()
    pack = page.request.get(pack_link.get_attribute("href"))
    assert pack.ok and pack.headers["content-type"] == "application/pdf" and pack.body().startswith(b"%PDF")
    page.reload()
    expect(page.get_by_text(re.compile(r"Produced \d+ \w+ \d{4}"))).to_be_visible()
    page.get_by_text("Record the decision").click()
    page.get_by_label("Disclosed with third-party information redacted").check()
    page.get_by_label("Reasons").fill("The victim's identity is withheld.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Disclosed with third-party")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "governance-sar-decided")

    # 4. A data-protection complaint, and its acknowledgement.
    page.get_by_role("link", name="Subject access requests").click()
    page.get_by_role("link", name="Data-protection complaints register").click()
    expect(page.get_by_role("heading", name="Data-protection complaints register", level=1)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Complainant").fill("A resident")
    page.get_by_label("What the complaint is about").fill("My phone number was shared with my landlord.")
    page.get_by_role("button", name="Record complaint").click()
    expect(page.get_by_role("heading", name=re.compile(r"DPC-\d+"), level=1)).to_be_visible()
    page.get_by_role("button", name="Record acknowledgement").click()
    expect(page.get_by_text("Acknowledgement recorded")).to_be_visible()
    expect(page.locator("#acknowledged")).to_contain_text("within 30 days")
    check_accessibility(page)

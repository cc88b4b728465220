"""Issue #19's Done-when for do-not-disclose, in a browser: a victim who listed the Metropolitan Police has her
address and phone withheld from a police user on every page of a case shared with them (the case page, whose
location is her home, the Parties tab, the CSV export, the notice PDF), and a CPN warning addressed to the
ex-partner on her list leaves her address out of the printed PDF."""

import shutil
import subprocess
import tempfile
from datetime import date

import pytest
from playwright.sync_api import expect

from casework import roles, safety, services
from casework.models import AgencyKind, LegalBasis, PartyRole
from tests.browser.conftest import check_accessibility, follow, sign_in
from tests.factories import PASSWORD, AgencyFactory, CaseFactory, WardFactory, make_member, make_written_warning

PHONE, LINE1, POSTCODE = "07700 900777", "12 Refuge Lane", "NW9 7ZZ"
SECRETS = [PHONE, "07700900777", LINE1]
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


@pytest.fixture
def world(transactional_db):
    """Alice, the victim on the council's case at her home, listed the Metropolitan Police and Kevin Loud, her
    ex-partner and the person causing harm. The case is shared with the police; a written warning to Kevin quotes
    her address."""
    ward = WardFactory(name="Burnt Oak", code="burnt-oak")
    council = AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)
    police = AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)
    officer = make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")
    make_member(police, roles.PARTNER_CASEWORKER, "constable")
    home = services.create_address(by=officer, line1=LINE1, postcode=POSTCODE, ward=ward)
    case = CaseFactory(
        by=officer, ward=ward, title="Harassment at her flat", address=home, location_description="Her front door"
    )
    alice = services.create_person(by=officer, first_name="Alice", last_name="Hidden", phone=PHONE, address=home)
    party = services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=alice)
    kevin = services.create_person(by=officer, first_name="Kevin", last_name="Loud", date_of_birth=date(1985, 6, 1))
    services.add_party(case=case, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    services.share_case(case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Joint work", by=officer)
    safety.add_do_not_disclose(party=party, by=officer, reason="Officer is a relative", withheld_from_agency=police)
    safety.add_do_not_disclose(party=party, by=officer, reason="Ex-partner", withheld_from_person=kevin)
    warning = make_written_warning(
        case=case,
        by=officer,
        person=kevin,
        recipient_address="Flat 3, 12 Watling Avenue, HA8 0LX",
        conduct=f"Going to {LINE1} and phoning {PHONE} at night",
    )
    return case, warning


def test_a_listed_police_user_sees_withheld_and_the_warning_to_her_ex_partner_leaves_her_out(page, world):
    case, warning = world
    sign_in(page, "constable", PASSWORD)

    # The case page: its location is her home.
    page.goto(f"/cases/{case.reference}/")
    location = page.locator(".govuk-summary-list__row", has_text="Location")
    expect(location).to_contain_text("Withheld")
    expect(location.get_by_text("Do not disclose")).to_be_visible()
    assert not leaks(page.content()) and "Her front door" not in page.content()
    check_accessibility(page)

    # The Parties tab: her name, "Withheld" for contact and address, and the tag.
    follow(page.get_by_role("link", name="Parties", exact=True))
    row = page.get_by_role("row", name="Alice Hidden")
    expect(row).to_contain_text("Withheld")
    expect(row.get_by_text("Do not disclose")).to_be_visible()
    assert not leaks(page.content())
    check_accessibility(page)

    # The case list and its CSV export.
    page.goto("/cases/")
    expect(page.get_by_role("link", name="Download these cases as CSV")).to_be_visible()
    csv = page.request.get(page.get_by_role("link", name="Download these cases as CSV").get_attribute("href"))
    assert csv.ok and case.reference in csv.text() and not leaks(csv.text())

    # The notice's PDF, if the police may print it: never her details.
    notice_pdf = page.request.get(f"/enforcement/warnings/{warning.pk}/pdf/")
    if notice_pdf.ok:
        assert "Kevin Loud" in pdf_text(notice_pdf.body()) and not leaks(pdf_text(notice_pdf.body()))


def test_an_officer_prints_the_warning_to_her_ex_partner_without_her_address(page, world):
    _case, warning = world
    sign_in(page, "officer", PASSWORD)
    page.goto(f"/enforcement/warnings/{warning.pk}/")
    link = page.get_by_role("link", name="Print the warning (PDF)")
    expect(link).to_be_visible()
    check_accessibility(page)
    response = page.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("application/pdf")
    text = pdf_text(response.body())
    assert "Kevin Loud" in text and "Withheld" in text
    assert not leaks(text), f"{leaks(text)} printed in a warning addressed to the person she listed"

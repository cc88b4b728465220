"""Do-not-disclose, swept over every output (#19 Done-when): a victim's address and contact details never appear
in a document addressed to a person on her list (notices, letters), nor on any page, PDF, CSV or API answer seen
by an agency on it. Her details are also copied into free text (a note, a MARAC referral, a notice's wording),
so the sweep proves the second line (casework.withholding) as well as the structured "Withheld"."""

import shutil
import subprocess
import tempfile
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLog
from casework import closure, safety, services
from casework.models import LegalBasis, PartyRole
from tests.factories import MaracReferralFactory, make_marac_meeting, make_notice_recipient, make_written_warning
from tests.security.conftest import body_of
from tests.security.urlwalk import DOMAIN_APPS, filled, routes

PHONE, EMAIL, LINE1 = "07700 900777", "alice.hidden@example.org", "12 Refuge Lane"
SECRETS = [PHONE, "07700900777", EMAIL, LINE1]
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout


def text_of(response) -> str:
    data = body_of(response)
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(data)
    return data.decode(errors="replace")


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret.lower() in text.lower()]


@pytest.fixture
def protected(case, officer, coordinator, barnet_homes, police, ward, settings):
    """Alice, a named victim on the council's case, has listed Barnet Homes and Kevin Loud (her ex-partner, the
    person causing harm). The case is shared with Barnet Homes (view) and the police (change, not listed); her
    phone is in a note and a CS MARAC referral, her address in a written warning to Kevin."""
    settings.MARAC = {"COORDINATING_AGENCY": "lbb", "CORE_AGENCIES": ["lbb", "barnet-homes", "met"]}
    address = services.create_address(by=officer, line1=LINE1, postcode="NW9 7ZZ", ward=ward)
    alice = services.create_person(
        by=officer, first_name="Alice", last_name="Hidden", phone=PHONE, email=EMAIL, address=address
    )
    party = services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=alice)
    kevin = make_notice_recipient(case=case, by=officer)  # Kevin Loud again, with the date of birth a CPN needs
    for agency, can_change in ((barnet_homes, False), (police, True)):
        services.share_case(
            case=case,
            agency=agency,
            legal_basis=LegalBasis.CDA_S115,
            purpose="Joint work",
            by=officer,
            can_change=can_change,
        )
    safety.add_do_not_disclose(party=party, by=officer, reason="Fled to a refuge", withheld_from_agency=barnet_homes)
    safety.add_do_not_disclose(party=party, by=officer, reason="Ex-partner", withheld_from_person=kevin)
    safety.set_safe_contact(party=party, by=officer, phone_ok=True, no_voicemail=True, safe_times="Weekdays 10-2")
    services.add_note(case=case, by=officer, text=f"Alice asks us to call {PHONE} only; she is at {LINE1} now.")
    now = timezone.now()
    services.add_incident(
        case=case,
        by=officer,
        occurred_at=now - timedelta(days=1),
        reported_at=now,
        reported_to=case.lead_agency,
        description="Kevin came to the door",
        reported_by=party,
    )
    warning = make_written_warning(case=case, by=officer, person=kevin, conduct=f"Going to {LINE1} and phoning {PHONE}")
    from marac import services as marac_services

    meeting = make_marac_meeting(by=coordinator, on=timezone.localdate() + timedelta(days=7))
    referral = MaracReferralFactory(
        case=case, by=officer, accept_by=coordinator, reason=f"Repeated threats; the victim is on {PHONE}"
    )
    marac_services.generate_panel_list(meeting=meeting, by=coordinator)
    marac_services.publish_panel_list(meeting=meeting, by=coordinator)  # Barnet Homes, a core agency, may read it
    return case, party, kevin, warning, referral


def _walk(client, case, party, warning):
    """GET every signed-in URL of every app, filled with this world's ids: (url, response) pairs."""
    overrides = {
        "reference": [case.reference],
        "party_id": [party.pk],
        "pk": [warning.pk],
        "person_id": [party.person_id],
    }
    for route in routes():
        if route.public or route.namespace not in (*DOMAIN_APPS, "api", "", "people"):
            continue
        urls = ["/" + route.route] if not route.params else filled(route, limit=2, overrides=overrides)
        for url in urls:
            yield url, client.get(url)


@pytest.mark.django_db
def test_a_listed_agency_never_receives_her_details_from_any_page_pdf_csv_or_api(client, protected, housing_user):
    case, party, _kevin, warning, _referral = protected
    client.force_login(housing_user)
    checked, pdfs, by_type = 0, [], set()
    for url, response in _walk(client, case, party, warning):
        assert response.status_code != 500, url
        if response.status_code != 200:
            continue
        found = leaks(text_of(response))
        assert not found, f"{found} reached Barnet Homes through {url}"
        checked += 1
        if response.get("Content-Type", "").startswith("application/pdf"):
            pdfs.append(url)
        by_type.add(response.get("Content-Type", "").split(";")[0])
    print(f"do-not-disclose sweep: {checked} answers, {pdfs} PDFs, types {sorted(by_type)}")
    assert checked >= 50 and any("panel-list.pdf" in url for url in pdfs) and len(pdfs) >= 3
    assert {"text/html", "application/json", "text/csv", "application/pdf"} <= by_type

    parties = client.get(f"/cases/{case.reference}/parties/").content.decode()
    assert "Alice Hidden" in parties and "Withheld" in parties and "Do not disclose" in parties
    notes = client.get(f"/cases/{case.reference}/notes/").content.decode()
    assert "Alice asks us to call Withheld only" in notes
    api = client.get(f"/api/v1/cases/{case.reference}/parties/").json()["results"]
    alice = next(p for p in api if p["id"] == party.pk)
    assert alice["name"] == "Alice Hidden" and alice["contact"] == alice["address"] == "Withheld"
    assert alice["details_withheld"] is True and alice["withheld"] is False
    person = client.get(f"/people/{party.person_id}/").content.decode()
    assert "Alice Hidden" in person and "Withheld" in person


@pytest.mark.django_db
def test_the_background_case_export_of_a_listed_agency_holds_none_of_her_details(protected, housing_user):
    from casework import exports

    case = protected[0]
    export = exports.request_export(user=housing_user, query="")
    exports.build(export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as handle:
        text = handle.read().decode()
    assert case.reference in text and not leaks(text)


@pytest.mark.django_db
def test_an_agency_not_on_the_list_sees_her_details(client, protected, police_user):
    """The control: the police share the case and are not listed, so nothing is withheld from them."""
    case, party, *_ = protected
    client.force_login(police_user)
    parties = client.get(f"/cases/{case.reference}/parties/").content.decode()
    assert PHONE in parties and LINE1 in parties and "Do not disclose" not in parties
    assert PHONE in client.get(f"/cases/{case.reference}/notes/").content.decode()


@pytest.mark.django_db
def test_a_notice_addressed_to_a_listed_person_leaves_her_details_out(client, protected, officer):
    """The written warning to Kevin quotes her address and phone: printed by the lead (who may see them), the
    notice addressed to him still says "Withheld"; a warning to someone not on her list keeps the wording."""
    case, _party, _kevin, warning, _ = protected
    client.force_login(officer)
    text = text_of(client.get(f"/enforcement/warnings/{warning.pk}/pdf/"))
    assert "Kevin Loud" in text and not leaks(text) and "Withheld" in text
    other = make_notice_recipient(case=case, by=officer, first_name="Dave", last_name="Neighbour")
    to_other = make_written_warning(case=case, by=officer, person=other, conduct=f"Noise outside {LINE1}")
    assert LINE1 in text_of(client.get(f"/enforcement/warnings/{to_other.pk}/pdf/"))
    logged = AccessLog.objects.filter(object_type="withheld_details", user=officer)
    assert logged.exists() and "warning" in logged.first().object_label


@pytest.mark.django_db
def test_a_letter_to_every_victim_leaves_out_the_one_who_listed_another(client, protected, officer):
    """The closure letter goes to every victim on the case at once: Alice has listed Bob, so her address and
    contact details stay out of it."""
    case, party, *_ = protected
    bob = services.create_person(by=officer, first_name="Bob", last_name="Other")
    services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=bob)
    safety.add_do_not_disclose(party=party, by=officer, reason="Related to Kevin", withheld_from_person=bob)
    closure.request_closure(case=case, by=officer, outcome="resolved", reasons="Kevin moved away")
    client.force_login(officer)
    response = client.post(f"/cases/{case.reference}/close/letter/")
    assert response.status_code == 200, response.status_code
    text = text_of(response)
    assert "Alice Hidden" in text and "Bob Other" in text and not leaks(text) and "Withheld" in text
    letter = text_of(client.get(f"/cases/{case.reference}/victim/{party.pk}/case-review-letter.pdf"))
    assert LINE1 in letter, "a letter addressed to Alice alone keeps her own address"


@pytest.mark.django_db
def test_each_withholding_is_logged_and_throttled(client, protected, housing_user, settings):
    settings.SECURITY = {**settings.SECURITY, "REFUSED_LOG_PER_MINUTE": 3}
    case = protected[0]
    client.force_login(housing_user)
    for _ in range(5):
        client.get(f"/cases/{case.reference}/parties/")
        client.get(f"/cases/{case.reference}/notes/")
    rows = list(AccessLog.objects.filter(object_type="withheld_details", user=housing_user).order_by("id"))
    assert len(rows) == 3
    assert rows[0].agency == "Barnet Homes" and rows[0].details["outcome"] == "withheld"
    assert rows[-1].details["throttled_after"] == 3

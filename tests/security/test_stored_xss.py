"""Stored XSS: markup typed into every free-text field of a case comes back escaped on every page that
shows it, to every role (the browser proof is tests/browser/test_security_xss.py)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework import services
from casework.models import CaseOutcome, CaseStatus, EvidenceKind, LegalBasis, PartyRole
from tests.factories import CaseFactory
from tests.security.conftest import body_of

PAYLOAD = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
RAW = ["<script>window.__xss", "<img src=x onerror"]
ESCAPED = "&lt;script&gt;window.__xss=1&lt;/script&gt;"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def poisoned_case(officer, ward, council, barnet_homes):
    """A case with the payload in every free-text field a user can type into."""
    address = services.create_address(by=officer, line1=PAYLOAD[:200], postcode="NW4 4BQ", ward=ward)
    case = CaseFactory(
        by=officer, ward=ward, title=PAYLOAD, description=PAYLOAD, address=address, location_description=PAYLOAD[:200]
    )
    person = services.create_person(by=officer, first_name=PAYLOAD[:100], last_name=PAYLOAD[:100], phone="0")
    party = services.add_party(case=case, by=officer, role=PartyRole.WITNESS, person=person, notes=PAYLOAD)
    now = timezone.now()
    services.add_incident(
        case=case,
        by=officer,
        occurred_at=now - timedelta(hours=2),
        reported_at=now,
        reported_to=council,
        description=PAYLOAD,
        agency_reference=PAYLOAD[:50],
        reported_by=party,
    )
    services.record_risk_assessment(case=case, by=officer, answers={}, repeat_victimisation_count=0, notes=PAYLOAD)
    services.add_action(case=case, by=officer, description=PAYLOAD, owner_agency=council, due_date=now.date())
    services.add_note(case=case, by=officer, text=PAYLOAD)
    services.add_evidence(
        case=case,
        by=officer,
        kind=EvidenceKind.PHOTO,
        description=PAYLOAD,
        upload=SimpleUploadedFile(PAYLOAD + ".png", PNG),
        content_type="image/png",
        external_reference=PAYLOAD[:100],
    )
    share = services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.ISA, purpose=PAYLOAD, by=officer)
    services.revoke_share(share=share, by=officer, reason=PAYLOAD)
    services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.ISA, purpose=PAYLOAD, by=officer)
    case.refresh_from_db()
    services.transition_case(
        case=case, by=officer, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes=PAYLOAD
    )
    services.transition_case(case=case, by=officer, to=CaseStatus.OPEN)
    return case


PAGES = ["", "parties/", "incidents/", "risk/", "actions/", "notes/", "evidence/", "sharing/", "timeline/", "edit/"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "housing_user", "manager", "auditor"])
def test_markup_in_every_text_field_is_escaped_everywhere(client, poisoned_case, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    reference = poisoned_case.reference
    urls = [f"/cases/{reference}/{page}" for page in PAGES]
    urls += ["/", "/cases/", f"/cases/?q={reference}", "/cases/export.csv", f"/api/v1/cases/{reference}/"]
    if who == "auditor":
        urls += [f"/audit/cases/{reference}/", "/audit/", f"/audit/cases/{reference}/changes/"]
    escaped_seen = 0
    for url in urls:
        response = client.get(url)
        if response.status_code in (403, 404):
            continue  # a page this role may not open shows nothing at all
        assert response.status_code == 200, url
        text = body_of(response).decode()
        for raw in RAW:
            if response["Content-Type"].startswith("text/html"):
                assert raw not in text, f"unescaped markup on {url} for {who}"
        escaped_seen += ESCAPED in text
    assert escaped_seen >= 5, f"the payload should be visible (escaped) on the case pages for {who}"


@pytest.mark.django_db
def test_json_and_csv_carry_the_text_as_data_not_markup(client, poisoned_case, officer):
    """The API returns JSON (the browser never renders it as HTML); the CSV neutralises nothing it need not."""
    client.force_login(officer)
    api = client.get(f"/api/v1/cases/{poisoned_case.reference}/")
    assert api["Content-Type"].startswith("application/json")
    assert api.json()["title"] == PAYLOAD
    assert api["X-Content-Type-Options"] == "nosniff"
    export = body_of(client.get("/cases/export.csv"))
    assert b"text/csv" in client.get("/cases/export.csv")["Content-Type"].encode()
    assert PAYLOAD.replace('"', '""').encode() in export  # CSV quoting; the file is data, never a page


def test_the_pdf_renderer_fetches_nothing_from_outside(monkeypatch, tmp_path):
    """Printed notices carry text users typed: WeasyPrint is given a fetcher that refuses every address
    except the service's own static files, so no markup can make the server fetch a URL (SSRF) or read a
    local file into a PDF."""
    import http.server
    import threading

    from casework import pdf

    hits = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-FILE")  # a local file the markup points at
    html = (
        f'<html lang="en-GB"><head><title>Notice</title></head><body><p>Notice</p><img src="http://127.0.0.1:{server.server_port}/ssrf.png">'
        f'<link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/x.css">'
        f'<img src="file://{secret}"><iframe src="file://{secret}"></iframe></body></html>'
    )
    monkeypatch.setattr(pdf, "render_to_string", lambda *args, **kwargs: html)
    try:
        from weasyprint import HTML

        HTML(string=html).write_pdf()  # control: WeasyPrint's own fetcher would go out
        assert "/ssrf.png" in hits
        hits.clear()
        document = pdf.render_pdf_bytes("any.html", {})
    finally:
        server.shutdown()
    assert document.startswith(b"%PDF")
    assert hits == []

"""The low-severity findings of the hostile review (issue #22), one test (or a few) each."""

import io
import re
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLog
from casework import roles, services
from casework.models import Evidence, PartyRole
from tests.factories import AgencyFactory, CaseFactory, make_member, make_written_warning
from tests.security.conftest import body_of

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- Content-Disposition -----------------------------------------------------------------------------------


def test_a_hostile_file_name_cannot_add_header_parameters(monkeypatch):
    """A notice number (or any name) with quotes and semicolons stays one filename parameter."""
    from email.message import EmailMessage

    from casework import pdf

    monkeypatch.setattr(pdf, "render_pdf_bytes", lambda *args, **kwargs: b"%PDF-1.4")
    hostile = "FPN-1.pdf\"; filename*=UTF-8''evil.exe; x=\"y"
    header = pdf.pdf_response("unused.html", {}, filename=hostile)["Content-Disposition"]
    parsed = EmailMessage()
    parsed["Content-Disposition"] = header
    assert parsed.get_content_disposition() == "inline"
    assert parsed.get_filename() == hostile
    assert parsed.get_param("x", header="content-disposition") is None


def test_every_content_disposition_is_built_by_django():
    """No hand-built header anywhere: every one goes through django.utils.http.content_disposition_header."""
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "node_modules" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r"\[\"Content-Disposition\"\]\s*=", line) and "content_disposition_header" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, offenders


# --- The browsable API -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_browsable_api_never_answers_500(client, shared_case, officer):
    from tests.api.test_authorization_matrix import api_patterns

    client.force_login(officer)
    client.raise_request_exception = False
    action = services.add_action(
        case=shared_case,
        by=officer,
        description="Visit",
        owner_agency=shared_case.lead_agency,
        due_date=shared_case.opened_at.date(),
    )
    checked = 0
    for _name, route in api_patterns():
        url = "/" + (
            route.replace("<str:reference>", shared_case.reference)
            .replace("<int:action_id>", str(action.pk))
            .replace("<int:referral_id>", "1")
            .replace("^.*$", "no/such/endpoint")
        )
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code < 500, f"{url} -> {response.status_code}"
        checked += 1
    assert checked >= 10


# --- NUL bytes ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nul_byte_in_any_filter_is_a_clear_400(client, auditor, officer):
    client.raise_request_exception = False
    client.force_login(auditor)
    for url in (
        "/audit/cases/?q=%00",
        "/audit/people/?q=a%00b",
        "/audit/users/?q=%00",
        "/cases/?q=%00",
        "/cases/?ward=%00",
        "/cases/export.csv?q=%00",
        "/triggers/?q=%00",
        "/enforcement/warnings/?status=%00",
    ):
        response = client.get(url)
        assert response.status_code == 400, f"{url} -> {response.status_code}"
        assert "cannot be used" in body_of(response).decode(), url
    api = client.get("/api/v1/cases/?search=%00")
    assert api.status_code == 400 and api.json()["error"]["code"] == "invalid_character"


# --- Refused attempts are logged ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_refused_attempts_are_logged_and_throttled(client, shared_case, settings):
    probation = AgencyFactory(name="Probation", short_name="probation")
    prober = make_member(probation, roles.PARTNER_CASEWORKER, "prober")
    client.force_login(prober)
    assert client.get(f"/cases/{shared_case.reference}/").status_code == 404
    row = AccessLog.objects.get(object_type="refused_case")
    assert row.user == prober and row.object_label == shared_case.reference
    assert row.details["outcome"] == "refused" and row.path == f"/cases/{shared_case.reference}/"
    for n in range(60):
        client.get(f"/cases/ASB-2026-{n:05d}/parties/")
    rows = AccessLog.objects.filter(object_type="refused_case", user=prober).count()
    assert 10 <= rows <= settings.SECURITY["REFUSED_LOG_PER_MINUTE"] + 1, rows
    # The auditor sees the probing on the prober's page.
    assert AccessLog.objects.filter(user=prober, details__outcome="refused").count() == rows


# --- Access-log labels -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_access_log_labels_carry_references_never_names(client, case, officer, auditor):
    warning = make_written_warning(case=case, by=officer)
    client.force_login(officer)
    assert client.get(reverse("enforcement:warning_detail", args=[warning.pk])).status_code == 200
    victim = case.parties.get(role=PartyRole.VICTIM).person
    client.force_login(auditor)
    assert client.get(f"/audit/people/{victim.pk}/").status_code == 200
    labels = list(AccessLog.objects.values_list("object_label", flat=True))
    assert labels
    for label in labels:
        for name in ("Kevin", "Loud", "Maria", "Secretname"):
            assert name not in label, label


# --- Headers -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_pages_exports_evidence_and_the_api_are_never_stored_by_a_cache(client, case, officer):
    evidence = services.add_evidence(
        case=case,
        by=officer,
        kind="photo",
        description="Door",
        upload=SimpleUploadedFile("d.png", PNG),
        content_type="image/png",
    )
    client.force_login(officer)
    for url in (
        f"/cases/{case.reference}/",
        f"/cases/{case.reference}/parties/",
        "/cases/export.csv",
        f"/cases/{case.reference}/evidence/{evidence.pk}/download/",
        "/api/v1/cases/",
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "camera=()" in response["Permissions-Policy"], url
    client.logout()
    sign_in = client.get("/accounts/login/")
    assert "Permissions-Policy" in sign_in


# --- Request size ------------------------------------------------------------------------------------------


def test_request_bodies_are_limited(settings):
    from django.conf import settings as live

    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert live.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert live.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 2000
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert "client_max_body_size" in operations


@pytest.mark.django_db
def test_an_oversized_form_post_is_refused(client, case, officer):
    client.force_login(officer)
    client.raise_request_exception = False
    response = client.post(f"/cases/{case.reference}/notes/", {"text": "x" * (6 * 1024 * 1024)})
    assert response.status_code == 400


# --- Active content in uploads -----------------------------------------------------------------------------


def _upload(client, case, name, content):
    return client.post(
        f"/cases/{case.reference}/evidence/add/",
        {"kind": "document", "description": "Evidence", "file": SimpleUploadedFile(name, content)},
    )


def _docx(*entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


PDF_JS = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
    b"2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n%%EOF"
)
PDF_HEX_JS = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Open#41ction << /S /Java#53cript /J#53 (x) >> >> endobj\n%%EOF"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content,message",
    [
        ("report.pdf", PDF_JS, "contains JavaScript or actions"),
        ("report.pdf", PDF_HEX_JS, "contains JavaScript or actions"),
        ("letter.docx", _docx(("word/vbaProject.bin", b"\x00" * 64)), "contains macros"),
        ("letter.docm", _docx(), "contains macros"),
    ],
    ids=["pdf-javascript", "pdf-hex-escaped-javascript", "docx-with-vba-project", "docm"],  # stable under xdist
)
def test_pdfs_with_javascript_and_office_files_with_macros_are_refused(client, case, officer, name, content, message):
    client.force_login(officer)
    response = _upload(client, case, name, content)
    assert response.status_code == 200 and message in response.content.decode()
    assert not Evidence.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_plain_pdf_is_accepted(client, case, officer):
    client.force_login(officer)
    response = _upload(client, case, "report.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF")
    assert response.status_code == 302


def test_the_virus_scanning_hook_is_a_no_op_unless_a_clamd_socket_is_set(settings, tmp_path):
    from casework.scanning import scan

    settings.CASEWORK = {**settings.CASEWORK, "CLAMD_SOCKET": ""}
    assert scan(io.BytesIO(b"anything")) is None
    socket_path = str(tmp_path / "clamd.sock")
    received = []
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(2)

    def clamd():
        for _ in range(2):
            connection, _ = server.accept()
            data = b""
            while not data.endswith(b"\x00\x00\x00\x00"):
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
            received.append(data)
            verdict = b"stream: Eicar-Test-Signature FOUND\x00" if b"EICAR" in data else b"stream: OK\x00"
            connection.sendall(verdict)
            connection.close()

    thread = threading.Thread(target=clamd, daemon=True)
    thread.start()
    settings.CASEWORK = {**settings.CASEWORK, "CLAMD_SOCKET": socket_path}
    assert scan(io.BytesIO(b"a clean file")) is None
    assert "Eicar-Test-Signature" in scan(io.BytesIO(b"X5O!P%@AP EICAR test"))
    thread.join(5)
    assert received[0].startswith(b"zINSTREAM\x00")


# --- Anonymous victims on the audit screens (decision 0010) ------------------------------------------------


@pytest.mark.django_db
def test_the_auditor_sees_an_anonymous_identity_only_explicitly_and_the_read_is_logged(client, auditor, police, ward):
    police_officer = make_member(police, roles.ENFORCEMENT_OFFICER, "police-officer")
    case = CaseFactory(by=police_officer, ward=ward, title="Police-led case")
    victim = services.create_person(by=police_officer, first_name="Hidden", last_name="Witness")
    services.add_party(case=case, by=police_officer, role=PartyRole.VICTIM, person=victim, is_anonymous=True)
    client.force_login(auditor)
    parties = client.get(f"/cases/{case.reference}/parties/").content.decode()
    assert "Witness" not in parties and "Anonymous victim" in parties  # the case pages, as for their agency
    page = client.get(f"/audit/people/{victim.pk}/").content.decode()
    assert "Anonymous on the case pages" in page
    row = AccessLog.objects.filter(object_type="audit", person_id=victim.pk).latest("id")
    assert row.details.get("anonymous_identity_shown") is True
    assert "Witness" not in row.object_label
    history = client.get(f"/audit/cases/{case.reference}/changes/").content.decode()
    assert "Anonymous on the case pages" in history
    case_row = AccessLog.objects.filter(object_type="audit", case_id=case.pk).latest("id")
    assert case_row.details.get("anonymous_identity_shown") is True


# --- MARAC statistics --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_marac_statistics_are_for_marac_agencies_managers_and_auditors(client, settings, manager, auditor, council):
    settings.MARAC = {"CORE_AGENCIES": ["lbb", "met"]}
    met = AgencyFactory(name="Metropolitan Police", short_name="met")
    lfb = AgencyFactory(name="London Fire Brigade", short_name="lfb")
    allowed = [make_member(met, roles.PARTNER_CASEWORKER, "met-user"), manager, auditor]
    refused = [
        make_member(lfb, roles.PARTNER_CASEWORKER, "lfb-user"),
        make_member(lfb, roles.ENFORCEMENT_OFFICER, "lfb-officer"),
    ]
    for user in allowed:
        client.force_login(user)
        assert client.get("/marac/statistics/").status_code == 200, user.username
    for user in refused:
        client.force_login(user)
        response = client.get("/marac/statistics/")
        assert response.status_code in (403, 404), user.username

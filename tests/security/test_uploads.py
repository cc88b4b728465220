"""Evidence uploads under attack, beyond tests/casework/test_views.py (type by content, oversize, a
50 MB zip bomb, a traversal file name): hostile Word documents, disguised files, hostile file names, and
what a download sends back."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.models import Evidence
from tests.security.conftest import body_of

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 80


def _plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a Word document")
    return buffer.getvalue()


PLAIN_ZIP = _plain_zip()


def docx(*entries: tuple[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def upload(client, case, name: str, content: bytes, kind: str = "document"):
    return client.post(
        f"/cases/{case.reference}/evidence/add/",
        {"kind": kind, "description": "Evidence", "file": SimpleUploadedFile(name, content)},
    )


HOSTILE_FILES = [
    ("traversal.docx", docx(("../../evil.sh", "rm -rf /"))),
    ("backslash.docx", docx(("..\\..\\evil.bat", "del *"))),
    ("absolute.docx", docx(("/etc/cron.d/evil", "* * * * * root sh"))),
    ("ratio-bomb.docx", docx(("word/media/zeros.bin", b"\x00" * (2 * 1024 * 1024)))),
    ("truncated.docx", docx()[:200]),
    ("plain.docx", PLAIN_ZIP),
    ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("page.png", b"<html><body><script>alert(document.cookie)</script></body></html>"),
    ("script.pdf", b"#!/bin/sh\necho pwned\n"),
    ("macro.docm", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),  # OLE2 (old Office, macros)
]


@pytest.mark.django_db
# Named by file: the zips carry the time they were built, and pytest-xdist workers must collect the same ids.
@pytest.mark.parametrize("name,content", HOSTILE_FILES, ids=[name for name, _ in HOSTILE_FILES])
def test_hostile_files_are_refused_and_nothing_is_stored(client, case, officer, name, content, settings, tmp_path):
    client.force_login(officer)
    response = upload(client, case, name, content)
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert not Evidence.objects.exists()
    stored = list((tmp_path / "media").rglob("*")) if (tmp_path / "media").exists() else []
    assert not [p for p in stored if p.is_file()], stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "a\x00.png",
        "invoice\u202egnp.exe",
        "a\r\nX-Injected: yes.png",
        "CON.png",
        "x" * 300 + ".png",
        "<img src=x onerror=alert(1)>.png",
        "../../../../var/www/shell.png",
        "C:\\Windows\\System32\\evil.png",
    ],
)
def test_hostile_file_names_never_reach_the_disk_or_the_headers(client, case, officer, name):
    client.force_login(officer)
    response = upload(client, case, name, PNG, kind="photo")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.file.name.startswith(f"evidence/{case.pk}/") and len(evidence.file.name.split("/")[-1]) == 32
    assert len(evidence.original_name) <= 200
    download = client.get(f"/cases/{case.reference}/evidence/{evidence.pk}/download/")
    disposition = download["Content-Disposition"]
    assert disposition == f'attachment; filename="{case.reference}-evidence-{evidence.pk}.png"'
    assert "X-Injected" not in str(download.headers) and download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert body_of(download) == PNG
    listing = client.get(f"/cases/{case.reference}/evidence/").content.decode()
    assert "<img src=x onerror" not in listing


@pytest.mark.django_db
def test_a_png_with_html_inside_is_only_ever_served_as_an_image_attachment(client, case, officer):
    """A polyglot (valid PNG signature, HTML after it) is stored, but a browser is told never to render it."""
    polyglot = PNG + b"<html><script>alert(1)</script></html>"
    client.force_login(officer)
    assert upload(client, case, "polyglot.html", polyglot, kind="photo").status_code == 302
    evidence = Evidence.objects.get()
    download = client.get(f"/cases/{case.reference}/evidence/{evidence.pk}/download/")
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")

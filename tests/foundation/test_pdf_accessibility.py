"""Printed documents are PDF/UA: tagged, titled, in English (checked on every PDF by tests/conftest.py)."""

import os
import re
import shutil
import subprocess

import pytest

from casework.pdf import render_pdf_bytes


def test_ci_has_pdfinfo_so_every_pdf_is_checked():
    if os.environ.get("CI"):
        assert shutil.which("pdfinfo"), "CI must install poppler-utils (.ci/run) so every PDF is checked"


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_a_board_pack_is_tagged_titled_and_in_english(tmp_path):
    data = render_pdf_bytes("reports/board_pack.html", {"board": {"period": {"label": "Q3 2026"}}})
    path = tmp_path / "pack.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Board pack Q3 2026" in info
    assert re.search(rb"/Lang\s*\(en-GB\)", data) or b"en-GB" in _inflated(data)


def _inflated(data: bytes) -> bytes:
    """The PDF's compressed streams, inflated (the catalog may sit in an object stream)."""
    import zlib

    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(out)

"""What an uploaded evidence file may not carry: active content, and (when configured) known malware.

- PDFs with JavaScript or automatic actions (/JS, /JavaScript, /OpenAction, /AA, /Launch, /EmbeddedFile,
  /RichMedia, /XFA), also when the name is hex-escaped (/J#53) or inside a compressed object stream.
- Office files with macros: a vbaProject.bin part, a macro-enabled content type, or a .docm/.dotm/.xlsm/
  .pptm name.
- A virus scan through ClamAV's clamd, off by default: CASEWORK["CLAMD_SOCKET"] (env CLAMD_SOCKET) names
  clamd's Unix socket; unset, `scan` does nothing. See docs/operations.md.
"""

import re
import socket
import struct
import zipfile
import zlib

from django.conf import settings

PDF_ACTIVE = re.compile(
    rb"/(JS|JavaScript|OpenAction|AA|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)(?![A-Za-z0-9])"
)
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
MACRO_NAMES = (".docm", ".dotm", ".xlsm", ".xltm", ".pptm", ".potm", ".ppsm", ".xlam", ".ppam")
MAX_INFLATED = 50 * 1024 * 1024

PDF_MESSAGE = (
    "The selected PDF contains JavaScript or actions that run when it is opened. "
    "Save or print it as a plain PDF and upload that"
)
MACRO_MESSAGE = "The selected file contains macros. Save it as a Word document (.docx) without macros and upload that"


def _unescape(data: bytes) -> bytes:
    return PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), data)


def pdf_has_active_content(data: bytes) -> bool:
    if PDF_ACTIVE.search(_unescape(data)):
        return True
    inflated = 0
    for match in PDF_STREAM.finditer(data):  # object streams hide dictionaries inside Flate-compressed data
        try:
            decompressor = zlib.decompressobj()
            chunk = decompressor.decompress(match[1], MAX_INFLATED - inflated)
        except zlib.error:
            continue
        inflated += len(chunk)
        if PDF_ACTIVE.search(_unescape(chunk)):
            return True
        if inflated >= MAX_INFLATED:
            return True  # too much to check: refuse rather than guess
    return False


def office_has_macros(upload, name: str) -> bool:
    if name.lower().endswith(MACRO_NAMES):
        return True
    try:
        with zipfile.ZipFile(upload) as archive:
            names = [info.filename.replace("\\", "/").lower() for info in archive.infolist()]
            if any(n.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml") for n in names):
                return True
            if "[content_types].xml" in names:
                types = archive.read(next(i for i in archive.infolist() if i.filename.lower() == "[content_types].xml"))
                if b"macroEnabled" in types or b"vbaProject" in types:
                    return True
    except (zipfile.BadZipFile, KeyError, StopIteration):
        return False
    finally:
        upload.seek(0)
    return False


def active_content_problem(upload, *, content_type: str, name: str) -> str | None:
    """A message for the user when the file carries active content; None when it does not."""
    if content_type == "application/pdf":
        data = upload.read()
        upload.seek(0)
        return PDF_MESSAGE if pdf_has_active_content(data) else None
    if content_type.endswith("document") or name.lower().endswith(MACRO_NAMES):
        return MACRO_MESSAGE if office_has_macros(upload, name) else None
    return None


def scan(upload) -> str | None:
    """ClamAV's verdict on the file through clamd (INSTREAM), or None when clean or when no scanner is set.

    A scanner that is set but cannot be reached refuses the file: better a retry than unscanned evidence.
    """
    path = settings.CASEWORK.get("CLAMD_SOCKET", "")
    if not path:
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(30)
            connection.connect(path)
            connection.sendall(b"zINSTREAM\x00")
            while chunk := upload.read(64 * 1024):
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\x00"):
                part = connection.recv(4096)
                if not part:
                    break
                reply += part
    except OSError:
        return "The file could not be checked for viruses. Try again in a few minutes"
    finally:
        upload.seek(0)
    verdict = reply.rstrip(b"\x00").decode(errors="replace")
    if verdict.endswith("OK"):
        return None
    found = verdict.removeprefix("stream:").strip().removesuffix("FOUND").strip()
    return f"The selected file contains a virus ({found}) and cannot be uploaded"

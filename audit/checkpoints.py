"""Keyed checkpoints of the audit chains, kept outside the database.

A checkpoint records, for each chain (access log, disclosure log, history seals), how many rows it had
and the hash of the last one, signed with HMAC-SHA256 under AUDIT_CHECKPOINT_KEY, a key that is not in
the database. Each is appended as one JSON line to AUDIT_CHECKPOINT_DIR/checkpoints.jsonl (and mailed
to the data protection officer when AUDIT_CHECKPOINT_EMAIL is set). Because each row's hash covers the
one before it, whoever rewrites a chain in the database, even re-computing every hash and the chain head,
changes the hash at a checkpointed position: `verify_audit` compares every checkpoint with the chain.
"""

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone

from .models import ChainHead

FILE_NAME = "checkpoints.jsonl"
VERSION = 1


def _key() -> bytes:
    if getattr(settings, "AUDIT_CHECKPOINT_KEY_IS_DEVELOPMENT", False) and not (settings.DEBUG or settings.TESTING):
        raise ImproperlyConfigured("Set AUDIT_CHECKPOINT_KEY (kept outside the database) before signing checkpoints")
    return settings.AUDIT_CHECKPOINT_KEY.encode()


def _body(record: dict[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True, separators=(",", ":")).encode()


def sign(record: dict[str, Any]) -> str:
    return hmac.new(_key(), _body(record), hashlib.sha256).hexdigest()


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def current_heads() -> dict[str, dict[str, Any]]:
    from .services import CHAINS

    heads = {h.log: h for h in ChainHead.objects.filter(log__in=list(CHAINS))}
    return {
        log: {
            "length": heads[log].length if log in heads else 0,
            "last_hash": heads[log].last_hash if log in heads else "",
        }
        for log in CHAINS
    }


def make_checkpoint() -> dict[str, Any]:
    """A signed record of every chain's length and last hash, as they are now."""
    record = {
        "v": VERSION,
        "at": timezone.now().isoformat(),
        "database": str(connection.settings_dict.get("NAME", "")),
        "chains": current_heads(),
    }
    record["mac"] = sign(record)
    return record


def append(record: dict[str, Any], path: Path | None = None) -> Path:
    """Append one line; O_APPEND so nothing written before is rewritten (make the file `chattr +a`)."""
    path = path or checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def email(record: dict[str, Any], recipients: list[str]) -> None:
    body = (
        "The audit trail's checkpoint for Safer Communities Casework. Keep this message: it lets the audit "
        "logs be checked against what they said today, whatever happens to the database later.\n\n"
        + json.dumps(record, sort_keys=True, indent=2)
        + "\n"
    )
    send_mail(f"Audit checkpoint {record['at'][:16]}", body, None, recipients)


@dataclass
class CheckpointReport:
    """Exported checkpoints compared with the chains in the database."""

    read: int = 0
    latest: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read(path: Path | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """(checkpoints whose signature holds, problems): a line not signed with our key is a problem."""
    path = path or checkpoint_path()
    if not path.exists():
        return [], []
    good, problems = [], []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            problems.append(f"checkpoint line {number} is not JSON")
            continue
        if not hmac.compare_digest(str(record.get("mac", "")), sign(record)):
            problems.append(f"checkpoint line {number} is not signed with the checkpoint key (forged or damaged)")
            continue
        good.append(record)
    return good, problems


def compare(
    checkpoints: list[dict[str, Any]], positions: dict[str, dict[int, str]], lengths: dict[str, int]
) -> list[str]:
    """Each checkpoint's (length, last hash) must still be found in the chain at that position."""
    problems = []
    for record in checkpoints:
        for log, point in record.get("chains", {}).items():
            length, expected = int(point.get("length", 0)), point.get("last_hash", "")
            if length == 0 or log not in lengths:
                continue
            if lengths[log] < length:
                problems.append(
                    f"{log} chain: the checkpoint of {record['at']} counted {length} rows, the chain now has "
                    f"{lengths[log]} (rows removed and the chain re-written)"
                )
            elif positions[log].get(length) != expected:
                problems.append(
                    f"{log} chain: row {length} no longer has the hash checkpointed at {record['at']} "
                    "(the chain was re-written)"
                )
    return problems

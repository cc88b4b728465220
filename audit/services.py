"""Writes to the audit logs. Domain apps call these; nothing else writes AccessLog or Disclosure rows."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.compiled_sql import CompiledQuery

from .context import access_reasons_var, ip_address_var, request_id_var
from .models import AccessAction, AccessLog, ChainHead, Disclosure, DisclosureKind, HistorySeal
from .seals import SEAL_FIELDS

GENESIS = "0" * 64

ACCESS_FIELDS = (
    "at",
    "user_id",
    "username",
    "agency",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "case_id",
    "person_id",
    "details",
    "ip_address",
    "request_id",
    "path",
)
DISCLOSURE_FIELDS = (
    "at",
    "kind",
    "user_id",
    "username",
    "from_agency",
    "to_agency",
    "object_type",
    "object_id",
    "object_label",
    "case_id",
    "legal_basis",
    "purpose",
    "details",
    "request_id",
)
CHAINS = {
    "access": (AccessLog, ACCESS_FIELDS),
    "disclosure": (Disclosure, DISCLOSURE_FIELDS),
    "history": (HistorySeal, SEAL_FIELDS),  # seals of the history rows (audit.seals)
}


def _canonical(value: Any) -> Any:
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def row_hash(row: Any, fields: tuple[str, ...], prev_hash: str) -> str:
    """Hash of a row's content and its predecessor's hash; what verify_audit recomputes."""
    payload = {name: _canonical(getattr(row, name)) for name in fields}
    payload["prev_hash"] = prev_hash
    encoded = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


# The chain head, locked: the same statement on every read a page logs, compiled once per thread (common.compiled_sql).
_LOCKED_HEAD = CompiledQuery(
    lambda log: ChainHead.objects.select_for_update().filter(log=log).order_by(),
    lambda: [ChainHead._meta.get_field("log")],
    ["compiled-sql-placeholder"],
)


def _append(log: str, row: AccessLog | Disclosure) -> None:
    # No savepoint inside a caller's transaction (two statements a read, issue 23): a failed append fails the
    # caller's whole transaction, which is what an unlogged read or an unrecorded disclosure must do anyway.
    model, fields = CHAINS[log]
    with transaction.atomic(savepoint=False):
        found = _LOCKED_HEAD.rows(log)
        if found:
            head = found[0]
        else:  # the log's first row
            head, _ = ChainHead.objects.select_for_update().get_or_create(
                log=log, defaults={"last_hash": GENESIS, "length": 0}
            )
        row.at = timezone.now()
        row.prev_hash = head.last_hash
        row.hash = row_hash(row, fields, head.last_hash)
        row.save(force_insert=True)  # the database's chain_head_<table> trigger moves the head (audit.triggers)


def _who(user) -> tuple[Any, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user, user.get_username()


def log_access(
    *,
    user,
    agency: str,
    action: str,
    object_type: str,
    object_id: Any = "",
    object_label: str = "",
    case_id: int | None = None,
    person_id: int | None = None,
    details: dict | None = None,
    path: str = "",
) -> AccessLog:
    """Record one consultation (view, list, export, print, download, API read) by a user."""
    if action not in AccessAction.values:
        raise ValueError(f"Unknown access action {action!r}")
    who, username = _who(user)
    reasons = access_reasons_var.get()
    if case_id is not None and reasons and case_id in reasons:
        details = {**(details or {}), **reasons[case_id]}
    row = AccessLog(
        user=who,
        username=username,
        agency=agency or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_label=(object_label or "")[:200],
        case_id=case_id,
        person_id=person_id,
        details=details or {},
        ip_address=ip_address_var.get(),
        request_id=request_id_var.get(),
        path=(path or "")[:500],
    )
    _append("access", row)
    return row


def log_disclosure(
    *,
    user,
    kind: str,
    from_agency: str,
    to_agency: str,
    object_type: str,
    object_id: Any,
    object_label: str,
    legal_basis: str,
    purpose: str,
    case_id: int | None = None,
    details: dict | None = None,
) -> Disclosure:
    """Record a share, revoke, cross-agency export or erasure, with its legal basis."""
    if kind not in DisclosureKind.values:
        raise ValueError(f"Unknown disclosure kind {kind!r}")
    who, username = _who(user)
    row = Disclosure(
        kind=kind,
        user=who,
        username=username,
        from_agency=from_agency or "",
        to_agency=to_agency or "",
        object_type=object_type,
        object_id=str(object_id),
        object_label=(object_label or "")[:200],
        case_id=case_id,
        legal_basis=legal_basis,
        purpose=purpose,
        details=details or {},
        request_id=request_id_var.get(),
    )
    _append("disclosure", row)
    return row


@dataclass
class ChainReport:
    """The result of re-computing one log's chain: rows verified and, if any, the first broken link."""

    log: str
    checked: int
    broken: Any = None  # the first row whose link does not hold, when there is one
    problem: str = ""
    positions: dict[int, str] = field(default_factory=dict)  # row number -> hash, for the asked positions

    @property
    def ok(self) -> bool:
        return not self.problem


def check_chain(log: str, positions: Iterable[int] = ()) -> ChainReport:
    """Walk a log in insertion order, re-computing each hash; stop at the first link that does not hold.

    A row edited in place fails its own hash; a row deleted from the middle breaks the next row's link; rows
    deleted from the end disagree with the chain head's count and last hash. The hashes found at
    `positions` (row numbers from 1) are returned, for comparing with exported checkpoints.
    """
    model, fields = CHAINS[log]
    wanted = set(positions)
    found: dict[int, str] = {}
    prev = GENESIS
    checked = 0
    for row in model._default_manager.order_by("id").iterator(chunk_size=2000):
        if row.prev_hash != prev:
            return ChainReport(log, checked, row, "its link to the previous row is broken (a row was removed)", found)
        if row_hash(row, fields, prev) != row.hash:
            return ChainReport(log, checked, row, "its content does not match its hash (the row was altered)", found)
        prev = row.hash
        checked += 1
        if checked in wanted:
            found[checked] = prev
    head = ChainHead.objects.filter(log=log).first()
    if head is not None and head.length != checked:
        return ChainReport(
            log,
            checked,
            None,
            f"the chain head says {head.length} rows but {checked} are present (rows deleted?)",
            found,
        )
    if head is not None and checked and head.last_hash != prev:
        return ChainReport(log, checked, None, "the chain head's last hash does not match the last row", found)
    if head is None and checked:
        return ChainReport(log, checked, None, "the chain head is missing", found)
    return ChainReport(log, checked, positions=found)


def verify_chain(log: str) -> tuple[int, Any]:
    """Walk a log in insertion order; return (rows checked, first broken row or a description, or None)."""
    report = check_chain(log)
    if report.ok:
        return report.checked, None
    return report.checked, report.broken if report.broken is not None else report.problem

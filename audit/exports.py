"""Which cases a bulk export contained, without a row per case (decision 0013).

An export is logged once, against the user, as before; beside that access-log row an `ExportCaseSet` keeps
the sorted case ids as delta-encoded varints, zlib-compressed. Consecutive ids cost a bit each once
compressed, so exporting a whole borough's cases is a few kilobytes, and a million a few hundred.
The case's "Who accessed it" tab finds the exports that contained it by the id range first, then by
decoding only those sets.
"""

import hashlib
import zlib
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from .models import AccessAction, AccessLog, ExportCaseSet
from .services import log_access


def encode(case_ids: Iterable[int]) -> bytes:
    """Sorted, de-duplicated ids as gaps between neighbours, each an unsigned LEB128 varint, then zlib."""
    out = bytearray()
    previous = 0
    for case_id in sorted(set(case_ids)):
        gap = case_id - previous
        previous = case_id
        while gap >= 0x80:
            out.append((gap & 0x7F) | 0x80)
            gap >>= 7
        out.append(gap)
    return zlib.compress(bytes(out), 9)


def decode(blob: bytes) -> list[int]:
    data = zlib.decompress(bytes(blob))
    ids: list[int] = []
    current = value = shift = 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        current += value
        ids.append(current)
        value = shift = 0
    return ids


@transaction.atomic
def log_export(
    *,
    user,
    agency: str,
    object_type: str,
    case_ids: Iterable[int],
    details: dict | None = None,
    path: str = "",
) -> AccessLog:
    """Log one bulk export against the user, and which cases it contained against each of those cases.

    The set's SHA-256 goes into the access row's details, which the hash chain covers.
    """
    ids = sorted(set(case_ids))
    blob = encode(ids)
    details = {
        **(details or {}),
        "rows_exported": len(ids),
        "cases_sha256": hashlib.sha256(blob).hexdigest(),
        "cases_stored": "audit.ExportCaseSet",
    }
    row = log_access(
        user=user, agency=agency, action=AccessAction.EXPORT, object_type=object_type, details=details, path=path
    )
    ExportCaseSet.objects.create(
        access=row,
        count=len(ids),
        min_case_id=ids[0] if ids else None,
        max_case_id=ids[-1] if ids else None,
        ids=blob,
    )
    return row


def exports_containing(case_ids: Iterable[int]) -> set[int]:
    """Access-log ids of the bulk exports that contained any of these cases: one query, each set decoded once."""
    wanted = set(case_ids)
    if not wanted:
        return set()
    candidates = ExportCaseSet.objects.filter(min_case_id__lte=max(wanted), max_case_id__gte=min(wanted))
    return {
        access_id
        for access_id, blob in candidates.values_list("access_id", "ids").iterator()
        if not wanted.isdisjoint(decode(blob))
    }


def case_access_filter(case_ids: Iterable[int]) -> Q:
    """A filter for access rows about these cases, widened by the bulk exports that contained any of them."""
    wanted = set(case_ids)
    match = Q(case_id__in=wanted)
    export_ids = exports_containing(wanted)
    if export_ids:
        match |= Q(pk__in=export_ids)
    return match

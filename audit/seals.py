"""The history chain: every django-simple-history row's content, hashed and chained like the two logs.

History rows are sealed in batches (`seal_history`, run by `manage.py audit_checkpoint` before each
checkpoint) rather than on every save: a save stays one INSERT, and rows written by
`bulk_create_with_history` are covered too. Rows are read back with raw SQL, so the hash is the same at
sealing and at verification whatever the model code looks like by then; each seal names the column set
it covers, so a migration that adds a column does not break older seals.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from .models import ChainHead, HistorySeal, SealedColumns, SealKind
from .triggers import protected_tables

LOG = "history"
SEAL_FIELDS = ("at", "kind", "table", "history_id", "row_hash", "columns_id")  # what the chain hashes
BATCH = 2000


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def content_hash(table: str, names: list[str], values: Iterable[Any]) -> str:
    """SHA-256 of a history row's columns as the database returns them (canonical JSON)."""
    payload = {"table": table, **{name: _plain(value) for name, value in zip(names, values, strict=True)}}
    encoded = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(col.name for col in connection.introspection.get_table_description(cursor, table))


def _rows(table: str, names: list[str], where: str = "", params: Iterable[Any] = ()):
    """(history_id, values) for the table's rows, in history_id order, read in chunks."""
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    sql = f"SELECT history_id, {quoted} FROM {connection.ops.quote_name(table)} {where} ORDER BY history_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        while chunk := cursor.fetchmany(BATCH):
            for row in chunk:
                yield row[0], row[1:]


def _column_set(table: str, names: list[str]) -> SealedColumns:
    columns, _ = SealedColumns.objects.get_or_create(table=table, names=",".join(names))
    return columns


def _seal(kind: str, table: str, names: list[str], columns: SealedColumns, history_id: int, values) -> HistorySeal:
    """The seal of one history row as it reads now (unsaved: _append_seals chains and writes it)."""
    return HistorySeal(
        kind=kind, table=table, history_id=history_id, row_hash=content_hash(table, names, values), columns=columns
    )


def _append_seals(seals: list[HistorySeal]) -> None:
    """Chain and insert seals under the chain head's lock (the same rule as the logs' rows)."""
    from .services import GENESIS, row_hash

    if not seals:
        return
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(
            log=LOG, defaults={"last_hash": GENESIS, "length": 0}
        )
        prev = head.last_hash
        now = timezone.now()
        for seal in seals:
            seal.at = now
            seal.prev_hash = prev
            seal.hash = row_hash(seal, SEAL_FIELDS, prev)
            prev = seal.hash
        HistorySeal.objects.bulk_create(seals, batch_size=BATCH)
        head.last_hash = prev
        head.length += len(seals)
        head.save(update_fields=["last_hash", "length"])


def existing_history_tables() -> list[str]:
    history, _ = protected_tables()
    present = set(connection.introspection.table_names())
    return [table for table in history if table in present]


def _unsealed(table: str) -> tuple[str, list[Any]]:
    """WHERE clause for the table's rows with no seal yet, whatever their id (on PostgreSQL a transaction
    that took a lower history_id can commit after a higher one was sealed)."""
    quoted = connection.ops.quote_name(table)
    where = (
        'WHERE NOT EXISTS (SELECT 1 FROM audit_historyseal s WHERE s."table" = %s '
        f"AND s.history_id = {quoted}.history_id)"
    )
    return where, [table]


@transaction.atomic
def seal_history() -> int:
    """Seal every history row that has no seal yet; returns how many were sealed."""
    from .services import GENESIS

    # One sealing run at a time: two would seal the same rows twice.
    ChainHead.objects.select_for_update().get_or_create(log=LOG, defaults={"last_hash": GENESIS, "length": 0})
    sealed = 0
    for table in existing_history_tables():
        names = _columns(table)
        columns = None
        pending = []
        where, params = _unsealed(table)
        for history_id, values in list(_rows(table, names, where, params)):
            columns = columns or _column_set(table, names)
            pending.append(_seal(SealKind.WRITTEN, table, names, columns, history_id, values))
            if len(pending) >= BATCH:
                _append_seals(pending)
                sealed += len(pending)
                pending = []
        _append_seals(pending)
        sealed += len(pending)
    return sealed


def reseal(table: str, history_ids: Iterable[int]) -> int:
    """After a lawful erasure rewrote these history rows: append a new seal for each (kind 'erased').

    Rows not sealed yet are left to the next `seal_history`. Call inside the erasure's transaction.
    """
    ids = sorted(set(history_ids))
    if not ids:
        return 0
    sealed_ids = set(HistorySeal.objects.filter(table=table, history_id__in=ids).values_list("history_id", flat=True))
    ids = [i for i in ids if i in sealed_ids]
    if not ids:
        return 0
    names = _columns(table)
    columns = _column_set(table, names)
    placeholders = ", ".join(["%s"] * len(ids))
    seals = [
        _seal(SealKind.ERASED, table, names, columns, history_id, values)
        for history_id, values in _rows(table, names, f"WHERE history_id IN ({placeholders})", ids)
    ]
    _append_seals(seals)
    return len(seals)


@dataclass
class HistoryReport:
    """The history rows compared with their latest seals."""

    checked: int = 0
    unsealed: int = 0  # written since the last seal_history run: not yet covered, not an error
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_history_rows(limit: int = 20) -> HistoryReport:
    """Every sealed history row must still exist and hash to its latest seal. Rows with no seal yet are
    counted: the next `seal_history` covers them (the app may append history rows, never change them)."""
    report = HistoryReport()
    latest: dict[str, dict[int, tuple[str, int]]] = {}
    for table, history_id, row_hash_, columns_id in (
        HistorySeal.objects.order_by("id").values_list("table", "history_id", "row_hash", "columns_id").iterator()
    ):
        latest.setdefault(table, {})[history_id] = (row_hash_, columns_id)
    column_sets = {c.pk: c.names.split(",") for c in SealedColumns.objects.all()}
    present = set(connection.introspection.table_names())
    for table in sorted(set(existing_history_tables()) | set(latest)):
        seals = latest.get(table, {})
        if table not in present:
            report.problems.append(f"{table}: the table has gone but {len(seals)} of its rows are sealed")
            continue
        mark = max(seals) if seals else 0
        by_columns: dict[int, list[int]] = {}
        for history_id, (_, columns_id) in seals.items():
            by_columns.setdefault(columns_id, []).append(history_id)
        seen = set()
        for columns_id, ids in by_columns.items():
            names = column_sets[columns_id]
            try:
                rows = list(_rows(table, names, "WHERE history_id <= %s", [mark]))
            except Exception as error:  # noqa: BLE001 - a dropped column is a finding, not a crash
                report.problems.append(f"{table}: cannot read the sealed columns ({type(error).__name__})")
                continue
            wanted = set(ids)
            for history_id, values in rows:
                if history_id not in wanted:
                    continue
                seen.add(history_id)
                report.checked += 1
                if content_hash(table, names, values) != seals[history_id][0]:
                    report.problems.append(f"{table}: history row {history_id} does not match its seal (altered)")
        for history_id in sorted(set(seals) - seen):
            report.problems.append(f"{table}: sealed history row {history_id} is missing (deleted)")
        with connection.cursor() as cursor:
            where, params = _unsealed(table)
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} {where}", params)
            report.unsealed += cursor.fetchone()[0]
    if len(report.problems) > limit:
        report.problems = report.problems[:limit] + [f"… and {len(report.problems) - limit} more"]
    return report

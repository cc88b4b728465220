"""Readable history of any model tracked by django-simple-history, without one query per record.

Records are fetched in bulk, grouped by object, and each is compared with the previous record of the
same object in memory, so a case's full history costs one query per model.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SKIP_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "history_relation",
    "version",
    "updated_at",
}


@dataclass
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any


@dataclass
class HistoryEntry:
    model_label: str
    object_id: Any
    record: Any
    kind: str  # created / changed / deleted
    when: datetime
    user: Any
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


KIND = {"+": "created", "~": "changed", "-": "deleted"}


def _value(record, f) -> Any:
    value = getattr(record, f.attname)
    if f.choices:
        mapping = dict(f.flatchoices)
        return mapping.get(value, value)
    return value


def entries(records, *, model_label: str) -> list[HistoryEntry]:
    """Turn historical records (any order) into entries with per-field changes, oldest first."""
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    last_by_object: dict[Any, Any] = {}
    result: list[HistoryEntry] = []
    for record in ordered:
        fields = [f for f in record._meta.fields if f.attname not in SKIP_FIELDS and f.name not in SKIP_FIELDS]
        pk_name = record.instance_type._meta.pk.attname
        object_id = getattr(record, pk_name)
        previous = last_by_object.get(object_id)
        changes = []
        for f in fields:
            if f.attname == pk_name:
                continue
            after = _value(record, f)
            before = _value(previous, f) if previous is not None else None
            if previous is None:
                if after not in (None, "", False):
                    changes.append(FieldChange(f.attname, str(f.verbose_name), None, after))
            elif before != after:
                changes.append(FieldChange(f.attname, str(f.verbose_name), before, after))
        result.append(
            HistoryEntry(
                model_label=model_label,
                object_id=object_id,
                record=record,
                kind=KIND.get(record.history_type, record.history_type),
                when=record.history_date,
                user=record.history_user,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        last_by_object[object_id] = record
    return result

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


def historical_models(*, existing_only: bool = False) -> list:
    """Every django-simple-history model in the project (any app), found without importing the apps.

    With existing_only, models whose table is not migrated yet are left out (one catalogue query).
    """
    from django.apps import apps
    from django.db import connection

    models = [m for m in apps.get_models() if m.__name__.startswith("Historical") and hasattr(m, "instance_type")]
    if existing_only:
        tables = set(connection.introspection.table_names())
        models = [m for m in models if m._meta.db_table in tables]
    return models


def relation_fields(history_model, target) -> list:
    """Foreign keys of a history model that point at `target` (a live model class)."""
    return [
        f
        for f in history_model._meta.fields
        if f.is_relation and f.related_model is target and f.name not in ("history_user", "history_relation")
    ]


def _display(value: Any) -> str:
    import json
    from datetime import date

    from django.utils import timezone
    from django.utils.formats import date_format

    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return date_format(local, "j M Y H:i")
    if isinstance(value, date):
        return date_format(value, "j M Y")
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _object_label(obj) -> str:
    if hasattr(obj, "get_full_name") and hasattr(obj, "get_username"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def readable(entries_: list[HistoryEntry]) -> list[HistoryEntry]:
    """Replace raw values in the changes with what a person reads: names for foreign keys, Yes/No, dates.

    Foreign keys are resolved with one query per related model, however many entries there are.
    """
    wanted: dict[Any, set] = {}
    relations: dict[tuple, Any] = {}
    for entry in entries_:
        meta = entry.record._meta
        for change in entry.changes:
            f = next((x for x in meta.fields if x.attname == change.field), None)
            if f is not None and f.is_relation:
                relations[(meta.label, change.field)] = f.related_model
                for value in (change.before, change.after):
                    if value is not None:
                        wanted.setdefault(f.related_model, set()).add(value)
    labels: dict[Any, dict] = {
        model: {pk: _object_label(obj) for pk, obj in model._base_manager.in_bulk(list(ids)).items()}
        for model, ids in wanted.items()
    }
    for entry in entries_:
        for change in entry.changes:
            model = relations.get((entry.record._meta.label, change.field))
            if model is None:
                change.before, change.after = _display(change.before), _display(change.after)
                continue
            found = labels.get(model, {})
            for side in ("before", "after"):
                value = getattr(change, side)
                if value is not None:
                    text = found.get(value, f"{model._meta.verbose_name} {value} (no longer exists)")
                    setattr(change, side, text)
                else:
                    setattr(change, side, "")
    return entries_

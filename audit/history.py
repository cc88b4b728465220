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


# Fields that are machinery, not information: never shown on a timeline or an audit screen.
HIDDEN_FIELDS = {"sha256", "content_type"}

# (model label, field name) -> {key: question or label} for JSON fields whose keys are codes, e.g. the risk
# questionnaire's answers. Registered by the owning app (audit imports no domain app).
JSON_LABELS: dict[tuple[str, str], dict[str, str]] = {}

# model label -> relations its __str__ reads, fetched with it so naming a foreign key costs one query per model.
LABEL_RELATIONS: dict[str, tuple[str, ...]] = {}


def register_json_labels(model_label: str, field_name: str, labels: dict[str, str]) -> None:
    JSON_LABELS[(model_label, field_name)] = dict(labels)


def register_label_relations(model_label: str, *relations: str) -> None:
    LABEL_RELATIONS[model_label] = relations


def field_label(f) -> str:
    """A field's name as people say it: its verbose name, capitalised ("Owner agency")."""
    from django.utils.text import capfirst

    return str(capfirst(str(f.verbose_name)))


def _live_field(record, name: str):
    """The tracked model's own field (history turns FileFields into text fields; the live one says what it is)."""
    try:
        return record.instance_type._meta.get_field(name)
    except Exception:
        return None


def _json_text(value: Any, labels: dict[str, str], only: set | None = None) -> str:
    if isinstance(value, dict):
        parts = [
            f"{labels.get(str(key), str(key).replace('_', ' ').capitalize())}: {_display(item)}"
            for key, item in value.items()
            if only is None or key in only
        ]
        return "; ".join(parts)
    if isinstance(value, list | tuple):
        # a list of codes (vulnerabilities, hate characteristics) by their labels; "Nothing selected" when emptied
        text = ", ".join(labels.get(str(item), _display(item)) for item in value)
        return text or ("Nothing selected" if labels else "")
    return _display(value)


def _display(value: Any) -> str:
    """One value as a person reads it: Yes/No, GOV.UK dates, lists spelt out, files by their name."""
    from datetime import date, time

    from common import dates

    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return dates.govuk_datetime(value)
    if isinstance(value, date):
        return dates.govuk_date(value)
    if isinstance(value, time):
        return dates.govuk_time(value)
    if isinstance(value, dict | list | tuple):
        return _json_text(value, {})
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return _file_name(value.name)
    return str(value)


def _file_name(path: Any) -> str:
    import posixpath

    return posixpath.basename(str(path or ""))


def format_value(record, f, value: Any, *, other: Any = None) -> str:
    """A field's value on a historical record, for a person: choices by label (done in `entries`), JSON as
    labelled answers (only the keys that differ from `other` when both are dicts), files by the name the user
    gave them, never the storage path. Foreign keys are named by `readable`, which can batch the lookups."""
    from django.db import models

    live = _live_field(record, f.name) or f
    if isinstance(live, models.FileField):
        original = getattr(record, "original_name", "") if record is not None else ""
        return original or _file_name(value) if value else ""
    if isinstance(live, models.JSONField) and value is not None:
        labels = JSON_LABELS.get((record.instance_type._meta.label, f.name), {})
        only = None
        if isinstance(value, dict) and isinstance(other, dict):
            only = {k for k in set(value) | set(other) if value.get(k) != other.get(k)} or None
        return _json_text(value, labels, only)
    if f.name == "size" and isinstance(value, int) and not isinstance(value, bool):
        from django.template.defaultfilters import filesizeformat

        return str(filesizeformat(value)).replace("\xa0", " ")  # "10 bytes", "2.1 MB"
    if isinstance(value, str) and live.choices:
        return str(dict(live.flatchoices).get(value, value))
    return _display(value)


def _object_label(obj) -> str:
    if hasattr(obj, "get_full_name") and hasattr(obj, "get_username"):
        return obj.get_full_name() or obj.get_username()
    return str(obj)


def _field(meta, attname: str):
    return next((x for x in meta.fields if x.attname == attname), None)


def with_related_labels(records, *, exclude: tuple[str, ...] = ()):
    """Historical `records` read with the objects their foreign keys name (and what those objects' names need,
    LABEL_RELATIONS), so `readable` names them without a query per related model. `exclude`: foreign keys the
    caller drops from the changes (a case timeline's `case`)."""
    joins = ["history_user"]
    for f in records.model._meta.fields:
        if not f.is_relation or f.name in SKIP_FIELDS or f.name in HIDDEN_FIELDS or f.name in exclude:
            continue
        joins.append(f.name)
        joins += [f"{f.name}__{relation}" for relation in LABEL_RELATIONS.get(f.related_model._meta.label, ())]
    return records.select_related(*joins)


def labelled_entries(sources) -> list[HistoryEntry]:
    """The entries of several models' history, each source a (label, historical records) pair, each record read
    with the user who made it (a timeline's or an audit tab's sources; readable() names their values)."""
    return [
        entry
        for label, records in sources
        for entry in entries(records.select_related("history_user"), model_label=label)
    ]


def readable(entries_: list[HistoryEntry]) -> list[HistoryEntry]:
    """Replace raw values in the changes with what a person reads: names for foreign keys, Yes/No, GOV.UK
    dates, JSON as labelled answers, files by name; machinery fields (hashes, MIME types) are dropped and
    field names become their capitalised verbose names. The one formatter every timeline and audit screen uses.

    Foreign keys are resolved with one query per related model, however many entries there are, and none for
    the objects the records were read with (`with_related_labels`). Values become
    strings ("" when empty), except `before` on a created record, which stays None (there was nothing before).
    """
    wanted: dict[Any, set] = {}
    for entry in entries_:
        meta = entry.record._meta
        kept = []
        has_file = any(_is_file(entry.record, x) for x in meta.fields)
        for change in entry.changes:
            f = _field(meta, change.field)
            name = f.name if f is not None else change.field
            if name in HIDDEN_FIELDS or (has_file and name == "original_name"):
                continue
            kept.append(change)
            if f is not None and f.is_relation:
                for value in (change.before, change.after):
                    if value is not None:
                        wanted.setdefault(f.related_model, set()).add(value)
        entry.changes = kept
    labels: dict[Any, dict] = {model: {} for model in wanted}
    for entry in entries_:  # related objects the records were read with (with_related_labels)
        for f in entry.record._meta.fields:
            if f.is_relation and f.related_model in wanted and f.is_cached(entry.record):
                obj = f.get_cached_value(entry.record)
                if obj is not None and obj.pk in wanted[f.related_model]:
                    labels[f.related_model][obj.pk] = _object_label(obj)
    for model, ids in wanted.items():
        missing = [pk for pk in ids if pk not in labels[model]]
        if missing:
            queryset = model._base_manager.select_related(*LABEL_RELATIONS.get(model._meta.label, ()))
            labels[model].update({pk: _object_label(obj) for pk, obj in queryset.in_bulk(missing).items()})
    for entry in entries_:
        meta = entry.record._meta
        for change in entry.changes:
            f = _field(meta, change.field)
            if f is not None:
                change.label = field_label(f)
            if f is None:
                change.before, change.after = _display(change.before), _display(change.after)
            elif f.is_relation:
                found = labels.get(f.related_model, {})
                for side in ("before", "after"):
                    value = getattr(change, side)
                    text = "" if value is None else found.get(value, f"a deleted {f.related_model._meta.verbose_name}")
                    setattr(change, side, text)
            else:
                before, after = change.before, change.after
                change.before = format_value(entry.record, f, before, other=after)
                change.after = format_value(entry.record, f, after, other=before)
            if entry.kind == "created":
                change.before = None  # nothing before: timelines show only the value it was created with
    return entries_


def _is_file(record, f) -> bool:
    from django.db import models

    return isinstance(_live_field(record, f.name), models.FileField)


# What a new status means, said as something that happened ("Written warning: breach recorded").
STATUS_PHRASES = {
    "breached": "breach recorded",
    "complied": "complied with",
    "appealed": "appeal lodged",
    "quashed": "quashed on appeal",
    "in_force": "in force again",
    "prosecution": "listed for prosecution",
    "order_granted": "closure order granted",
    "order_refused": "closure order refused",
}


def entry_title(entry: HistoryEntry, *, created: str = "recorded", subject: str = "") -> str:
    """What happened, in words, from the record type (+ ~ -) and, for a change, the status it moved to.

    The change reason the service gave wins. Otherwise: "<label> <created> <subject>" for a new record
    ("CPN issued to Sam Smith"), "<label>: <status phrase>" when the status changed ("Written warning: breach
    recorded"), "<label> updated: <fields>" for other changes, "<label> removed" for a deletion.
    """
    if entry.reason:
        return entry.reason
    label = entry.model_label
    if entry.kind == "created":
        words = f"{label} {created}"
        if subject:
            return f"{words} {subject}"
        for dangling in (" to", " against", " on"):  # "issued to" with nobody to name reads "issued"
            if words.endswith(dangling):
                words = words[: -len(dangling)]
        return words
    if entry.kind == "deleted":
        return f"{label} removed"
    status = next((c for c in entry.changes if c.field == "status"), None)
    if status is not None:
        code = getattr(entry.record, "status", "")
        phrase = STATUS_PHRASES.get(str(code)) or str(status.after or code).lower()
        return f"{label}: {phrase}"
    fields = [str(c.label).lower() for c in entry.changes]
    return f"{label} updated: {', '.join(fields)}" if fields else f"{label} updated"

"""The dashboard's maintained figures (issue #23, "flat cost"): its case and hate-incident counts read from small
tables of monthly sums instead of a year of cases scanned per request.

`CaseFigure` holds, per month a case was opened in (London time), category, ward and whether the case is open now,
how many cases and how many of them hate-related; `HateIncidentFigure` per month an incident was reported in and set
of characteristics, how many hate-related incidents. They are kept in the transaction of every save or delete of a
case or an incident (model signals, so every write path counts: services, admin, factories): the handler reads the
row's counted fields as stored, locked, before the write, and moves one count from the old combination to the new
one in a single upsert. Bulk writes that bypass signals (the bench generator's COPY) are followed by
`manage.py rebuild_dashboard_figures`, which recomputes both tables exactly from the cases (`--check` compares them
instead, and fails on a difference).

Only users who see every case (`casework.access.sees_all_cases`: the community safety managers) read the figures:
their scope is every case, which is what the figures count. Everyone else's dashboard counts their own agency's cases
as far as they may see them, and keeps its live, scoped query. Whole months of a period come from the figures; the
days of a month a custom period only partly covers are counted live, with the same query as before.
"""

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from casework import access, hate
from casework import selectors as casework_selectors
from casework.calendar import day_bounds
from casework.models import Case, CaseStatus, Incident

from .models import CaseFigure, HateIncidentFigure

CASE_FIELDS = ("opened_at", "category", "ward", "status", "hate_related")
INCIDENT_FIELDS = ("reported_at", "hate_related", "hate_characteristics")


def month_of(moment: datetime) -> date:
    """The first day of the month `moment` falls in, London time (the project's TIME_ZONE)."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date().replace(day=1)


def characteristics_key(codes) -> str:
    return ",".join(sorted({str(code) for code in codes or []}))


# Keeping the figures ---------------------------------------------------------------------------------------------


def _case_key(values: dict) -> tuple | None:
    if values.get("opened_at") is None:
        return None
    return (month_of(values["opened_at"]), values["category"], values["ward_id"], values["status"] != CaseStatus.CLOSED)


def _incident_key(values: dict) -> tuple | None:
    if not values.get("hate_related") or values.get("reported_at") is None:
        return None
    return (month_of(values["reported_at"]), characteristics_key(values["hate_characteristics"]))


def _stored(model, pk) -> dict | None:
    """The row's counted fields as stored now, locked until the transaction ends (so no other write moves them)."""
    fields = (
        ("opened_at", "category", "ward_id", "status", "hate_related") if issubclass(model, Case) else INCIDENT_FIELDS
    )
    return model._base_manager.select_for_update().filter(pk=pk).values(*fields).first()


def _touches(update_fields, fields) -> bool:
    return update_fields is None or bool(set(update_fields) & set(fields))


def _upsert(table: str, key_columns: tuple[str, ...], count_columns: tuple[str, ...], deltas: Counter) -> None:
    """Add each delta to its row, creating the row if needed: one statement, rows in key order (lock order)."""
    rows = sorted((key, counts) for key, counts in _merge(deltas).items() if any(counts))
    if not rows:
        return
    columns = key_columns + count_columns
    placeholders = ", ".join("(" + ", ".join(["%s"] * len(columns)) + ")" for _ in rows)
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in count_columns)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {placeholders} "
        f"ON CONFLICT ({', '.join(key_columns)}) DO UPDATE SET {updates}"
    )
    params: list[Any] = []
    for key, counts in rows:
        params.extend(key)
        params.extend(counts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _merge(deltas: Counter) -> dict:
    merged: dict = {}
    for (key, counts), times in deltas.items():
        total = merged.get(key, (0,) * len(counts))
        merged[key] = tuple(a + b * times for a, b in zip(total, counts, strict=True))
    return merged


def _move_case(before: dict | None, after: dict | None) -> None:
    deltas: Counter = Counter()
    for values, sign in ((before, -1), (after, 1)):
        key = _case_key(values) if values else None
        if key is not None:
            deltas[(key, (sign, sign if values and values["hate_related"] else 0))] += 1
    _upsert(CaseFigure._meta.db_table, ("month", "category", "ward_id", "is_open"), ("cases", "hate_cases"), deltas)


def _move_incident(before: dict | None, after: dict | None) -> None:
    deltas: Counter = Counter()
    for values, sign in ((before, -1), (after, 1)):
        key = _incident_key(values) if values else None
        if key is not None:
            deltas[(key, (sign,))] += 1
    _upsert(HateIncidentFigure._meta.db_table, ("month", "characteristics"), ("incidents",), deltas)


def _case_values(case: Case) -> dict:
    return {
        "opened_at": case.opened_at,
        "category": case.category,
        "ward_id": case.ward_id,
        "status": case.status,
        "hate_related": case.hate_related,
    }


def _incident_values(incident: Incident) -> dict:
    return {name: getattr(incident, name) for name in INCIDENT_FIELDS}


class _Kept(NamedTuple):
    """What keeps one model's figures: the fields that can move a figure, their values on an instance, and the
    move of one count from the values as stored to the new ones (None: no row)."""

    fields: tuple[str, ...]
    values: Callable[[Any], dict]
    move: Callable[[dict | None, dict | None], None]


_KEPT = {
    Case: _Kept(CASE_FIELDS, _case_values, _move_case),
    Incident: _Kept(INCIDENT_FIELDS, _incident_values, _move_incident),
}


def _pre_save(sender, instance, update_fields=None, **kwargs) -> None:
    """Before a save: whether it can change a figure, and if the row exists, its counted fields as stored."""
    skip = not _touches(update_fields, _KEPT[sender].fields)
    instance.__dict__["_figures_skip"] = skip
    instance.__dict__["_figures_before"] = None if skip or instance.pk is None else _stored(sender, instance.pk)


def _post_save(sender, instance, **kwargs) -> None:
    if getattr(instance, "_figures_skip", False):
        return
    kept = _KEPT[sender]
    kept.move(getattr(instance, "_figures_before", None), kept.values(instance))


def _pre_delete(sender, instance, **kwargs) -> None:
    instance.__dict__["_figures_before"] = _stored(sender, instance.pk)


def _post_delete(sender, instance, **kwargs) -> None:
    _KEPT[sender].move(getattr(instance, "_figures_before", None), None)


def connect() -> None:
    """Called from `ReportsConfig.ready()`."""
    for model in _KEPT:
        for signal, handler in (
            (pre_save, _pre_save),
            (post_save, _post_save),
            (pre_delete, _pre_delete),
            (post_delete, _post_delete),
        ):
            uid = f"reports_figures_{model._meta.model_name}{handler.__name__}"
            signal.connect(handler, sender=model, dispatch_uid=uid)


# Rebuilding and checking -----------------------------------------------------------------------------------------


def scan_case_figures() -> dict[tuple, tuple[int, int]]:
    """What `CaseFigure` should hold, counted from every case (the old per-request computation, by month)."""
    rows = (
        Case.objects.annotate(month=TruncMonth("opened_at", output_field=DateField(), tzinfo=_tz()))
        .values("month", "category", "ward_id")
        .annotate(
            open_cases=Count("id", filter=~Q(status=CaseStatus.CLOSED)),
            open_hate=Count("id", filter=~Q(status=CaseStatus.CLOSED) & Q(hate_related=True)),
            closed_cases=Count("id", filter=Q(status=CaseStatus.CLOSED)),
            closed_hate=Count("id", filter=Q(status=CaseStatus.CLOSED) & Q(hate_related=True)),
        )
        .order_by()
    )
    figures: dict[tuple, tuple[int, int]] = {}
    for row in rows:
        month = _as_date(row["month"])
        for is_open, cases, hate_cases in (
            (True, row["open_cases"], row["open_hate"]),
            (False, row["closed_cases"], row["closed_hate"]),
        ):
            if cases:
                figures[(month, row["category"], row["ward_id"], is_open)] = (cases, hate_cases)
    return figures


def scan_incident_figures() -> dict[tuple, int]:
    """What `HateIncidentFigure` should hold, counted from every hate-related incident."""
    rows = (
        Incident.objects.filter(hate_related=True)
        .annotate(month=TruncMonth("reported_at", output_field=DateField(), tzinfo=_tz()))
        .values("month", "hate_characteristics")
        .annotate(n=Count("id"))
        .order_by()
    )
    figures: Counter = Counter()
    for row in rows:  # the JSON lists are grouped as stored; the same set in another order is the same key
        figures[(_as_date(row["month"]), characteristics_key(row["hate_characteristics"]))] += row["n"]
    return dict(figures)


def stored_case_figures() -> dict[tuple, tuple[int, int]]:
    return {
        (f.month, f.category, f.ward_id, f.is_open): (f.cases, f.hate_cases)
        for f in CaseFigure.objects.all()
        if f.cases or f.hate_cases
    }


def stored_incident_figures() -> dict[tuple, int]:
    return {(f.month, f.characteristics): f.incidents for f in HateIncidentFigure.objects.all() if f.incidents}


def differences() -> list[str]:
    """How the stored figures differ from a fresh count (empty when they are exact)."""
    found = []
    for name, stored, fresh in (
        ("case", stored_case_figures(), scan_case_figures()),
        ("hate incident", stored_incident_figures(), scan_incident_figures()),
    ):
        for key in sorted(set(stored) | set(fresh), key=str):
            if stored.get(key) != fresh.get(key):
                found.append(f"{name} figure {key}: stored {stored.get(key)}, counted {fresh.get(key)}")
    return found


@transaction.atomic
def rebuild() -> tuple[int, int]:
    """Replace both tables with a fresh count. On PostgreSQL the tables are locked first, so a case written
    meanwhile either committed before the count (and is in it) or moves its figure after the rebuild commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {CaseFigure._meta.db_table}, {HateIncidentFigure._meta.db_table} IN EXCLUSIVE MODE"
            )
    cases, incidents = scan_case_figures(), scan_incident_figures()
    CaseFigure.objects.all().delete()
    HateIncidentFigure.objects.all().delete()
    CaseFigure.objects.bulk_create(
        (
            CaseFigure(month=m, category=c, ward_id=w, is_open=o, cases=n, hate_cases=h)
            for (m, c, w, o), (n, h) in cases.items()
        ),
        batch_size=5000,
    )
    HateIncidentFigure.objects.bulk_create(
        (HateIncidentFigure(month=m, characteristics=k, incidents=n) for (m, k), n in incidents.items()),
        batch_size=5000,
    )
    return len(cases), len(incidents)


def _tz():
    return timezone.get_default_timezone()


def _as_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value


# Reading the figures ---------------------------------------------------------------------------------------------


def _reads_figures(user: User) -> bool:
    return access.sees_all_cases(user) and timezone.get_current_timezone_name() == timezone.get_default_timezone_name()


def _split(start: date, end: date) -> tuple[date | None, date | None, list[tuple[date, date]]]:
    """The whole months of `start`..`end` (first day of the first, first day of the last; None when there is none)
    and the remaining day ranges at either side."""
    first = start if start.day == 1 else _next_month(start)
    after_last = _next_month(end) if _next_month(end) - timedelta(days=1) == end else end.replace(day=1)
    if first >= after_last:
        return None, None, [(start, end)]
    edges = []
    if start < first:
        edges.append((start, first - timedelta(days=1)))
    if after_last <= end:
        edges.append((after_last, end))
    last = _previous_month(after_last)
    return first, last, edges


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _previous_month(first: date) -> date:
    return (first - timedelta(days=1)).replace(day=1)


def _edges_filter(field: str, edges: list[tuple[date, date]]) -> Q:
    condition = Q()
    for start, end in edges:
        since, until = day_bounds(start, end)
        condition |= Q(**{f"{field}__gte": since, f"{field}__lt": until})
    return condition


def case_volumes(*, user: User, start: date, end: date) -> dict:
    """`casework.selectors.case_volumes`, from the figures for a user who sees every case."""
    if not _reads_figures(user):
        return casework_selectors.case_volumes(user=user, start=start, end=end)
    rows: list[dict] = []
    first, last, edges = _split(start, end)
    if first is not None:
        rows.extend(
            CaseFigure.objects.filter(month__gte=first, month__lte=last)
            .values("category", "ward_id")
            .annotate(total=Sum("cases"), open=Sum("cases", filter=Q(is_open=True)))
            .order_by()
        )
    if edges:
        rows.extend(
            Case.objects.filter(_edges_filter("opened_at", edges))
            .values("category", "ward_id")
            .annotate(total=Count("id"), open=Count("id", filter=~Q(status=CaseStatus.CLOSED)))
            .order_by()
        )
    return casework_selectors.shape_case_volumes({**row, "open": row["open"] or 0} for row in rows)


def nm01_counts(*, user: User, start: date, end: date) -> dict:
    """`casework.hate.nm01_counts`, from the figures for a user who sees every case."""
    if not _reads_figures(user):
        return hate.nm01_counts(user=user, start=start, end=end)
    opened = hate_cases = incidents = 0
    by_code: Counter = Counter()
    first, last, edges = _split(start, end)
    if first is not None:
        sums = CaseFigure.objects.filter(month__gte=first, month__lte=last).aggregate(
            opened=Sum("cases"), hate=Sum("hate_cases")
        )
        opened, hate_cases = sums["opened"] or 0, sums["hate"] or 0
        for key, n in HateIncidentFigure.objects.filter(month__gte=first, month__lte=last).values_list(
            "characteristics", "incidents"
        ):
            incidents += n
            for code in key.split(",") if key else [""]:
                by_code[code] += n
    if edges:
        live = Case.objects.filter(_edges_filter("opened_at", edges)).aggregate(
            opened=Count("id"), hate=Count("id", filter=Q(hate_related=True))
        )
        opened, hate_cases = opened + live["opened"], hate_cases + live["hate"]
        for characteristics in Incident.objects.filter(
            _edges_filter("reported_at", edges), hate_related=True
        ).values_list("hate_characteristics", flat=True):
            incidents += 1
            by_code.update(set(characteristics or []) or {""})
    return hate.shape_nm01(opened, hate_cases, incidents, by_code)

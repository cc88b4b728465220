"""The case list's filtered count from maintained counts (issue #23, "flat cost", finding 2).

A partner's list filtered to open statuses in one ward counted up to 1,001 visible cases by probing the permission
index once per candidate of the ward and status indexes (348 candidates at 100k cases, 3,354 at 1M). `CaseListCount`
holds, per group that holds view on cases, ward and status, how many such cases there are; the list sums the rows of
the user's groups for the filter in one read, whatever the number of cases.

Kept in the transaction of every write that changes it (model signals, so every path counts: shares and revocations
through guardian's `assign_perm`/`remove_perm`, the lead's permissions when a case is opened, a status change or an
edit of the ward): a view permission granted or removed moves one count of its group; a case moving ward or status
moves one count of every group that holds view on it. Each count is an `INSERT … ON CONFLICT DO UPDATE` of a delta.
Bulk writes that bypass signals (the bench generator's COPY) are followed by `manage.py rebuild_case_list_counts`.

The count is exact only if no case is counted twice, i.e. when at most one of the user's groups holds any of the
filtered cases: the read returns the number of such groups with the sum, and the list falls back to its capped live
count otherwise (`casework.access.cases.visible_count`).
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .models import Case, CaseGroupObjectPermission, CaseListCount

TABLE = CaseListCount._meta.db_table


VIEW = {"permission__codename": "view_case", "permission__content_type__app_label": "casework"}


def _is_view(row: CaseGroupObjectPermission) -> bool:
    """Whether a permission row grants view (the permission as the caller passed it, or one query)."""
    permission = row.permission
    return permission.codename == "view_case" and permission.content_type.app_label == "casework"


def _upsert(deltas: Counter) -> None:
    rows = sorted((key, n) for key, n in deltas.items() if n)
    if not rows:
        return
    placeholders = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    params: list = []
    for (group_id, ward_id, status), n in rows:
        params.extend([group_id, ward_id, status, n])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (group_id, ward_id, status, cases) VALUES {placeholders} "
            f"ON CONFLICT (group_id, ward_id, status) DO UPDATE SET cases = {TABLE}.cases + EXCLUDED.cases",
            params,
        )


def _case_place(case_id) -> tuple | None:
    """The case's ward and status as stored, locked until the transaction ends."""
    row = Case._base_manager.select_for_update().filter(pk=case_id).values_list("ward_id", "status").first()
    return tuple(row) if row else None


# A view permission granted or removed ------------------------------------------------------------------------------


def _permission_saved(sender, instance: CaseGroupObjectPermission, created=False, **kwargs) -> None:
    if created and _is_view(instance):
        place = _case_place(instance.content_object_id)
        if place:
            _upsert(Counter({(instance.group_id, *place): 1}))


def _permission_deleting(sender, instance: CaseGroupObjectPermission, **kwargs) -> None:
    instance.__dict__["_list_count_place"] = _case_place(instance.content_object_id) if _is_view(instance) else None


def _permission_deleted(sender, instance: CaseGroupObjectPermission, **kwargs) -> None:
    place = instance.__dict__.get("_list_count_place")
    if place:
        _upsert(Counter({(instance.group_id, *place): -1}))


# A case moving ward or status --------------------------------------------------------------------------------------


def _case_saving(sender, instance: Case, update_fields=None, **kwargs) -> None:
    touches = update_fields is None or bool({"ward", "status"} & set(update_fields))
    instance.__dict__["_list_count_place"] = _case_place(instance.pk) if touches and instance.pk is not None else None


def _case_saved(sender, instance: Case, **kwargs) -> None:
    before = instance.__dict__.get("_list_count_place")
    after = (instance.ward_id, instance.status)
    if not before or before == after:
        return  # a new case has no permissions yet: its lead's view permission counts it when granted
    groups = CaseGroupObjectPermission.objects.filter(content_object_id=instance.pk, **VIEW).values_list(
        "group_id", flat=True
    )
    deltas: Counter = Counter()
    for group_id in groups:
        deltas[(group_id, *before)] -= 1
        deltas[(group_id, *after)] += 1
    _upsert(deltas)


def connect() -> None:
    """Called from `CaseworkConfig.ready()`. Deleting a case deletes its permission rows first (cascade), which
    moves the counts."""
    for signal, handler, model in (
        (post_save, _permission_saved, CaseGroupObjectPermission),
        (pre_delete, _permission_deleting, CaseGroupObjectPermission),
        (post_delete, _permission_deleted, CaseGroupObjectPermission),
        (pre_save, _case_saving, Case),
        (post_save, _case_saved, Case),
    ):
        signal.connect(handler, sender=model, dispatch_uid=f"casework_list_counts_{handler.__name__}")


# Rebuilding and checking -------------------------------------------------------------------------------------------


def scan() -> dict[tuple, int]:
    """What `CaseListCount` should hold, counted from every view permission."""
    rows = (
        CaseGroupObjectPermission.objects.filter(**VIEW)
        .values("group_id", ward_id=F("content_object__ward_id"), status=F("content_object__status"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(r["group_id"], r["ward_id"], r["status"]): r["n"] for r in rows}


def stored() -> dict[tuple, int]:
    return {(c.group_id, c.ward_id, c.status): c.cases for c in CaseListCount.objects.all() if c.cases}


def differences() -> list[str]:
    have, fresh = stored(), scan()
    return [
        f"group {key[0]}, ward {key[1]}, {key[2]}: stored {have.get(key)}, counted {fresh.get(key)}"
        for key in sorted(set(have) | set(fresh), key=str)
        if have.get(key) != fresh.get(key)
    ]


@transaction.atomic
def rebuild() -> int:
    """Replace the table with a fresh count (on PostgreSQL locked first, as reports.figures.rebuild)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN EXCLUSIVE MODE")
    counts = scan()
    CaseListCount.objects.all().delete()
    CaseListCount.objects.bulk_create(
        (CaseListCount(group_id=g, ward_id=w, status=s, cases=n) for (g, w, s), n in counts.items()), batch_size=5000
    )
    return len(counts)

"""The access log, the disclosure log and every history table refuse UPDATE and DELETE in the database itself.

Raw SQL, so no Django code path is involved; written to run on SQLite and on PostgreSQL alike.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.services import log_access
from audit.triggers import erasure_permit, protected_tables
from casework.models import Case
from tests.factories import log_case_views

# Erasure, tampering as a superuser would and backups are the schema owner's work (decision 0011).
pytestmark = pytest.mark.owner_db


def _refused(sql: str, params=()) -> str:
    with pytest.raises(DatabaseError) as info:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert "append-only" in str(info.value)
    return str(info.value)


def _run(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def logged(shared_case, officer):
    """A case with history, two access-log rows and a disclosure (the share)."""
    log_case_views(case=shared_case, user=officer, count=2)
    return shared_case


@pytest.mark.django_db
@pytest.mark.parametrize(
    "table,column",
    [("audit_accesslog", "username"), ("audit_disclosure", "purpose"), ("casework_historicalcase", "title")],
)
def test_raw_update_and_delete_are_refused(logged, table, column):
    _refused(f"UPDATE {table} SET {column} = 'rewritten'")
    _refused(f"DELETE FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = 'rewritten'")
        assert cursor.fetchone()[0] == 0
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] > 0


@pytest.mark.django_db
def test_truncate_is_refused_on_postgresql(logged):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; an unqualified DELETE is refused above")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # so the refusal comes from our trigger, not pending FKs
    _refused("TRUNCATE audit_accesslog")


@pytest.mark.django_db
def test_every_history_table_is_protected(logged):
    history, logs = protected_tables()
    assert "casework_historicalcaseparty" in history and set(logs) == {
        "audit_accesslog",
        "audit_disclosure",
        "audit_historyseal",
        "audit_sealedcolumns",
        "audit_exportcaseset",  # which cases each bulk export contained (decision 0013)
    }
    existing = set(connection.introspection.table_names())
    for table in [t for t in history if t in existing]:
        assert _triggers_on(table), f"{table} has no append-only trigger"
        if _count(table):
            _refused(f"DELETE FROM {table}")


def _triggers_on(table: str) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [table],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
        return [name for (name,) in cursor.fetchall() if name.startswith("append_only_")]


@pytest.mark.django_db
def test_new_rows_can_still_be_appended(logged, officer):
    before = _count("audit_accesslog")
    log_access(user=officer, agency="", action="view", object_type="case", object_id=logged.pk)
    assert _count("audit_accesslog") == before + 1


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_an_erasure_permit_relaxes_history_only_and_only_inside_its_transaction(logged):
    with transaction.atomic(), erasure_permit(granted_by="ig-officer", reason="test"):
        assert _run("UPDATE casework_historicalcase SET title = 'Anonymised case' WHERE id = %s", [logged.pk]) > 0
        _refused("UPDATE audit_accesslog SET username = 'rewritten'")
        _refused("DELETE FROM audit_disclosure")
    assert set(Case.history.filter(id=logged.pk).values_list("title", flat=True)) == {"Anonymised case"}
    assert _count("audit_erasure_permit") == 0
    _refused("UPDATE casework_historicalcase SET title = 'again'")


@pytest.mark.django_db(transaction=True)
def test_an_erasure_permit_needs_a_transaction():
    with pytest.raises(RuntimeError):
        with erasure_permit(granted_by="x", reason="y"):
            pass  # pragma: no cover

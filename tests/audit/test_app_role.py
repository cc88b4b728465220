"""The application's own database login cannot forge the audit trail (issue #22, finding A).

The review inserted a 'flush' permit with the application's login, which switched the triggers off, then
deleted and re-hashed the access log. Here the same login (casework_app, audit.dbroles) tries every step
and the database refuses each one; a full rewrite done by someone who does get past it (the owner) is
caught against the exported checkpoint in tests/audit/test_checkpoints.py.

PostgreSQL with DATABASE_OWNER_URL set, as in CI; skipped on SQLite, which has no logins.
"""

import io

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from audit import dbroles
from audit.models import AccessLog
from tests.factories import log_case_views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _as_the_application(db):
    if connection.vendor != "postgresql" or not dbroles.roles_in_use():
        pytest.skip("needs PostgreSQL with DATABASE_OWNER_URL set (CI): the test runs as the application role")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == settings.DATABASE_APP_ROLE


def _run_checkpoint() -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("audit_checkpoint", stdout=out)
    return out.getvalue()


def _refused(statement: str, params=()) -> str:
    """Run one statement in a savepoint; it must fail. Returns the database's message."""
    with pytest.raises(DatabaseError) as info, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    return str(info.value)


@pytest.fixture
def trail(shared_case, officer):
    log_case_views(case=shared_case, user=officer, count=3)
    return shared_case


def test_the_application_login_owns_nothing_and_has_no_special_attribute():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        )
        assert cursor.fetchone() == (False, False, False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone()[0] == 0


def test_the_application_cannot_take_a_permit_or_switch_the_triggers_off(trail):
    for scope in ("flush", "erasure"):
        assert "permission denied" in _refused(
            "INSERT INTO audit_erasure_permit (scope, granted_by, reason) VALUES (%s, 'attacker', 'x')", [scope]
        )
    assert "permission denied" in _refused("SELECT count(*) FROM audit_erasure_permit")
    for table in ("audit_accesslog", "audit_disclosure", "casework_historicalcase", "audit_historyseal"):
        assert "must be owner" in _refused(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
    assert "permission denied" in _refused("SET session_replication_role = replica")
    assert "must be owner" in _refused("DROP TRIGGER append_only_audit_accesslog ON audit_accesslog")
    assert "permission denied for schema public" in _refused(
        "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ "
        "LANGUAGE plpgsql"
    )
    assert "permission denied" in _refused("CREATE TABLE attacker_notes (id int)")


def test_the_application_cannot_update_delete_or_truncate_audit_or_history_rows(trail):
    from audit.seals import seal_history

    seal_history()  # the application may seal (append) but not change a seal
    first = AccessLog.objects.order_by("id").first()
    for table, column, key in (
        ("audit_accesslog", "username", "id"),
        ("audit_disclosure", "purpose", "id"),
        ("casework_historicalcase", "title", "history_id"),
        ("casework_historicalperson", "last_name", "history_id"),
        ("audit_historyseal", "row_hash", "id"),
    ):
        assert "permission denied" in _refused(f'UPDATE "{table}" SET "{column}" = %s', ["forged"])
        assert "permission denied" in _refused(f'DELETE FROM "{table}" WHERE "{key}" > 0')
        assert "permission denied" in _refused(f'TRUNCATE "{table}"')
    assert AccessLog.objects.get(pk=first.pk).username == first.username


def test_the_application_still_does_its_work(trail, officer):
    """Reads, domain writes with history, appends to the logs and seals: everything the service needs."""
    from casework import services

    services.add_note(case=trail, by=officer, text="Written as casework_app")
    services.update_case(case=trail, by=officer, expected_version=trail.version, title="Renamed by the app role")
    log_case_views(case=trail, user=officer)
    assert "Checkpoint written" in _run_checkpoint()

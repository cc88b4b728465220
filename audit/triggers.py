"""Append-only enforcement inside the database.

Every django-simple-history table and the two audit logs get triggers that refuse UPDATE and DELETE,
on PostgreSQL and on SQLite alike, so neither a bug nor an admin shell can rewrite the past. The one
sanctioned exception is retention erasure, which runs in a transaction holding a row in
`audit_erasure_permit` (scope 'erasure': history tables only; the audit logs stay untouchable). Test
suites that flush the database hold scope 'flush'. Triggers are (re)installed after every migrate so the
history tables of apps added later are covered without a migration per app.

On PostgreSQL the application's own login (casework_app, see audit.dbroles) can neither write the permit
table nor disable triggers: it owns no table. The trigger function runs with its owner's rights
(SECURITY DEFINER) only so that it can read the permit table, which the application role cannot.
"""

from contextlib import contextmanager

from django.apps import apps
from django.db import connection as default_connection

PERMIT_TABLE = "audit_erasure_permit"
# The two logs and the history seals: relaxed by a 'flush' permit only, never by an erasure.
AUDIT_LOG_TABLES = (
    "audit_accesslog",
    "audit_disclosure",
    "audit_historyseal",
    "audit_sealedcolumns",
    "audit_exportcaseset",
)


def protected_tables() -> tuple[list[str], list[str]]:
    """(history tables, audit log tables) that exist in this project."""
    history = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model.__name__.startswith("Historical") and hasattr(model, "instance_type")
    )
    return history, list(AUDIT_LOG_TABLES)


# The hash-chained logs whose chain head an AFTER INSERT trigger advances (audit.services._append computes the
# row's hash under the head's row lock; the trigger saves the statement that moved the head, issue 23).
CHAIN_HEAD_OF = {"audit_accesslog": "access", "audit_disclosure": "disclosure"}


def _existing(connection) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def install(connection=default_connection) -> int:
    """Create or refresh the triggers; returns how many tables are protected."""
    history, logs = protected_tables()
    existing = _existing(connection)
    targets = [(t, "erasure") for t in history if t in existing] + [(t, "flush") for t in logs if t in existing]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
                SECURITY DEFINER SET search_path = pg_catalog, public AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM audit_erasure_permit
                               WHERE scope = 'flush' OR scope = TG_ARGV[0]) THEN
                        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'append-only table %: % refused', TG_TABLE_NAME, TG_OP
                        USING ERRCODE = 'insufficient_privilege';
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            cursor.execute(
                """
                CREATE OR REPLACE FUNCTION audit_advance_chain_head() RETURNS trigger
                SET search_path = pg_catalog, public AS $$
                BEGIN
                    UPDATE audit_chainhead SET last_hash = NEW.hash, length = length + 1 WHERE log = TG_ARGV[0];
                    RETURN NULL;
                END;
                $$ LANGUAGE plpgsql;
                """
            )
            for table, log in CHAIN_HEAD_OF.items():
                if table in existing:
                    cursor.execute(f'DROP TRIGGER IF EXISTS "chain_head_{table}" ON "{table}"')
                    cursor.execute(
                        f'CREATE TRIGGER "chain_head_{table}" AFTER INSERT ON "{table}" '
                        f"FOR EACH ROW EXECUTE FUNCTION audit_advance_chain_head('{log}')"
                    )
            for table, scope in targets:
                name = f"append_only_{table}"[:63]
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
                cursor.execute(
                    f'CREATE TRIGGER "{name}" BEFORE UPDATE OR DELETE ON "{table}" '
                    f"FOR EACH ROW EXECUTE FUNCTION audit_refuse_change('{scope}')"
                )
                truncate = f"no_truncate_{table}"[:63]
                cursor.execute(f'DROP TRIGGER IF EXISTS "{truncate}" ON "{table}"')
                cursor.execute(
                    f'CREATE TRIGGER "{truncate}" BEFORE TRUNCATE ON "{table}" '
                    f"FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change('{scope}')"
                )
        elif connection.vendor == "sqlite":
            for table, log in CHAIN_HEAD_OF.items():
                if table in existing:
                    cursor.execute(f'DROP TRIGGER IF EXISTS "chain_head_{table}"')
                    cursor.execute(
                        f'CREATE TRIGGER "chain_head_{table}" AFTER INSERT ON "{table}" BEGIN '
                        f"UPDATE audit_chainhead SET last_hash = NEW.hash, length = length + 1 WHERE log = '{log}'; END"
                    )
            for table, scope in targets:
                allowed = "scope = 'flush'" if scope == "flush" else "scope IN ('flush', 'erasure')"
                for op in ("UPDATE", "DELETE"):
                    name = f"append_only_{op.lower()}_{table}"
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                    cursor.execute(
                        f'CREATE TRIGGER "{name}" BEFORE {op} ON "{table}" '
                        f"WHEN NOT EXISTS (SELECT 1 FROM {PERMIT_TABLE} WHERE {allowed}) "
                        f"BEGIN SELECT RAISE(ABORT, 'append-only table {table}: {op} refused'); END"
                    )
    return len(targets)


def post_migrate_install(using="default", **kwargs) -> None:
    from django.db import connections

    install(connections[using])


@contextmanager
def erasure_permit(*, granted_by: str, reason: str, using: str = "default"):
    """Let the current transaction rewrite history rows (never the audit logs) for a lawful erasure.

    The permit row is inserted inside the caller's transaction and deleted before it commits, so no other
    transaction ever sees it. If the erasure fails the rollback removes it too.
    """
    from django.db import connections

    connection = connections[using]
    if not connection.in_atomic_block:
        raise RuntimeError("An erasure permit is only valid inside a transaction (use transaction.atomic)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PERMIT_TABLE} (scope, granted_by, reason) VALUES ('erasure', %s, %s) RETURNING id",
            [granted_by[:150], reason],
        )
        permit_id = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {PERMIT_TABLE} WHERE id = %s", [permit_id])

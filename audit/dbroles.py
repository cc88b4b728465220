"""Two PostgreSQL logins: the application's, which can only append to the audit trail, and the owner's.

The application connects as `casework_app` (DATABASE_URL): it reads and writes the domain tables, may
only SELECT and INSERT on the audit logs, the history seals and every history table (plus moving the
chain heads), has no right at all on `audit_erasure_permit`, and owns nothing, so it can neither
disable a trigger nor take a permit. The owner (DATABASE_OWNER_URL) owns the schema and runs `migrate`,
`setup_db_roles` and `retention_apply`. Without DATABASE_OWNER_URL, or on SQLite, there is one login and
everything here does nothing. Decision record: docs/decisions/0011-audit-roles-and-keyed-checkpoints.md.
"""

from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.db import connections

from .triggers import AUDIT_LOG_TABLES, PERMIT_TABLE, protected_tables

CHAIN_HEAD_TABLE = "audit_chainhead"
READ_ONLY_TABLES = ("django_migrations",)
_app_credentials: dict[str, tuple[str, str]] = {}


def roles_in_use(alias: str = "default") -> bool:
    return bool(settings.DATABASE_OWNER_URL) and connections[alias].vendor == "postgresql"


def _owner_credentials() -> tuple[str, str]:
    parsed = dj_database_url.parse(settings.DATABASE_OWNER_URL)
    return parsed.get("USER") or "", parsed.get("PASSWORD") or ""


def current_role(alias: str = "default") -> str:
    """'owner' or 'app': whose credentials the alias connects with."""
    user = connections[alias].settings_dict.get("USER") or ""
    return "owner" if roles_in_use(alias) and user == _owner_credentials()[0] else "app"


def use(role: str, alias: str = "default") -> None:
    """Make the alias connect as 'owner' or 'app' from its next query (closes the current connection)."""
    if not roles_in_use(alias) or current_role(alias) == role:
        return
    connection = connections[alias]
    if connection.in_atomic_block:
        raise RuntimeError(f"Cannot switch database login to the {role} inside a transaction")
    settings_dict = connection.settings_dict
    _app_credentials.setdefault(alias, (settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""))
    user, password = _owner_credentials() if role == "owner" else _app_credentials[alias]
    connection.close()
    settings_dict["USER"], settings_dict["PASSWORD"] = user, password


@contextmanager
def as_owner(alias: str = "default"):
    """Run the block with the schema owner's login (migrate, erasure); back to the previous login after."""
    before = current_role(alias)
    use("owner", alias)
    try:
        yield
    finally:
        use(before, alias)


def _q(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def grant(alias: str = "default", app_role: str | None = None) -> int:
    """(Re)apply the application role's rights on every table; returns how many tables were granted.

    Run by the owner after every migrate and by `setup_db_roles`. New tables made later get only
    SELECT and INSERT by default privileges until the next run, never UPDATE or DELETE.
    """
    connection = connections[alias]
    app_role = app_role or settings.DATABASE_APP_ROLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        if cursor.fetchone() is None:
            return 0
        history, _ = protected_tables()
        append_only = set(history) | set(AUDIT_LOG_TABLES)
        role = _q(connection, app_role)
        cursor.execute("SELECT current_database(), current_user")
        database, owner = cursor.fetchone()
        cursor.execute(f"GRANT CONNECT ON DATABASE {_q(connection, database)} TO {role}")
        cursor.execute(f"REVOKE ALL ON SCHEMA public FROM {role}")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            if table == PERMIT_TABLE:
                continue  # no right at all: the application can never relax the triggers
            if table == CHAIN_HEAD_TABLE:
                rights = "SELECT, INSERT, UPDATE"  # appends move the head; checkpoints catch a forged one
            elif table in append_only or table in READ_ONLY_TABLES:
                rights = "SELECT, INSERT" if table in append_only else "SELECT"
            else:
                rights = "SELECT, INSERT, UPDATE, DELETE"
            cursor.execute(f"GRANT {rights} ON {_q(connection, table)} TO {role}")
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {_q(connection, owner)} IN SCHEMA public "
            f"GRANT SELECT, INSERT ON TABLES TO {role}"
        )
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {_q(connection, owner)} IN SCHEMA public "
            f"GRANT USAGE, SELECT ON SEQUENCES TO {role}"
        )
    return len(tables) - (PERMIT_TABLE in tables)


def create_role(alias: str = "default", app_role: str | None = None, password: str | None = None) -> bool:
    """Create the application role if missing (login, no other attribute); returns True if it was made."""
    connection = connections[alias]
    app_role = app_role or settings.DATABASE_APP_ROLE
    role = _q(connection, app_role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app_role])
        made = cursor.fetchone() is None
        if made:
            cursor.execute(
                f"CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
            )
        if password:
            cursor.execute(f"ALTER ROLE {role} PASSWORD %s", [password])
    return made


def post_migrate_grant(using: str = "default", **kwargs) -> None:
    """After `migrate` (which passes its plan), not after `flush` (which does not): a flush makes no table."""
    if "plan" not in kwargs:
        return
    if connections[using].vendor == "postgresql" and current_role(using) == "owner":
        grant(using)

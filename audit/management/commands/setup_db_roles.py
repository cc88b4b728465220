"""Create the application's PostgreSQL role and grant it what it needs, as the schema owner."""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from audit import dbroles


class Command(BaseCommand):
    help = (
        "Create the application role (DATABASE_APP_ROLE, default casework_app) if missing and (re)grant it: "
        "read/write on domain tables, SELECT/INSERT only on audit and history tables, nothing on "
        "audit_erasure_permit. Runs with DATABASE_OWNER_URL's login when it is set. PostgreSQL only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")
        parser.add_argument("--role", default=None, help="role name (default: DATABASE_APP_ROLE)")
        parser.add_argument(
            "--password-env",
            default="",
            help="name of an environment variable holding the role's password (never on the command line)",
        )

    def handle(self, *args, **options):
        alias = options["database"]
        if connections[alias].vendor != "postgresql":
            raise CommandError("Database roles apply to PostgreSQL only; SQLite has one login.")
        role = options["role"] or settings.DATABASE_APP_ROLE
        password = os.environ.get(options["password_env"], "") if options["password_env"] else ""
        with dbroles.as_owner(alias):
            made = dbroles.create_role(alias, role, password or None)
            tables = dbroles.grant(alias, role)
        self.stdout.write(f"{'Created' if made else 'Kept'} role {role}; rights granted on {tables} tables")

"""`migrate`, always with the schema owner's login when DATABASE_OWNER_URL is set (audit.dbroles)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from audit import dbroles


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with dbroles.as_owner(options["database"]):
            return super().handle(*args, **options)

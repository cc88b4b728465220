"""Recount the dashboard's maintained figures from the cases and incidents (backfill and repair), or check them."""

from django.core.management.base import BaseCommand, CommandError

from reports import figures


class Command(BaseCommand):
    help = "Rebuild the dashboard's monthly case and hate-incident figures exactly (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with a fresh count; fail on a difference")

    def handle(self, *args, check=False, **options):
        if check:
            found = figures.differences()
            for line in found[:50]:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} dashboard figures differ from a fresh count; run without --check")
            self.stdout.write("The dashboard's figures match a fresh count.")
            return
        cases, incidents = figures.rebuild()
        self.stdout.write(f"Rebuilt {cases} case figures and {incidents} hate-incident figures.")

"""Recount the case list's maintained counts from the view permissions (backfill and repair), or check them."""

from django.core.management.base import BaseCommand, CommandError

from casework import list_counts


class Command(BaseCommand):
    help = "Rebuild the case list's per-group, ward and status counts exactly (or --check them)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with a fresh count; fail on a difference")

    def handle(self, *args, check=False, **options):
        if check:
            found = list_counts.differences()
            for line in found[:50]:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} case list counts differ from a fresh count; run without --check")
            self.stdout.write("The case list's counts match a fresh count.")
            return
        self.stdout.write(f"Rebuilt {list_counts.rebuild()} case list counts.")

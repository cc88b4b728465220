"""The one shape of a command that rebuilds maintained figures from their records, or checks them (repair, backfill)."""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError


def command(*, what: str, help: str, differences: Callable[[], list[str]], rebuild: Callable[[], str]) -> type:
    """A management command: `rebuild()` recounts and reports; `--check` lists `differences()`, fails on any."""

    class Command(BaseCommand):
        def add_arguments(self, parser):
            parser.add_argument("--check", action="store_true", help="compare with a fresh count; fail on a difference")

        def handle(self, *args, check=False, **options):
            if not check:
                self.stdout.write(rebuild())
                return
            found = differences()
            for line in found[:50]:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found)} of the {what} differ from a fresh count; run without --check")
            self.stdout.write(f"The {what} match a fresh count.")

    Command.help = help
    return Command

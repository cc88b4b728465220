"""The one shape of a command that rebuilds maintained figures from their records, or checks them (repair, backfill)."""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError


class RebuildOrCheckCommand(BaseCommand):
    """Subclasses name what they keep (`what`, for messages) and give `differences()` and `rebuild()` (a report)."""

    what = "figures"

    def differences(self) -> list[str]:
        raise NotImplementedError

    def rebuild(self) -> str:
        raise NotImplementedError

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with a fresh count; fail on a difference")

    def handle(self, *args, check=False, **options):
        if not check:
            self.stdout.write(self.rebuild())
            return
        found = self.differences()
        for line in found[:50]:
            self.stdout.write(line)
        if found:
            raise CommandError(f"{len(found)} of the {self.what} differ from a fresh count; run without --check")
        self.stdout.write(f"The {self.what} match a fresh count.")


def command(*, what: str, help: str, differences: Callable[[], list[str]], rebuild: Callable[[], str]) -> type:
    return type(
        "Command",
        (RebuildOrCheckCommand,),
        {
            "what": what,
            "help": help,
            "differences": lambda self: differences(),
            "rebuild": lambda self: rebuild(),
        },
    )

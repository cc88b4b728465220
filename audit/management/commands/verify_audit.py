"""Re-compute the audit chains, check the history rows against their seals and the chains against the
exported, keyed checkpoints; report the first broken link of each."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit import verification


class Command(BaseCommand):
    help = (
        "Verify the tamper-evident hash chains of the audit logs and history tables against the exported "
        "checkpoints; exits non-zero at the first broken link."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints", type=Path, help="checkpoint file (default: AUDIT_CHECKPOINT_DIR/checkpoints.jsonl)"
        )
        parser.add_argument(
            "--require-checkpoint", action="store_true", help="fail when no exported checkpoint is found"
        )

    def handle(self, *args, **options):
        result = verification.verify(
            checkpoint_path=options.get("checkpoints"), require_checkpoint=options["require_checkpoint"]
        )
        if result.problems:
            raise CommandError("\n".join(result.problems))
        for line in result.lines:
            self.stdout.write(line)

    @staticmethod
    def check_all(records=()):
        return verification.check_all(records)

"""Seal new history rows, verify every chain, then export a keyed checkpoint outside the database."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from audit import checkpoints
from audit.seals import seal_history


class Command(BaseCommand):
    help = (
        "Seal history rows written since the last run, verify the chains, and append an HMAC-signed checkpoint "
        "to AUDIT_CHECKPOINT_DIR/checkpoints.jsonl (and mail it to AUDIT_CHECKPOINT_EMAIL). Run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, help="checkpoint file (default: AUDIT_CHECKPOINT_DIR/checkpoints.jsonl)"
        )
        parser.add_argument("--no-email", action="store_true", help="do not mail the checkpoint")

    def handle(self, *args, **options):
        sealed = seal_history()
        # Never sign a chain that does not verify: that would vouch for whatever was done to it.
        try:
            call_command("verify_audit", checkpoints=options.get("file"), stdout=io.StringIO())
        except CommandError as error:
            raise CommandError(f"Not checkpointing: the audit trail does not verify.\n{error}") from error
        record = checkpoints.make_checkpoint()  # the chain heads, read in one query
        path = checkpoints.append(record, options.get("file"))
        recipients = settings.AUDIT_CHECKPOINT_EMAIL
        if recipients and not options["no_email"]:
            checkpoints.email(record, recipients)
        chains = ", ".join(f"{log} {point['length']}" for log, point in record["chains"].items())
        self.stdout.write(f"Checkpoint written to {path} ({sealed} history rows sealed; {chains})")

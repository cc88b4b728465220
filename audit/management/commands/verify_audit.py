"""Re-compute the audit chains, check the history rows against their seals and the chains against the
exported, keyed checkpoints; report the first broken link of each."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit import checkpoints
from audit.seals import check_history_rows
from audit.services import CHAINS, check_chain

LOG_NAMES = {"access": "access log", "disclosure": "disclosure log", "history": "history seals"}


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
        records, problems = checkpoints.read(options.get("checkpoints"))
        reports, history = self.check_all(records)
        for report in reports:
            if report.ok:
                continue
            row = report.broken
            where = f"row id {row.pk} at {row.at.isoformat()}" if row is not None else "the end of the log"
            problems.append(
                f"BROKEN: {LOG_NAMES[report.log]}: first broken link at {where}: {report.problem} "
                f"({report.checked} rows before it verified)."
            )
        problems += [f"BROKEN: history: {p}" for p in history.problems]
        if all(r.ok for r in reports):
            positions = {r.log: r.positions for r in reports}
            lengths = {r.log: r.checked for r in reports}
            problems += [f"BROKEN: {p}" for p in checkpoints.compare(records, positions, lengths)]
        if not records and options["require_checkpoint"]:
            problems.append("BROKEN: no exported checkpoint found (run audit_checkpoint)")
        if problems:
            raise CommandError("\n".join(problems))
        counts = {r.log: r.checked for r in reports}
        self.stdout.write(f"OK: {counts['access']} access rows, {counts['disclosure']} disclosure rows")
        self.stdout.write(
            f"History: {history.checked} rows match their seals ({counts['history']} seals); "
            f"{history.unsealed} written since the last seal"
        )
        latest = records[-1]["at"] if records else "none yet (run audit_checkpoint)"
        self.stdout.write(f"Checkpoints: {len(records)} signed, all consistent; latest {latest}")

    @staticmethod
    def check_all(records=()):
        """Read every row and the chain heads from one snapshot, so appends made meanwhile cannot look like gaps."""
        wanted: dict[str, set[int]] = {log: set() for log in CHAINS}
        for record in records:
            for log, point in record.get("chains", {}).items():
                if log in wanted:
                    wanted[log].add(int(point.get("length", 0)))
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            reports = [check_chain(log, wanted[log]) for log in CHAINS]
            return reports, check_history_rows()

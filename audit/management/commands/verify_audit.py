"""Re-compute the hash chains of the access and disclosure logs and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from audit.services import CHAINS, check_chain

LOG_NAMES = {"access": "access log", "disclosure": "disclosure log"}


class Command(BaseCommand):
    help = "Verify the tamper-evident hash chains of the audit logs; exits non-zero at the first broken link."

    def handle(self, *args, **options):
        reports = self.check_all()
        problems = []
        for report in reports:
            if report.ok:
                continue
            row = report.broken
            where = f"row id {row.pk} at {row.at.isoformat()}" if row is not None else "the end of the log"
            problems.append(
                f"BROKEN: {LOG_NAMES[report.log]}: first broken link at {where}: {report.problem} "
                f"({report.checked} rows before it verified)."
            )
        if problems:
            raise CommandError("\n".join(problems))
        counts = {r.log: r.checked for r in reports}
        self.stdout.write(f"OK: {counts['access']} access rows, {counts['disclosure']} disclosure rows")

    @staticmethod
    def check_all():
        """Read every row and the chain heads from one snapshot, so appends made meanwhile cannot look like gaps."""
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return [check_chain(log) for log in CHAINS]

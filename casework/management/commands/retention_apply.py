"""Anonymise the closed cases past the retention period, once an approver and a policy are named."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework import retention
from casework.errors import CaseworkError


class Command(BaseCommand):
    help = (
        "Anonymise every closed case past the retention period (one transaction per case) and leave a tombstone "
        "in the disclosure log. Use --dry-run first to see what would be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--approved-by", required=True, help="Username of the manager or IG officer approving")
        parser.add_argument("--policy", required=True, help="The retention policy the erasure is made under")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be removed; change nothing")

    def handle(self, *args, **options):
        from audit.dbroles import as_owner

        with as_owner():  # rewriting history rows needs the owner's login: the application's cannot
            return self.apply(**options)

    def apply(self, *, approved_by, policy, dry_run, **options):
        approver = get_user_model().objects.filter(username=approved_by).first()
        if approver is None:
            raise CommandError(f"No user has the username {approved_by!r}.")
        if not policy.strip():
            raise CommandError("Name the retention policy with --policy.")
        try:
            retention.require_approver(approver)
        except CaseworkError as error:
            raise CommandError(str(error)) from error
        cases = list(retention.cases_past_retention())
        verb = "Would anonymise" if dry_run else "Anonymised"
        failures = 0
        for case in cases:
            try:
                summary = retention.anonymise_case(case=case, by=approver, policy=policy, dry_run=dry_run)
            except CaseworkError as error:
                failures += 1
                self.stderr.write(f"Not anonymised {case.reference}: {error}")
                continue
            self.stdout.write(
                f"{verb} {case.reference}: {summary.persons_anonymised} people anonymised, "
                f"{summary.persons_detached} detached (still on other cases), "
                f"{summary.addresses_anonymised} addresses, {sum(summary.records_blanked.values())} records blanked, "
                f"{summary.history_rows_scrubbed} history rows scrubbed, "
                f"{summary.evidence_files_deleted} evidence files deleted"
            )
        done = len(cases) - failures
        self.stdout.write(
            f"{verb} {done} of {len(cases)} case{'s' if len(cases) != 1 else ''}"
            + (" (dry run: nothing was changed)" if dry_run else "")
        )
        if failures:
            raise CommandError(f"{failures} case{'s' if failures != 1 else ''} could not be anonymised.")

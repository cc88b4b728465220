"""List closed cases past the retention period, for the information governance review."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from casework import retention
from common.dates import govuk_date


class Command(BaseCommand):
    help = "List closed cases whose retention period has ended (reference, closed date, lead agency)."

    def handle(self, *args, **options):
        cutoff = retention.retention_cutoff()
        cases = list(retention.cases_past_retention())
        self.stdout.write(
            f"{len(cases)} closed case{'s' if len(cases) != 1 else ''} past the retention period "
            f"({retention.retention_years()} years after closure: "
            f"closed before {govuk_date(timezone.localtime(cutoff))})"
        )
        if cases:
            self.stdout.write(f"{'Reference':<18} {'Closed':<12} Lead agency")
        for case in cases:
            closed = timezone.localtime(case.closed_at).date().isoformat()
            self.stdout.write(f"{case.reference:<18} {closed:<12} {case.lead_agency.name}")

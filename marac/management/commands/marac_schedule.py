"""Keep the CS MARAC cycle scheduled ahead (run daily from cron or a scheduler)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from casework.errors import CaseworkError
from marac import services


class Command(BaseCommand):
    help = "Schedule CS MARAC meetings so MARAC['MEETINGS_AHEAD'] are always planned (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as", dest="username", required=True, help="The MARAC coordinator the meetings are scheduled by"
        )

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}")
        try:
            made = services.keep_schedule_ahead(by=user)
        except CaseworkError as error:
            raise CommandError(str(error)) from error
        for meeting in made:
            moved = f" (moved from {meeting.scheduled_for:%d %b})" if meeting.date != meeting.scheduled_for else ""
            self.stdout.write(f"Scheduled {meeting}{moved}")
        self.stdout.write(f"{len(made)} meeting(s) scheduled")

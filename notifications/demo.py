"""Demo notifications: the demo's shares, actions, referrals and applications already told people as they were
made (through the services); here the shared mailboxes of two partners and today's reminders are added."""

from django.utils import timezone

from casework.models import Agency

from .models import AgencyMailbox
from .reminders import create_reminders

MAILBOXES = {"barnet-homes": "asb.team@barnethomes.example", "met-police": "barnet.asb@met.example"}


def load(*, stdout=None) -> None:
    for short_name, email in MAILBOXES.items():
        agency = Agency.objects.filter(short_name=short_name).first()
        if agency is not None:
            AgencyMailbox.objects.get_or_create(agency=agency, defaults={"email": email})
    created = create_reminders(today=timezone.localdate())
    if stdout is not None:
        stdout.write(f"Notifications: {created} reminders for today; emails go to var/mail/ once the worker runs.")

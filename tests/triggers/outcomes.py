"""The outcome letter's three steps in one call, for tests whose subject is what happens after it is sent."""

from datetime import date

from triggers import letters, services
from triggers.models import Application


def send_approved_outcome(
    application: Application, *, writer, approver, body: str = "What we found.", posted_on: date | None = None
) -> Application:
    letter = services.save_outcome_draft(application=application, by=writer, body=body)
    services.approve_outcome(application=application, by=approver, fingerprint=letters.fingerprint(letter))
    services.send_outcome(application=application, by=writer, posted_on=posted_on)
    application.refresh_from_db()
    return application

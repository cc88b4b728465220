"""A bot check for the public form that needs no JavaScript and no third-party service.

Alongside the honeypot field: the session notes when the applicant opened the first question page, and the
check page's form carries that time signed (Django's signing, SECRET_KEY). Sending the application needs a
valid signature and at least TRIGGERS["BOT_CHECK"]["MIN_SECONDS"] since the start (a person reading and
answering five pages takes minutes; a script takes milliseconds), and no more than MAX_AGE_SECONDS.
"""

import time

from django.core import signing

from . import conf

FIELD = "form_started"
SESSION_KEY = "triggers_public_started_at"
_SALT = "triggers.public.form_started"

TOO_FAST = "Your application was sent too quickly. Check your answers, wait a few seconds and send it again."
INVALID = (
    "We could not accept this form: it has expired or did not come from our website. "
    "Go back to the start and try again, or phone the Community Safety Team."
)


def started_at(request) -> float:
    """When this applicant opened the first question page (noted once per journey in the session)."""
    if SESSION_KEY not in request.session:
        request.session[SESSION_KEY] = time.time()
    return request.session[SESSION_KEY]


def issue(*, started_at: float) -> str:
    return signing.dumps({"t": started_at}, salt=_SALT)


def age(token: str) -> float | None:
    """Seconds since the signed start, or None when the token is missing, forged or too old."""
    limits = conf.get("BOT_CHECK")
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=int(limits["MAX_AGE_SECONDS"]))
        return time.time() - float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def problem(token: str) -> str | None:
    """The message to show, or None when the submission looks like a person's."""
    seconds = age(token)
    if seconds is None:
        return INVALID
    if seconds < float(conf.get("BOT_CHECK")["MIN_SECONDS"]):
        return TOO_FAST
    return None

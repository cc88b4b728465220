"""The idle timeout without a session write on every request (issue 23).

`SESSION_SAVE_EVERY_REQUEST` pushed the session's expiry forward with an UPDATE of `django_session` on every
page (three statements inside a transaction). Instead the session store remembers the expiry it read, and the
middleware saves the session (which sets a new expiry) only when that expiry was set more than
`SESSION_REFRESH_SECONDS` ago (60 s, and never more than a tenth of the idle timeout). A session left alone
therefore ends between 29 and 30 minutes after its last request instead of at exactly 30: never later.

The sessions stay in the database (`SESSION_ENGINE = "accounts.sessions"`, Django's database store plus that
one remembered value), so sign-out still deletes the session on the server and a replayed cookie is refused;
a role or group change needs no session change (groups are read on every request). docs/security.md.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core.exceptions import MultipleObjectsReturned
from django.utils import timezone

from common.compiled_sql import CompiledQuery

# What Django's database store asks (`.get(session_key=..., expire_date__gt=now)`), compiled once per thread.
_SESSION_ROW = CompiledQuery(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now).order_by()[:21],
    lambda: [Session._meta.get_field("session_key"), Session._meta.get_field("expire_date")],
    ["compiled-sql-placeholder", datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)],
)


def refresh_interval() -> float:
    """Seconds between two expiry refreshes of one session: at most a minute, at most a tenth of the age."""
    return min(float(getattr(settings, "SESSION_REFRESH_SECONDS", 60)), settings.SESSION_COOKIE_AGE / 10)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions, remembering the expiry of the row it loaded (`stored_expiry`)."""

    stored_expiry = None

    def _get_session_from_db(self):
        if self.model is Session:
            found = _SESSION_ROW.rows(self.session_key, timezone.now())
            if len(found) > 1:  # session_key is the primary key: never
                raise MultipleObjectsReturned
            row = found[0] if found else None
            if row is None:
                self._session_key = None
        else:
            row = super()._get_session_from_db()
        self.stored_expiry = row.expire_date if row is not None else None
        return row


class IdleSessionRefreshMiddleware:
    """Below SessionMiddleware: marks a stored session modified when its expiry is due for a refresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            session.keys()  # loads the session (the authentication middleware would next)
            stored = getattr(session, "stored_expiry", None)
            if stored is not None and session.session_key:
                set_at = stored - timedelta(seconds=session.get_session_cookie_age())
                if timezone.now() - set_at >= timedelta(seconds=refresh_interval()):
                    session.modified = True
        return self.get_response(request)

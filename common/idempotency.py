"""Double-submit protection: a form posted twice is saved once.

Every POST form rendered through templates/components/form_fields.html carries a hidden, random,
single-use key (`request.idempotency_key` makes a new one at each render; forms whose crispy helper says
GET get none, so no key ends up in a search address). The first POST with a key
claims it; when that POST ends in a redirect (the post/redirect/get pattern every write in the service
follows), the redirect's target is remembered. A second POST with the same key from the same user to the
same address (a double click, a resubmit after a slow response, the back button) is not run again: it
lands on the first one's result page with a message. A POST that arrives while the first is still running
waits for it. A POST that did not end in a redirect (validation errors, an error page) frees its key so
the user can correct and send again: nothing was saved.

Keys live in the Django cache named by SECURITY["IDEMPOTENCY_CACHE"] (add() is atomic); with more than
one app process that cache must be shared (Redis or the database cache): see docs/operations.md.
"""

import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.shortcuts import redirect

FIELD_NAME = "idempotency_key"
_KEY_FORMAT = re.compile(r"^[0-9a-f]{32}$")
PENDING = "pending"


def _config(key: str, default):
    return getattr(settings, "SECURITY", {}).get(key, default)


def new_key() -> str:
    return uuid.uuid4().hex


def _store():
    return caches[_config("IDEMPOTENCY_CACHE", "default")]


def _scope(request) -> str | None:
    """Keys are per user (or per anonymous session), so one person's key is useless to anyone else."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return f"session:{session.session_key}"
    return None


def _cache_key(scope: str, path: str, key: str) -> str:
    return f"idempotency:{scope}:{key}:{uuid.uuid5(uuid.NAMESPACE_URL, path).hex}"


class IdempotencyMiddleware:
    """Install after the session, authentication, CSRF and message middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.idempotency_key = new_key  # called by the template at each render: a fresh key per form
        response = self.get_response(request)
        claim = getattr(request, "_idempotency_claim", None)
        if claim is not None:
            store, cache_key = claim
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                store.set(cache_key, response["Location"], _config("IDEMPOTENCY_TTL_SECONDS", 3600))
            else:
                store.delete(cache_key)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST":
            return None
        key = request.POST.get(FIELD_NAME, "")
        scope = _scope(request)
        if not _KEY_FORMAT.match(key) or scope is None:
            return None
        store = _store()
        cache_key = _cache_key(scope, request.path, key)
        ttl = _config("IDEMPOTENCY_TTL_SECONDS", 3600)
        if store.add(cache_key, PENDING, ttl):
            request._idempotency_claim = (store, cache_key)
            return None
        return self._replay(request, store, cache_key)

    @staticmethod
    def _replay(request, store, cache_key):
        """The same form again: wait for the first submission's result and send the user there."""
        deadline = time.monotonic() + _config("IDEMPOTENCY_WAIT_SECONDS", 10)
        result = store.get(cache_key)
        while result == PENDING and time.monotonic() < deadline:
            time.sleep(0.05)
            result = store.get(cache_key)
        if result is None:  # the first attempt failed and freed the key: this one may run
            if store.add(cache_key, PENDING, _config("IDEMPOTENCY_TTL_SECONDS", 3600)):
                request._idempotency_claim = (store, cache_key)
                return None
            result = store.get(cache_key)
        if result in (None, PENDING):
            messages.warning(request, "This form is still being sent. Check the page below before you send it again.")
            return redirect(request.path)
        messages.info(request, "You sent this form twice. It was saved once.")
        return redirect(result)

"""Refused attempts at a case (the 404 an outsider gets) in the access log, so an auditor can see probing.

Logged per user at most SECURITY["REFUSED_LOG_PER_MINUTE"] times a minute (counted in the shared cache), so
someone walking references cannot flood the log; the label is the reference asked for, nothing else.
Screens reach here through RefusalLogMiddleware, the API through accounts.api.exception_handler.
"""

import re

from django.conf import settings
from django.core.cache import cache

from audit.models import AccessAction
from audit.services import log_access

from .access import CaseNotFound, agency_of

REFERENCE = re.compile(r"[A-Za-z0-9-]{1,20}")


def log_refused(request, exception: CaseNotFound) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    limit = int(settings.SECURITY.get("REFUSED_LOG_PER_MINUTE", 20))
    key = f"refused:{user.pk}"  # a one-minute window from the user's first refusal
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    if count > limit:
        return
    reference = exception.reference if REFERENCE.fullmatch(exception.reference or "") else "(not a case reference)"
    agency = agency_of(user)
    log_access(
        user=user,
        agency=agency.name if agency else "",
        action=AccessAction.VIEW,
        object_type="refused_case",
        object_label=reference,
        details={
            "outcome": "refused",
            "method": request.method,
            **({"throttled_after": limit} if count == limit else {}),
        },
        path=request.path,
    )


class RefusalLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, CaseNotFound):
            log_refused(request, exception)
        return None

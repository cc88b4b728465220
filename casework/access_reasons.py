"""Why a user is opening a case, asked where their agency processes it as law enforcement (DPA 2018 Part 3).

Part 3 logging (s62) expects the justification for each consultation. The Data (Use and Access) Act 2025 s82
removes that duty, but the partnership keeps it: it is good practice and costs one question per case per
session. Which agencies are asked follows their recorded processing purposes (governance.AgencyPurpose,
reached through casework.extensions); the answer is copied onto every access-log row for that case
(audit.context.access_reasons_var) until the user signs out.
"""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from audit.context import access_reasons_var

from . import access, extensions

SESSION_KEY = "case_access_reasons"


class AccessReasonRequired(Exception):
    """Raised by a case page before it shows anything; the middleware sends the user to the question."""

    def __init__(self, reference: str, next_url: str):
        super().__init__(reference)
        self.reference = reference
        self.next_url = next_url


def purposes_for(user) -> list[extensions.AccessPurpose]:
    """The user's agency's purposes in force today, or [] when none is law enforcement (then nobody asks)."""
    agency = access.agency_of(user)
    if agency is None:
        return []
    purposes = extensions.access_purposes(agency_id=agency.pk, on=timezone.localdate())
    return purposes if any(p.law_enforcement for p in purposes) else []


def given(request, case_id: int) -> dict | None:
    return request.session.get(SESSION_KEY, {}).get(str(case_id))


def require(request, case) -> None:
    """Call after the access check (a case the user may not see is a 404, never this question)."""
    if given(request, case.pk) is None and purposes_for(request.user):
        raise AccessReasonRequired(case.reference, request.get_full_path())


def record(request, case, *, purpose: extensions.AccessPurpose, reason: str) -> None:
    reasons = dict(request.session.get(SESSION_KEY, {}))
    reasons[str(case.pk)] = {
        "purpose": purpose.label,
        "regime": purpose.regime,
        "reason": reason,
        "reason_given_at": timezone.now().isoformat(timespec="seconds"),
    }
    request.session[SESSION_KEY] = reasons
    access_reasons_var.set({int(k): v for k, v in reasons.items()})


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


class AccessReasonMiddleware:
    """Makes the session's reasons visible to audit.services.log_access, and turns AccessReasonRequired into a
    redirect to the question (with the page the user asked for as `next`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        stored = session.get(SESSION_KEY) if session is not None else None
        token = access_reasons_var.set({int(k): v for k, v in stored.items()} if stored else None)
        try:
            return self.get_response(request)
        finally:
            access_reasons_var.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, AccessReasonRequired):
            url = reverse("casework:case_access_reason", args=[exception.reference])
            return redirect(f"{url}?{urlencode({'next': exception.next_url})}")
        return None

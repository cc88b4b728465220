"""The client's address, as our own proxies saw it: one answer for sign-in throttling (django-axes), the
public form's rate limit and the audit log.

X-Forwarded-For is a list each proxy appends to; only the entries added by proxies we run can be believed
(anything to their left is whatever the client sent). With TRUSTED_PROXY_COUNT proxies in front of the app,
the client is the entry that many places from the right. With none (the default), REMOTE_ADDR. A missing,
short or malformed header falls back to REMOTE_ADDR rather than trusting anything else.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR") or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    header = request.META.get(getattr(settings, "TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR"), "")
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote

"""Rate limiting for the public application form, on Django's cache, keyed by the client's address.

The address is the real client's (common/client_ip.py, the same trusted-proxy rule as sign-in throttling).
A fixed window per bucket: POSTS counts every answer posted on the public pages, SUBMISSIONS every
attempt to submit a finished application. Limits and the window are configuration
(TRIGGERS["RATE_LIMIT"]). With several app servers, point the default cache at a shared store (Redis,
Memcached or the database cache) so the count is shared.
"""

from django.core.cache import cache

from common.client_ip import client_ip

from . import conf


def allow(request, bucket: str) -> bool:
    """Count one hit for this client in `bucket`; False once the bucket's limit is exceeded."""
    limits = conf.get("RATE_LIMIT")
    limit = int(limits[bucket])
    window = int(limits["WINDOW_SECONDS"])
    key = f"triggers:ratelimit:{bucket}:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit

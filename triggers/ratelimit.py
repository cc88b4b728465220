"""Rate limiting for the public application form, on Django's cache, keyed by the client's address.

A fixed window per bucket: POSTS counts every answer posted on the public pages, SUBMISSIONS every
attempt to submit a finished application. Limits and the window are configuration
(TRIGGERS["RATE_LIMIT"]). With several app servers, point the default cache at a shared store (Redis,
Memcached or the database cache) so the count is shared.
"""

from django.core.cache import cache

from . import conf


def client_ip(request) -> str:
    """The client's address from the configured META key (REMOTE_ADDR unless a trusted proxy sets another)."""
    meta_key = conf.get("RATE_LIMIT")["CLIENT_IP_META"]
    value = request.META.get(meta_key) or request.META.get("REMOTE_ADDR") or "unknown"
    return value.split(",")[0].strip()[:64]


def allow(request, bucket: str) -> bool:
    """Count one hit for this client in `bucket`; False once the bucket's limit is exceeded."""
    limits = conf.get("RATE_LIMIT")
    limit = int(limits[bucket])
    window = int(limits["WINDOW_SECONDS"])
    key = f"triggers:ratelimit:{bucket}:{client_ip(request)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit

"""The sign-in page, with a ceiling on wrong passwords per client address across all usernames.

django-axes locks one username from one address (so a shared office address never locks everyone out);
password spraying (one guess at many usernames) is limited here instead: more than
SIGN_IN_FAILURES_PER_ADDRESS wrong passwords from one client address within an hour answer 429 until the
hour is over. Counted in the shared Django cache, keyed by the real client address (common/client_ip.py).
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.shortcuts import render

from common.client_ip import client_ip

WINDOW_SECONDS = 3600


def _key(request) -> str:
    return f"signin:failures:{client_ip(request) or 'unknown'}"


def _limit() -> int:
    return int(getattr(settings, "SIGN_IN_FAILURES_PER_ADDRESS", 50))


@receiver(user_login_failed, dispatch_uid="signin_count_failures_per_address")
def count_failure(sender, credentials=None, request=None, **kwargs):
    if request is None:
        return
    key = _key(request)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if self._over_limit(request):
            return render(request, "axes/lockout.html", status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200 and self._over_limit(request):  # this failure reached the ceiling
            return render(request, "axes/lockout.html", status=429)
        return response

    @staticmethod
    def _over_limit(request) -> bool:
        return (cache.get(_key(request)) or 0) >= _limit()

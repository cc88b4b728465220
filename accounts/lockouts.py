"""Sign-in lockouts an administrator can see and clear (mounted at /accounts/lockouts/).

django-axes locks a username from one client address after AXES_FAILURE_LIMIT wrong passwords. After
checking who is asking, an administrator (the role holding axes.delete_accessattempt) unlocks it here;
each unlock is written to the access log (audit.services) with who did it.
"""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.objects import ObjectType
from audit.services import log_access
from casework.access import agency_of
from common.permissions import require

PERMISSION = "axes.delete_accessattempt"


def current_lockouts() -> QuerySet[AccessAttempt]:
    """Attempts at or over the limit whose cool-off has not yet run out, newest first."""
    since = timezone.now() - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


@transaction.atomic
def unlock(*, attempt: AccessAttempt, by) -> str:
    """Clear one lockout (that username from that address) and log who did it."""
    label = f"{attempt.username} from {attempt.ip_address}"
    log_access(
        user=by,
        agency=getattr(agency_of(by), "name", ""),
        action="change",
        object_type=ObjectType.SIGN_IN_LOCKOUT,
        object_id=attempt.pk,
        object_label=f"Unlocked {label}",
        details={
            "username": attempt.username,
            "ip_address": attempt.ip_address,
            "failures": attempt.failures_since_start,
        },
    )
    attempt.delete()
    return attempt.username


def _administrator_only(request) -> None:
    require(request.user, PERMISSION, "Only administrators can unlock accounts")


def lockout_list(request):
    _administrator_only(request)
    context = {"lockouts": current_lockouts(), "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "account/lockouts.html", context)


@require_POST
def lockout_unlock(request, attempt_id: int):
    _administrator_only(request)
    attempt = get_object_or_404(AccessAttempt, pk=attempt_id)
    username = unlock(attempt=attempt, by=request.user)
    messages.success(request, f"{username} can sign in again")
    return redirect("lockouts")


urlpatterns = [
    path("", lockout_list, name="lockouts"),
    path("<int:attempt_id>/unlock/", lockout_unlock, name="lockout_unlock"),
]

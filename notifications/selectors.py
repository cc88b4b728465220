"""Reads for the notification screens: a user's own notifications only, and the delivery log for administrators."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from casework import access
from common.lookups import filter_given

from .models import MEMBER_OF_PUBLIC_EVENTS, Delivery, Notification


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first (no one else's, whoever asks)."""
    return Notification.objects.filter(user=user).select_related("case").order_by("-created_at", "-id")


def with_links(notifications, *, user: User) -> list[Notification]:
    """Set `link` on each notification of a page: its URL, or nothing when it is about a case the user can no
    longer see (a revoked share). One query for the whole page."""
    notifications = list(notifications)
    case_ids = {n.case_id for n in notifications if n.case_id}
    visible = set()
    if case_ids:
        visible = set(access.visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))
    for notification in notifications:
        if notification.case_id and notification.case_id not in visible:
            notification.link = ""
        else:
            notification.link = notification.url
    return notifications


def delivery_log(*, status: str = "", channel: str = "", event: str = "", q: str = "") -> QuerySet[Delivery]:
    deliveries = Delivery.objects.select_related("user", "agency").order_by("-created_at", "-id")
    deliveries = filter_given(deliveries, status=status, channel=channel, event=event)
    if q:  # a member of the public's address is never searchable (models.MEMBER_OF_PUBLIC_EVENTS)
        deliveries = deliveries.filter(recipient__icontains=q.strip()).exclude(event__in=MEMBER_OF_PUBLIC_EVENTS)
    return deliveries

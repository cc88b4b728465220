"""Notification screens: a user's own notifications and preferences; the delivery log for administrators."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from casework import access
from casework.errors import CaseworkError

from . import selectors, services
from .forms import DeliveryFilterForm, PreferenceForm
from .models import Delivery, EmailFrequency, NotificationPreference

PAGE_SIZE = 25
DELIVERY_LOG_PERMISSION = "notifications.view_delivery"


def notification_list(request):
    page = Paginator(selectors.notifications_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    notifications = selectors.with_links(page.object_list, user=request.user)
    return render(request, "notifications/list.html", {"page_obj": page, "notifications": notifications})


@require_POST
def mark_read(request):
    """Mark one notification read (`notification` in the form) or all of them; only the user's own."""
    ids = request.POST.getlist("notification")
    try:
        ids = [int(i) for i in ids] if ids else None
    except ValueError as error:
        raise Http404 from error
    count = services.mark_read(user=request.user, notification_ids=ids)
    if ids is None:
        messages.success(request, "All your notifications are marked as read.")
    elif count == 0 and ids:
        raise Http404("No such notification of yours")
    return redirect("notifications:list")


def preferences(request):
    pref = NotificationPreference.objects.filter(user=request.user).first()
    initial = {
        "email_frequency": pref.email_frequency if pref else EmailFrequency.IMMEDIATELY,
        "mobile_number": pref.mobile_number if pref else "",
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:list")
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(request.user.email)})


def _require_log_reader(user) -> None:
    access.require(user, DELIVERY_LOG_PERMISSION, "Only administrators can read the delivery log")


def delivery_log(request):
    _require_log_reader(request.user)
    form = DeliveryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    deliveries = selectors.delivery_log(**{k: v for k, v in filters.items() if v})
    page = Paginator(deliveries, 50).get_page(request.GET.get("page"))
    log_access(
        user=request.user,
        agency=str(access.agency_of(request.user) or ""),
        action=AccessAction.LIST,
        object_type=ObjectType.DELIVERY_LOG,
        object_label="Delivery log",
        details={"filters": {k: v for k, v in filters.items() if v}, "page": page.number},
        path=request.path,
    )
    return render(request, "notifications/delivery_log.html", {"page_obj": page, "form": form})


def delivery_detail(request, delivery_id: int):
    _require_log_reader(request.user)
    delivery = Delivery.objects.select_related("user", "agency").filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery")
    log_access(
        user=request.user,
        agency=str(access.agency_of(request.user) or ""),
        action=AccessAction.VIEW,
        object_type=ObjectType.DELIVERY,
        object_id=delivery.pk,
        object_label=f"Delivery {delivery.pk} to {delivery.shown_recipient}",
        path=request.path,
    )
    return render(request, "notifications/delivery_detail.html", {"delivery": delivery})


@require_POST
def delivery_retry(request, delivery_id: int):
    _require_log_reader(request.user)
    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        raise Http404("No such delivery")
    try:
        services.retry_delivery(delivery=delivery, by=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The message is queued to be sent again.")
    return redirect("notifications:delivery_detail", delivery_id=delivery.pk)

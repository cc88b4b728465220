"""How a Delivery leaves the building: Django's email backend (SMTP by default), or GOV.UK Notify for email and
SMS when NOTIFY_API_KEY is set. Each returns (provider, provider reference) or raises on failure."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .models import Channel, Delivery


def notify_configured() -> bool:
    return bool(settings.NOTIFICATIONS["NOTIFY_API_KEY"])


def notify_client():
    from notifications_python_client.notifications import NotificationsAPIClient

    return NotificationsAPIClient(
        settings.NOTIFICATIONS["NOTIFY_API_KEY"], base_url=settings.NOTIFICATIONS["NOTIFY_BASE_URL"]
    )


def send(delivery: Delivery) -> tuple[str, str]:
    if delivery.channel == Channel.SMS:
        return _notify_sms(delivery)
    if notify_configured() and settings.NOTIFICATIONS["NOTIFY_EMAIL_TEMPLATE_ID"]:
        return _notify_email(delivery)
    return _smtp(delivery)


def _smtp(delivery: Delivery) -> tuple[str, str]:
    connection = get_connection(fail_silently=False)
    message = EmailMessage(delivery.subject, delivery.body, None, [delivery.recipient], connection=connection)
    message.extra_headers["X-Casework-Delivery"] = str(delivery.pk)
    message.send(fail_silently=False)
    return "smtp", ""


def _notify_email(delivery: Delivery) -> tuple[str, str]:
    """The Notify template holds `((subject))` and `((body))`; Notify adds nothing of ours to it."""
    response = notify_client().send_email_notification(
        email_address=delivery.recipient,
        template_id=settings.NOTIFICATIONS["NOTIFY_EMAIL_TEMPLATE_ID"],
        personalisation={"subject": delivery.subject, "body": delivery.body},
        reference=f"delivery-{delivery.pk}",
    )
    return "notify", str(response.get("id", ""))


def _notify_sms(delivery: Delivery) -> tuple[str, str]:
    if not notify_configured():
        raise RuntimeError("Text messages need GOV.UK Notify: set NOTIFY_API_KEY")
    response = notify_client().send_sms_notification(
        phone_number=delivery.recipient,
        template_id=settings.NOTIFICATIONS["NOTIFY_SMS_TEMPLATE_ID"],
        personalisation={"body": delivery.body},
        reference=f"delivery-{delivery.pk}",
    )
    return "notify", str(response.get("id", ""))

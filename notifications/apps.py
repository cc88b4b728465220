from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from audit.verification import register_failure_handler
        from casework.extensions import register_event_handler

        from .events import audit_verification_failed, handle

        register_event_handler(handle)
        register_failure_handler(audit_verification_failed)

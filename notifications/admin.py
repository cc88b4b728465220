"""Agency mailboxes and personal preferences (accounts and reference data). The delivery log has its own
screen (/notifications/deliveries/), and the job queue's rows stay out of the admin: the admin site is for
accounts and reference data only (issue #22)."""

from django.contrib import admin

from common.admin import HistoryAdmin

from .models import AgencyMailbox, NotificationPreference


@admin.register(AgencyMailbox)
class AgencyMailboxAdmin(HistoryAdmin):
    list_display = ("agency", "email")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_frequency")
    list_filter = ("email_frequency",)
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


def _unregister_job_queue() -> None:
    from django_tasks_db.models import DBTaskResult

    if admin.site.is_registered(DBTaskResult):
        admin.site.unregister(DBTaskResult)


_unregister_job_queue()

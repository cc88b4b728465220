from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import AgencyMailbox, Delivery, DeliveryStatus, NotificationPreference


@admin.register(AgencyMailbox)
class AgencyMailboxAdmin(SimpleHistoryAdmin):
    list_display = ("agency", "email")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_frequency")
    list_filter = ("email_frequency",)
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The delivery log, read-only; parked messages can be sent again (also from /notifications/deliveries/)."""

    list_display = ("created_at", "event", "channel", "recipient", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "event")
    search_fields = ("recipient",)
    actions = ["send_again"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed messages again")
    def send_again(self, request, queryset):
        count = 0
        for delivery in queryset.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.RETRYING]):
            services.retry_delivery(delivery=delivery, by=request.user)
            count += 1
        self.message_user(request, f"{count} message(s) queued to be sent again.", messages.SUCCESS)

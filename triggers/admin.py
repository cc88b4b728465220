"""Django admin: Community Trigger applications, read-only and only those the administrator may see.

Applications are worked on in the service's own screens (with their state machine and history); the
admin is for looking records up. Local rules (threshold, deadlines) are settings: triggers/conf.py.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Application
from .selectors import visible_applications


@admin.register(Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "status", "channel", "owner_agency", "received_at", "next_due")
    list_filter = ("status", "channel")
    search_fields = ("reference",)
    list_select_related = ("owner_agency",)

    def get_queryset(self, request):
        return visible_applications(request.user).select_related("owner_agency")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

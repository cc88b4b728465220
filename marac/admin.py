"""Admin for administrators: meetings and their invitations. Case-linked MARAC records are read-only and
limited to the cases casework.access lets the administrator see."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from casework import access

from .models import Attendance, CaseReview, Meeting, PanelEntry, PanelListNotification, Referral


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ()


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("date", "scheduled_for", "start_time", "venue", "status", "chair")
    list_filter = ("status",)
    date_hierarchy = "date"
    inlines = [AttendanceInline]
    readonly_fields = (
        "status",
        "published_at",
        "published_by",
        "held_at",
        "minutes_approved_at",
        "minutes_approved_by",
    )


@admin.register(PanelListNotification)
class PanelListNotificationAdmin(SimpleHistoryAdmin):
    list_display = ("meeting", "agency", "sent", "attempted_at")
    list_filter = ("sent",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseLinkedReadOnly(SimpleHistoryAdmin):
    """Only rows on cases the administrator may see; never added, changed or deleted here."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=access.visible_cases(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Referral)
class ReferralAdmin(CaseLinkedReadOnly):
    list_display = ("case", "referring_agency", "referred_at", "status", "is_repeat")
    list_filter = ("status", "is_repeat")
    list_select_related = ("case", "referring_agency")


@admin.register(PanelEntry)
class PanelEntryAdmin(CaseLinkedReadOnly):
    list_display = ("meeting", "case", "reason", "risk_level")
    list_select_related = ("meeting", "case")


@admin.register(CaseReview)
class CaseReviewAdmin(CaseLinkedReadOnly):
    list_display = ("meeting", "case", "next_step", "is_new")
    list_select_related = ("meeting", "case")

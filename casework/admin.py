"""Django admin for administrators: reference data, agencies and memberships. Cases go through access.py."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import access
from .models import Agency, Case, Membership, Ward


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "short_name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "agency", "job_title")
    list_filter = ("agency",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


@admin.register(Ward)
class WardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code")


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    """Read-only, and only the cases casework.access lets this administrator see."""

    list_display = ("reference", "title", "status", "lead_agency", "opened_at")
    list_filter = ("status", "category")
    search_fields = ("reference",)
    list_select_related = ("lead_agency",)

    def get_queryset(self, request):
        return access.visible_cases(request.user).select_related("lead_agency")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Sign-in security per role (config/two_factor.py) ---
from .models import RoleSecurityPolicy  # noqa: E402


@admin.register(RoleSecurityPolicy)
class RoleSecurityPolicyAdmin(SimpleHistoryAdmin):
    """Administrators choose which role groups must sign in with a code from an authenticator app."""

    list_display = ("group", "require_two_factor")
    list_filter = ("require_two_factor",)
    search_fields = ("group__name",)

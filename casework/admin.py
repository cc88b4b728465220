"""Django admin for administrators: accounts, agencies, memberships, wards, sign-in policy and the signposting decision.

Never case data: cases and everything hanging off them are worked on in the service's screens, through
casework.access, with every read logged. Administrators here cannot make superusers, change what a role
may do (casework/roles.py decides that) or read anyone's authenticator key.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin as OTPTOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.admin import HistoryAdmin

from . import signposting
from .errors import NotAllowed
from .models import Agency, Membership, RoleSecurityPolicy, SignpostingDecision, Ward


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ("name", "short_name", "kind", "is_active", "records_costs")
    list_filter = ("kind", "is_active", "records_costs")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ("user", "agency", "job_title")
    list_filter = ("agency",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    raw_id_fields = ("user",)


@admin.register(Ward)
class WardAdmin(HistoryAdmin):
    list_display = ("name", "code")


@admin.register(RoleSecurityPolicy)
class RoleSecurityPolicyAdmin(HistoryAdmin):
    """Administrators choose which role groups must sign in with a code from an authenticator app."""

    list_display = ("group", "require_two_factor")
    list_filter = ("require_two_factor",)
    search_fields = ("group__name",)


# --- Accounts ---

admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


@admin.register(User)
class AccountAdmin(UserAdmin):
    """Users and their role groups. Only a superuser sees or grants superuser status or raw permissions,
    and only a superuser changes a superuser's account (else an administrator could take it over)."""

    def get_queryset(self, request):
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Role groups are read here; their permissions come from casework/roles.py at every migrate."""


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(OTPTOTPDeviceAdmin):
    """Who has an authenticator app; an administrator deletes one when its phone is lost. The key is never
    shown (no config or QR code page), and apps are paired by their owners on the set-up page."""

    readonly_fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def get_list_display(self, request):
        return ["user", "name", "created_at", "last_used_at", "confirmed"]

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["user", "name", "confirmed", "created_at", "last_used_at"]})]

    def get_urls(self):
        return admin.ModelAdmin.get_urls(self)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SignpostingDecisionForm(forms.ModelForm):
    """The partnership board's decision on signposting; checked by the same rules the service applies."""

    legal_basis = forms.ChoiceField(
        required=False, help_text="The lawful basis each signpost is disclosed under (required to switch it on)."
    )

    class Meta:
        model = SignpostingDecision
        fields = ["enabled", "legal_basis", "purpose", "decided_on", "decision_reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = signposting.legal_basis_choices(on=timezone.localdate())
        self.fields["legal_basis"].choices = [("", "Choose a lawful basis"), *choices]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            signposting.check_decision(
                enabled=data.get("enabled", False),
                legal_basis=data.get("legal_basis") or "",
                purpose=data.get("purpose") or "",
                decided_on=data.get("decided_on"),
                decision_reference=data.get("decision_reference") or "",
            )
        except NotAllowed as error:
            raise forms.ValidationError(str(error)) from error
        return data


@admin.register(SignpostingDecision)
class SignpostingDecisionAdmin(HistoryAdmin):
    """Signposting across agencies is off until an administrator records the board's decision here (decision
    0016). Each decision is a new row; the latest is in force. Rows are never changed or deleted."""

    form = SignpostingDecisionForm
    list_display = ("__str__", "enabled", "legal_basis", "decided_on", "recorded_by", "recorded_at")
    readonly_fields = ("recorded_by", "recorded_at")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        decision = signposting.record_decision(
            enabled=form.cleaned_data.get("enabled", False),
            legal_basis=form.cleaned_data.get("legal_basis") or "",
            purpose=form.cleaned_data.get("purpose") or "",
            decided_on=form.cleaned_data["decided_on"],
            decision_reference=form.cleaned_data["decision_reference"],
            by=request.user,
        )
        obj.pk = decision.pk  # the admin's "added" message and redirect name the row the service wrote

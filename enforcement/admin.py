"""Django admin: administrators keep the offence codes; PSPOs (public orders) are shown read-only.

Notices, warnings and orders hang off cases: they are never in the admin (tests/security/test_admin_site.py);
they are worked on in the screens, through services.py, so every statutory rule holds.
"""

from django import forms
from django.contrib import admin, messages

from casework.errors import CaseworkError
from common.admin import HistoryAdmin

from . import selectors, services
from .models import OffenceCode, PSPOCondition, PublicSpacesProtectionOrder

# What a code costs and for how long: edited in the form and listed in the admin's table.
OFFENCE_CODE_TERMS = (
    "full_amount",
    "early_payment_amount",
    "early_payment_days",
    "payment_days",
    "effective_from",
    "effective_to",
)


class OffenceCodeForm(forms.ModelForm):
    class Meta:
        model = OffenceCode
        fields = ["code", "statute", "description", *OFFENCE_CODE_TERMS]

    def clean(self):
        data = super().clean()
        names = [f.name for f in OffenceCode._meta.concrete_fields if f.name != "id"]
        candidate = OffenceCode(pk=self.instance.pk, **{name: data.get(name) for name in names})
        problems = services.offence_code_problems(candidate)
        if problems:
            raise forms.ValidationError(problems)
        return data


@admin.register(OffenceCode)
class OffenceCodeAdmin(HistoryAdmin):
    """Amounts and payment periods per code; a change in law is a new row with a later date of effect."""

    form = OffenceCodeForm
    list_display = ("code", "description", *OFFENCE_CODE_TERMS)
    list_filter = ("effective_to",)
    search_fields = ("code", "description")

    def save_model(self, request, obj, form, change):
        try:
            services.save_offence_code(offence=obj, by=request.user)
        except CaseworkError as error:  # the form's clean already showed it; never save a bad row
            messages.error(request, str(error))


class ReadOnlyAdmin(HistoryAdmin):
    """Shown to administrators; changed only through the screens' services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PSPOConditionInline(admin.TabularInline):
    model = PSPOCondition
    extra = 0
    can_delete = False
    readonly_fields = ("number", "text")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PublicSpacesProtectionOrder)
class PSPOAdmin(ReadOnlyAdmin):
    """Orders are made and extended on the PSPO screens, where the 3-year limits are checked."""

    list_display = ("title", "owner_agency", "in_force_from", "expires_on", "status")
    inlines = [PSPOConditionInline]

    def get_queryset(self, request):
        return selectors.pspos_for(request.user)

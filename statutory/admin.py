"""The administrators' screen for commencement dates: each row lists the rules it switches on."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from common.admin import HistoryAdmin

from . import services
from .models import Commencement
from .rules import RULES


class CommencementForm(forms.ModelForm):
    class Meta:
        model = Commencement
        fields = ["commences_on", "regulations"]

    def clean(self):
        data = super().clean()
        if data.get("commences_on") and not (data.get("regulations") or "").strip():
            self.add_error("regulations", "Name the commencement regulations (for example, SI 2027/123)")
        return data


@admin.register(Commencement)
class CommencementAdmin(HistoryAdmin):
    form = CommencementForm
    list_display = ("title", "commences_on", "regulations", "provision")
    readonly_fields = ("key", "title", "provision", "rules_switched_on")
    fields = ("key", "title", "provision", "rules_switched_on", "commences_on", "regulations")

    @admin.display(description="Rules this switches on")
    def rules_switched_on(self, obj):
        rules = [r for r in RULES if r.commencement_key == obj.key]
        return format_html_join("", "<p>{} ({})</p>", ((r.description, r.citation) for r in rules))

    def has_add_permission(self, request):
        return False  # the provisions come from statutory/rules.py through a migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.set_commencement(
            commencement=obj,
            commences_on=form.cleaned_data["commences_on"],
            regulations=form.cleaned_data.get("regulations") or "",
            by=request.user,
        )

"""Filters of the auditor screens (django-filter): a date range and the kind of action on every list."""

import django_filters
from django import forms

from .history import KIND
from .models import AccessAction, AccessLog, Disclosure, DisclosureKind


def _date_filter(field_name: str, lookup: str, label: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup,
        label=label,
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": f"Enter the {label.lower()} as a real date, for example 2026-03-27"},
    )


def _applied(form: forms.Form) -> dict:
    """What the auditor searched for, for the access log: cleaned values, or what was typed if it was invalid."""
    if not form.is_bound:
        return {}
    if form.is_valid():
        return {k: str(v) for k, v in form.cleaned_data.items() if v not in (None, "", [], ())}
    return {k: form.data.get(k) for k in form.fields if form.data.get(k)}


class DateRangeMixin:
    """The summary of applied filters that the access log records."""

    def applied(self) -> dict:
        return _applied(self.form)


def _check_range(form: forms.Form) -> None:
    start, end = form.cleaned_data.get("start"), form.cleaned_data.get("end")
    if start and end and end < start:
        form.add_error("end", "The end date must be the same as or after the start date")


class _RangeForm(forms.Form):
    def clean(self):
        data = super().clean()
        _check_range(self)
        return data


class AccessFilter(DateRangeMixin, django_filters.FilterSet):
    start = _date_filter("at", "date__gte", "From date")
    end = _date_filter("at", "date__lte", "To date")
    action = django_filters.ChoiceFilter(choices=AccessAction.choices, empty_label="Any action")

    class Meta:
        model = AccessLog
        fields = ["start", "end", "action"]
        form = _RangeForm


class DisclosureFilter(DateRangeMixin, django_filters.FilterSet):
    start = _date_filter("at", "date__gte", "From date")
    end = _date_filter("at", "date__lte", "To date")
    action = django_filters.ChoiceFilter(
        field_name="kind", choices=DisclosureKind.choices, empty_label="Any kind", label="Kind"
    )

    class Meta:
        model = Disclosure
        fields = ["start", "end", "action"]
        form = _RangeForm


class ChangeFilterForm(_RangeForm):
    """Changes are diffed in memory (each against the record before it), so they are filtered afterwards."""

    start = forms.DateField(
        required=False,
        label="From date",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": "Enter the from date as a real date, for example 2026-03-27"},
    )
    end = forms.DateField(
        required=False,
        label="To date",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
        error_messages={"invalid": "Enter the to date as a real date, for example 2026-03-27"},
    )
    action = forms.ChoiceField(
        required=False,
        label="Action",
        choices=[("", "Any action"), *[(v, v.capitalize()) for v in KIND.values()]],
    )

    def applied(self) -> dict:
        return _applied(self)

    def apply(self, items: list) -> list:
        if not self.is_bound or not self.is_valid():
            return items
        from django.utils import timezone

        start, end, action = (self.cleaned_data.get(k) for k in ("start", "end", "action"))
        result = []
        for entry in items:
            day = timezone.localtime(entry.when).date()
            if (start and day < start) or (end and day > end) or (action and entry.kind != action):
                continue
            result.append(entry)
        return result

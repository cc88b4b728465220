"""The registers' filters (django-filter): type, status, officer, ward, offence code, date range, overdue."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from casework.models import Ward

from .models import (
    CivilInjunction,
    ClosureNotice,
    ClosureStatus,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CourtOrderStatus,
    CPNStatus,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    FPNStatus,
    OffenceCode,
    PSPOStatus,
    PublicSpacesProtectionOrder,
    WarningStatus,
)

User = get_user_model()

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


def _officers():
    return User.objects.filter(membership__isnull=False, is_active=True).order_by("first_name", "last_name")


def _date_range(field_name: str, noun: str):
    lookup = f"{field_name}__date" if field_name.endswith("_at") else field_name
    return (
        django_filters.DateFilter(
            field_name=lookup, lookup_expr="gte", label=f"{noun} on or after", widget=DATE_WIDGET
        ),
        django_filters.DateFilter(
            field_name=lookup, lookup_expr="lte", label=f"{noun} on or before", widget=DATE_WIDGET
        ),
    )


class RegisterFilter(django_filters.FilterSet):
    """Common to every register: status, officer, ward, a date range and 'overdue only'."""

    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue only", widget=forms.CheckboxInput)

    officer_field = ""
    ward_field = "case__ward"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "officer" in self.filters:
            self.form.fields["officer"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(self.overdue_q()) if value else queryset

    def overdue_q(self) -> Q:
        """Each register says what "overdue" means for its records; a register without one is a coding error."""
        raise TypeError(f"{type(self).__name__} must define overdue_q()")

    def applied(self) -> dict:
        """The filters actually used, for the access log."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {k: str(v) for k, v in self.form.cleaned_data.items() if v not in (None, "", [], (), False)}


def _status(choices):
    return django_filters.ChoiceFilter(choices=choices, empty_label="Any status")


def _officer(field_name: str):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=_officers(), empty_label="Any officer", label="Officer"
    )


def _ward(field_name: str = "case__ward"):
    return django_filters.ModelChoiceFilter(
        field_name=field_name, queryset=Ward.objects.all(), empty_label="Any ward", label="Ward"
    )


class WarningFilter(RegisterFilter):
    status = _status(WarningStatus.choices)
    officer = _officer("served_by")
    ward = _ward()
    served_after, served_before = _date_range("served_at", "Served")

    class Meta:
        model = CommunityProtectionWarning
        fields = ["status", "officer", "ward"]

    def overdue_q(self):
        return Q(status=WarningStatus.SERVED, compliance_deadline__lt=timezone.localdate())


class CPNFilter(RegisterFilter):
    status = _status(CPNStatus.choices)
    officer = _officer("issued_by")
    ward = _ward()
    issued_after, issued_before = _date_range("issued_on", "Issued")

    class Meta:
        model = CommunityProtectionNotice
        fields = ["status", "officer", "ward"]

    def overdue_q(self):
        return Q(status=CPNStatus.IN_FORCE, compliance_deadline__lt=timezone.localdate())


FPN_TYPES = (
    ("street", "On the street (no case)"),
    ("case", "On a case"),
    ("cpn", "CPN breach"),
    ("pspo", "PSPO breach"),
)


class FPNFilter(RegisterFilter):
    type = django_filters.ChoiceFilter(choices=FPN_TYPES, method="filter_type", empty_label="Any type", label="Type")
    status = _status(FPNStatus.choices)
    offence_code = django_filters.ChoiceFilter(
        field_name="offence__code", choices=[], empty_label="Any offence code", label="Offence code"
    )
    officer = _officer("issued_by")
    ward = _ward("ward")
    issued_after, issued_before = _date_range("issued_at", "Issued")

    class Meta:
        model = FixedPenaltyNotice
        fields = ["type", "status", "offence_code", "officer", "ward"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = OffenceCode.objects.order_by("code").values_list("code", "description").distinct()
        self.filters["offence_code"].extra["choices"] = [(c, f"{c} – {d}") for c, d in codes]
        self.form.fields["offence_code"].choices = [("", "Any offence code"), *[(c, f"{c} – {d}") for c, d in codes]]

    def filter_type(self, queryset, name, value):
        return {
            "street": queryset.filter(case__isnull=True),
            "case": queryset.filter(case__isnull=False),
            "cpn": queryset.filter(cpn_breach__isnull=False),
            "pspo": queryset.filter(pspo_breach__isnull=False),
        }.get(value, queryset)

    def overdue_q(self):
        return Q(status=FPNStatus.ISSUED, payment_due__lt=timezone.localdate())


class ClosureFilter(RegisterFilter):
    status = _status(ClosureStatus.choices)
    officer = _officer("served_by")
    ward = _ward()
    served_after, served_before = _date_range("served_at", "Served")

    class Meta:
        model = ClosureNotice
        fields = ["status", "officer", "ward"]

    def overdue_q(self):
        return Q(status=ClosureStatus.IN_FORCE, hearing_deadline__lt=timezone.now())


class CourtOrderFilter(RegisterFilter):
    status = _status(CourtOrderStatus.choices)
    ward = _ward()
    youth = django_filters.BooleanFilter(
        field_name="is_youth", method="filter_youth", label="Under 18 only", widget=forms.CheckboxInput
    )
    made_after, made_before = _date_range("made_on", "Made")

    def filter_youth(self, queryset, name, value):
        return queryset.filter(is_youth=True) if value else queryset

    def overdue_q(self):
        return Q(next_review_on__lt=timezone.localdate())


class CBOFilter(CourtOrderFilter):
    class Meta:
        model = CriminalBehaviourOrder
        fields = ["status", "ward"]


class InjunctionFilter(CourtOrderFilter):
    class Meta:
        model = CivilInjunction
        fields = ["status", "ward"]


class PSPOFilter(django_filters.FilterSet):
    status = _status(PSPOStatus.choices)

    class Meta:
        model = PublicSpacesProtectionOrder
        fields = ["status"]

    def applied(self) -> dict:
        return {}

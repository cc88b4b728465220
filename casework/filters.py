"""The case list's filters (django-filter); the free-text search goes through selectors.search_cases."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.forms.models import ModelChoiceIteratorValue
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from common.compiled_sql import ShapedQuery

from . import access, selectors
from .calendar import day_bounds
from .models import Agency, Case, CaseCategory, CaseStatus, Membership, RiskLevel, Ward

User = get_user_model()

NEWEST_FIRST = ("-opened_at", "-id")

#: The keyset each sort order pages on: the sort column, then newest first, ending on the unique id.
KEYSET_ORDERINGS = {
    "opened": ("opened_at", "id"),
    "-opened": NEWEST_FIRST,
    "reference": ("reference", "id"),
    "-reference": ("-reference", "-id"),
    **{
        f"{sign}{name}": (f"{sign}{column}", *NEWEST_FIRST)
        for name, column in (("status", "status"), ("risk", "risk_level"), ("ward", "ward__name"))
        for sign in ("", "-")
    },
}


def _officers():
    """Everyone who is a member of an agency, by name: the officer drop-down's rows (narrowed to one agency's)."""
    return User.objects.filter(membership__isnull=False).order_by("first_name", "last_name")


#: The drop-downs' querysets by name, with the model field each value is compared with: `CaseFilter` names the one a
#: drop-down shows, and `_CHOICE_ROWS` runs its `values_list` compiled once per thread (issue 23).
_CHOICE_SOURCES = {
    "wards": (lambda: Ward.objects.all(), ()),
    "agencies": (lambda: Agency.objects.all(), ()),
    "officers": (_officers, ()),
    "agency officers": (
        lambda agency_id: _officers().filter(membership__agency=agency_id),
        (Membership._meta.get_field("agency"),),
    ),
}


def _choice_rows(shape, *values):
    source, key, columns = shape
    return _CHOICE_SOURCES[source][0](*values).values_list(key, *columns)


_CHOICE_ROWS = ShapedQuery(_choice_rows)


def _source(name: str, *values) -> dict:
    """A drop-down filter's queryset and the name of its source, from one place so that they cannot differ."""
    return {"queryset": _CHOICE_SOURCES[name][0](*values), "choice_source": (name, values)}


class _RowChoiceIterator(ModelChoiceIterator):
    """The drop-down's options from the columns its labels need (`values_list`), not from model instances: the same
    query, the same options, a third of the Python time (docs/performance.md, fifth round). Read in one fetch, not
    through `.iterator()`: on PostgreSQL that is a server-side cursor, three round trips (DECLARE, FETCH, CLOSE) for
    a list of a few dozen rows."""

    def __iter__(self):
        # django-filter's iterator adds the null choice (none here) around Django's, which would load instances
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        key = self.field.to_field_name or "pk"
        for value, *columns in self.field.choice_rows(key):
            yield ModelChoiceIteratorValue(value, None), self.field.label_from_row(*columns)


class NameChoiceField(ModelChoiceField):
    """A model choice labelled by its `name`, as Ward's and Agency's __str__ label them
    (tests/casework/test_case_filter_choices.py)."""

    iterator = _RowChoiceIterator
    label_columns: tuple[str, ...] = ("name",)
    #: Which of `_CHOICE_SOURCES` the queryset is, and its values (`_source`); forgotten when the queryset is
    #: replaced. The ORM compiled the same few statements on every list request: 0.1–0.3 ms of CPU each.
    choice_source: tuple[str, tuple] | None = None

    def __init__(self, *args, choice_source: tuple[str, tuple] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_source = choice_source

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)  # the queryset's copy (`.all()`) is the same statement
        result.choice_source = self.choice_source
        return result

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.choice_source = None

    queryset = property(ModelChoiceField._get_queryset, _set_queryset)  # type: ignore[assignment]

    def choice_rows(self, key: str) -> list[tuple]:
        """`queryset.values_list(key, *label_columns)`'s rows, through the compiled statement when it is one of
        `_CHOICE_SOURCES` (the same SQL: tests/casework/test_case_filter_choices.py)."""
        if self.choice_source is None:
            return list(self.queryset.values_list(key, *self.label_columns))
        source, values = self.choice_source
        return _CHOICE_ROWS.rows(
            (source, key, self.label_columns), _CHOICE_SOURCES[source][1], values, using=self.queryset.db
        )

    def label_from_row(self, name: str) -> str:
        return name


class OfficerChoiceField(NameChoiceField):
    """An officer labelled by full name, or username when there is none."""

    label_columns = ("first_name", "last_name", "username")

    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()

    def label_from_row(self, first_name: str, last_name: str, username: str) -> str:  # type: ignore[override]
        return f"{first_name} {last_name}".strip() or username  # User.get_full_name, get_username


class NameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = NameChoiceField


class OfficerChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = OfficerChoiceField


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Reference, name, address or postcode", method="search")
    # distinct=False: the filter joins nothing, and a DISTINCT would make the database sort every match
    status = django_filters.MultipleChoiceFilter(
        choices=CaseStatus.choices, widget=forms.CheckboxSelectMultiple, distinct=False
    )
    category = django_filters.ChoiceFilter(choices=CaseCategory.choices, empty_label="Any category")
    ward = NameChoiceFilter(**_source("wards"), empty_label="Any ward")
    lead_agency = NameChoiceFilter(**_source("agencies"), empty_label="Any agency")
    officer = OfficerChoiceFilter(**_source("officers"), empty_label="Any officer")
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices[1:], empty_label="Any risk level")
    opened_after = django_filters.DateFilter(
        field_name="opened_at",
        method="opened_on_or_after",
        label="Opened on or after",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
    )
    opened_before = django_filters.DateFilter(
        field_name="opened_at",
        method="opened_on_or_before",
        label="Opened on or before",
        widget=forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}),
    )
    sort = django_filters.OrderingFilter(
        fields=(
            ("opened_at", "opened"),
            ("reference", "reference"),
            ("status", "status"),
            ("risk_level", "risk"),
            ("ward__name", "ward"),
        ),
        field_labels={"opened": "Opened", "reference": "Reference", "status": "Status", "risk": "Risk", "ward": "Ward"},
        empty_label="Newest first",
    )

    class Meta:
        model = Case
        fields = ["q", "status", "category", "ward", "lead_agency", "officer", "risk_level"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "sort" in self.form.fields:  # the API's filter has no sort field
            sort = self.form.fields["sort"]
            sort.label = "Sort by"
            sort.widget.attrs["class"] = "govuk-select"  # django-filter's CSV widget is not one crispy-forms styles
        officer = self.form.fields["officer"]
        if not isinstance(officer, OfficerChoiceField):  # the API's officer filter (by username), its browsable form
            officer.label_from_instance = lambda u: u.get_full_name() or u.get_username()
        agency = access.agency_of(user) if user is not None else None
        if agency is not None and not access.sees_all_cases(user):
            everyone = getattr(officer, "choice_source", None) == ("officers", ())
            officer.queryset = officer.queryset.filter(membership__agency=agency)
            if everyone:  # the same narrowing, as the compiled source
                officer.choice_source = ("agency officers", (agency.pk,))

    def get_form_class(self):
        """The form class, built once for each filter set class: django-filter builds a class (and every field) a
        request. Each form still gets its own copies of the fields (Form.__init__), which __init__ then adjusts."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    def keyset_ordering(self) -> tuple[str, ...]:
        """The columns the list pages on, for the sort order chosen (newest first unless one is valid)."""
        if self.is_bound and self.form.is_valid():
            for choice in self.form.cleaned_data.get("sort") or ():
                return KEYSET_ORDERINGS.get(choice, NEWEST_FIRST)
        return NEWEST_FIRST

    # Whole local days as a datetime range: the opened_at index serves it, where `__date` would scan.
    def opened_on_or_after(self, queryset, name, value):
        return queryset.filter(opened_at__gte=day_bounds(value, value)[0])

    def opened_on_or_before(self, queryset, name, value):
        return queryset.filter(opened_at__lt=day_bounds(value, value)[1])

    def search(self, queryset, name, value):
        return selectors.search_cases(queryset, user=self.user, text=value)

    def applied(self) -> dict:
        """The filters actually used, for the access log (what was searched, not what was shown)."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {k: str(v) for k, v in self.form.cleaned_data.items() if v not in (None, "", [], ())}

from django import forms
from django.utils import timezone

from casework.models import Agency, Person

from .lawful_bases import in_force
from .models import ComplaintOutcome, ComplaintStatus, LawfulBasis, Regime, SarDecision


class IsoDateInput(forms.DateInput):
    """The browser's date picker: it reads and writes ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, initial=timezone.localdate, widget=IsoDateInput(), **kwargs)


class PersonNumberField(forms.IntegerField):
    """A person's record number, cleaned to the Person it names (None when left blank and not required)."""

    def __init__(self, label: str, **kwargs):
        super().__init__(label=label, min_value=1, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        if not pk:
            return None
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            raise forms.ValidationError("No person has this record number")
        return person


class SarReceiveForm(forms.Form):
    person = PersonNumberField("Record number of the person the request is about")
    requester_name = forms.CharField(label="Who made the request", max_length=200)
    received_on = _date("Date received")


class IdentityForm(forms.Form):
    checked_on = _date("Date identity was checked")
    evidence = forms.CharField(label="How identity was checked", max_length=200)


class PauseForm(forms.Form):
    paused_on = _date("Date the requester was asked to clarify")
    question = forms.CharField(label="What they were asked", widget=forms.Textarea(attrs={"rows": 3}))


class ResumeForm(forms.Form):
    resumed_on = _date("Date the clarification arrived")


class ExtendForm(forms.Form):
    extended_on = _date("Date of the decision to extend")
    reason = forms.CharField(label="Why the request is complex", widget=forms.Textarea(attrs={"rows": 3}))


class SearchesForm(forms.Form):
    searched_on = _date("Date searched")
    searches = forms.CharField(
        label="What was searched",
        help_text="The systems, cases and records searched, and why that is reasonable and proportionate.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=SarDecision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = _date("Date of the decision")


class ComplaintReceiveForm(forms.Form):
    complainant = forms.CharField(label="Complainant", max_length=200)
    person = PersonNumberField("Record number of the person, if known", required=False)
    summary = forms.CharField(label="What the complaint is about", widget=forms.Textarea(attrs={"rows": 4}))
    received_on = _date("Date received")


class AcknowledgeForm(forms.Form):
    acknowledged_on = _date("Date acknowledged")


class InvestigateForm(forms.Form):
    started_on = _date("Date the investigation started")
    investigator = forms.CharField(label="Investigating officer", max_length=200)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=ComplaintOutcome.choices, widget=forms.RadioSelect)
    outcome_on = _date("Date of the outcome")
    summary = forms.CharField(label="Outcome given to the complainant", widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *ComplaintStatus.choices], required=False)
    received_from = forms.DateField(label="Received from", required=False, widget=IsoDateInput())
    received_to = forms.DateField(label="Received to", required=False, widget=IsoDateInput())
    overdue = forms.BooleanField(label="Acknowledgement overdue or late", required=False)


class BasisChoiceField(forms.ModelChoiceField):
    """Each basis with its explanation, shown where it is chosen."""

    def label_from_instance(self, obj):
        return f"{obj.label}: {obj.explanation}"


class DataRequestForm(forms.Form):
    requesting_body = forms.CharField(label="Public body that asked", max_length=200)
    requester = forms.CharField(label="Who asked (name and role)", max_length=200)
    received_on = _date("Date received")
    lawful_basis = BasisChoiceField(
        label="Lawful basis they relied on", queryset=LawfulBasis.objects.none(), widget=forms.RadioSelect
    )
    person = PersonNumberField("Record number of the person, if about one person", required=False)
    requested = forms.CharField(label="What they asked for", widget=forms.Textarea(attrs={"rows": 3}))
    given = forms.CharField(label="What was given", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    refused_reason = forms.CharField(
        label="Why anything was withheld", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decided_on = _date("Date decided")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["lawful_basis"].queryset = LawfulBasis.objects.filter(pk__in=[b.pk for b in in_force(on=today)])


class AgencyPurposeForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), empty_label="Choose an agency")
    purpose = forms.CharField(label="Purpose", max_length=200, help_text="For example, investigating ASB offences")
    regime = forms.ChoiceField(label="Regime", choices=Regime.choices, widget=forms.RadioSelect)
    effective_from = _date("From")

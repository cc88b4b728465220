from django import forms
from django.utils import timezone

from casework.models import Person

from .models import ComplaintOutcome, ComplaintStatus, SarDecision


class IsoDateInput(forms.DateInput):
    """The browser's date picker: it reads and writes ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, initial=timezone.localdate, widget=IsoDateInput(), **kwargs)


class SarReceiveForm(forms.Form):
    person = forms.IntegerField(label="Record number of the person the request is about", min_value=1)
    requester_name = forms.CharField(label="Who made the request", max_length=200)
    received_on = _date("Date received")

    def clean_person(self):
        person = Person.objects.filter(pk=self.cleaned_data["person"]).first()
        if person is None:
            raise forms.ValidationError("No person has this record number")
        return person


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
    person = forms.IntegerField(label="Record number of the person, if known", min_value=1, required=False)
    summary = forms.CharField(label="What the complaint is about", widget=forms.Textarea(attrs={"rows": 4}))
    received_on = _date("Date received")

    def clean_person(self):
        pk = self.cleaned_data.get("person")
        if not pk:
            return None
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            raise forms.ValidationError("No person has this record number")
        return person


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

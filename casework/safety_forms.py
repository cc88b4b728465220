"""Forms for a person's safe contact and do-not-disclose list (casework.safety)."""

from django import forms

from common.forms import text_answer

from .forms import GovUKForm
from .models import Agency, Person


class SafeContactForm(GovUKForm):
    phone_ok = forms.BooleanField(required=False, label="Safe to phone")
    text_ok = forms.BooleanField(required=False, label="Safe to text")
    email_ok = forms.BooleanField(required=False, label="Safe to email")
    letter_ok = forms.BooleanField(required=False, label="Safe to write (letters to their address)")
    visit_ok = forms.BooleanField(required=False, label="Safe to visit")
    no_voicemail = forms.BooleanField(required=False, label="Do not leave voicemail")
    safe_times = forms.CharField(
        required=False,
        max_length=200,
        label="Safe times",
        help_text="For example: weekdays 10am to 2pm, when they are on their own",
        error_messages={"max_length": "Safe times must be 200 characters or fewer"},
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything else about contacting them safely",
        help_text="For example: ask for them by first name only; a support worker can pass on messages",
    )


class DoNotDiscloseForm(GovUKForm):
    withheld_from_person = forms.ModelChoiceField(
        queryset=Person.objects.none(),
        required=False,
        empty_label="No one on this case",
        label="A person on this case",
        help_text="For example the person causing harm, or an ex-partner",
    )
    withheld_from_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, empty_label="No agency", label="Or an agency"
    )
    reason = text_answer(
        "Why must their details not reach them?", "Say why their details must not be disclosed", rows=3, max_length=2000
    )

    def __init__(self, *args, people=None, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["withheld_from_person"].queryset = people
        if agencies is not None:
            self.fields["withheld_from_agency"].queryset = agencies

    def clean(self):
        data = super().clean()
        person, agency = data.get("withheld_from_person"), data.get("withheld_from_agency")
        if person is None and agency is None and not self.errors:
            raise forms.ValidationError("Choose a person or an agency not to disclose to")
        if person is not None and agency is not None:
            raise forms.ValidationError("Choose either a person or an agency, not both: add them one at a time")
        return data


class EndDoNotDiscloseForm(GovUKForm):
    entry = forms.ChoiceField(
        label="Which entry ends?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the entry to end", "invalid_choice": "Choose an entry from the list"},
    )
    reason = text_answer("Why may their details now be disclosed?", "Say why the entry ends", rows=3, max_length=2000)

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [(str(e.pk), f"{e.shown_withheld_from} ({e.reason[:80]})") for e in entries]

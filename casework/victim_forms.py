"""Forms of the victim's journey: contact plan, contact log, progress review (casework/victim.py)."""

from django import forms
from django.utils import timezone

from common.forms import datetime_field, radio_choice, text_answer, yes_no

from .forms import GovUKDateField, GovUKForm
from .models import CaseOutcome, CaseReviewToldBy, ContactChannel, NotDoneReason, VictimConsent


class _PartyChoiceForm(GovUKForm):
    def __init__(self, *args, party_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        parties, label = party_choices or ((), str)
        self.parties = {str(p.pk): p for p in parties}
        self.fields["party"].choices = [("", "Choose the victim"), *[(k, label(p)) for k, p in self.parties.items()]]

    def clean_party(self):
        return self.parties.get(self.cleaned_data["party"])


class ContactPlanForm(_PartyChoiceForm):
    party = forms.ChoiceField(label="Victim", error_messages={"required": "Choose the victim"})
    every_days = forms.IntegerField(
        label="Contact them every (days)",
        min_value=1,
        max_value=90,
        error_messages={"required": "Enter how often they agreed to be contacted, in days"},
    )
    channel = radio_choice(
        "How they want to be contacted", ContactChannel.choices, "Choose how they want to be contacted"
    )
    safe_contact = forms.CharField(
        label="Safe contact (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: no voicemail, not after 6pm, only on their mobile.",
    )
    consents_to_sharing = forms.ChoiceField(
        label="Do they consent to their information being shared with partner agencies?",
        choices=VictimConsent.choices,
        widget=forms.RadioSelect,
        initial=VictimConsent.NOT_ASKED,
    )


class ContactForm(_PartyChoiceForm):
    party = forms.ChoiceField(label="Victim", error_messages={"required": "Choose the victim"})
    contacted_at = datetime_field("When")
    channel = radio_choice("How", ContactChannel.choices, "Choose how they were contacted")
    summary = text_answer("What was said", "Summarise what was said", rows=4)

    def clean_contacted_at(self):
        value = self.cleaned_data["contacted_at"]
        if value and value > timezone.now():
            raise forms.ValidationError("The contact must be now or in the past")
        return value


class ProgressReviewForm(GovUKForm):
    notes = text_answer(
        "What the review found and what happens next", "Say what the review found and what happens next", rows=4
    )


class ActionNotDoneForm(GovUKForm):
    not_done_reason = radio_choice(
        "Why was it not done?",
        NotDoneReason.choices,
        "Choose whether it was not possible or not undertaken",
        help_text="Not possible: it could not be done. Not undertaken: it could have been done but was not.",
    )
    not_done_explanation = text_answer("Explain", "Explain why the action was not done", rows=3)


class CaseReviewExplainedForm(_PartyChoiceForm):
    party = forms.ChoiceField(label="Victim", error_messages={"required": "Choose the victim"})
    told_on = GovUKDateField(label="When were they told?", help_text="For example, 27 3 2027")
    told_by = radio_choice(
        "How were they told?",
        CaseReviewToldBy.choices,
        "Choose letter or email",
        help_text="Use the ASB Case Review letter on the case's Victim page, by post or as the email's text.",
    )


class ClosureForm(GovUKForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome"), *CaseOutcome.choices],
        error_messages={"required": "Choose the outcome"},
    )
    reasons = text_answer(
        "Reasons for closing the case",
        "Give the reasons for closing the case",
        rows=5,
        help_text="What was done, what the victim said, and why nothing more can or needs to be done. The victim "
        "is told the outcome in the closure letter.",
    )


class SignOffForm(GovUKForm):
    decision = radio_choice(
        "Your decision",
        [("approve", "Sign off: close the case"), ("refuse", "Refuse: the case stays open")],
        "Choose whether to sign off the closure",
    )
    notes = forms.CharField(
        label="Notes (needed to refuse)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SurveyForm(GovUKForm):
    satisfaction = forms.TypedChoiceField(
        label="How satisfied are you with how your report was handled?",
        coerce=int,
        choices=[
            (5, "Very satisfied"),
            (4, "Satisfied"),
            (3, "Neither"),
            (2, "Dissatisfied"),
            (1, "Very dissatisfied"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how satisfied you are"},
    )
    kept_informed = yes_no("Were you kept informed while your case was open?", "Choose yes or no")
    comments = forms.CharField(
        label="Anything else you want to tell us (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Please do not include names or addresses.",
    )


class VictimUpdateForm(_PartyChoiceForm):
    party = forms.ChoiceField(label="Victim", error_messages={"required": "Choose the victim"})
    message = text_answer(
        "Your update",
        "Write the update for the victim",
        rows=6,
        help_text="Only what the victim agreed may be said. It goes by the channel in their contact plan, exactly as "
        "you write it: do not name the other people involved.",
    )

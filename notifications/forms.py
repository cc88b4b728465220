from django import forms

from .models import Channel, DeliveryStatus, EmailFrequency, Event


class PreferenceForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label="When should we email you?",
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text="Emails say only what happened and the reference: sign in to see the details. "
        "Reminders of what is due always come in the daily summary.",
    )
    mobile_number = forms.RegexField(
        label="Mobile number for text messages (optional)",
        regex=r"^\+?[0-9 ]{10,16}$",
        required=False,
        help_text="Only used when the council sends text messages through GOV.UK Notify.",
        error_messages={"invalid": "Enter a UK mobile number, like 07700 900 982"},
    )


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *DeliveryStatus.choices], required=False)
    channel = forms.ChoiceField(choices=[("", "Any channel"), *Channel.choices], required=False)
    event = forms.ChoiceField(choices=[("", "Any event"), *Event.choices], required=False)
    q = forms.CharField(label="Recipient", required=False, max_length=100)

"""Form pieces every app shares."""

from django import forms
from django.utils import timezone


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def datetime_field(label: str, **kwargs) -> forms.DateTimeField:
    """A date and time in one browser control, with GOV.UK error messages built from its label."""
    return forms.DateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date and time",
        },
        **kwargs,
    )


def radio_choice(label: str, choices, missing: str, **kwargs) -> forms.ChoiceField:
    """One answer from radio buttons; left unanswered, the error says `missing`."""
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, error_messages={"required": missing}, **kwargs
    )


def text_answer(label: str, missing: str, *, rows: int, max_length: int = 5000, **kwargs) -> forms.CharField:
    """An answer in words, in a text area of `rows` lines; left empty, the error says `missing`."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        error_messages={"required": missing},
        **kwargs,
    )


def yes_no(label: str, missing: str, *, yes: str = "Yes", no: str = "No", **kwargs) -> forms.TypedChoiceField:
    """A yes/no question as radio buttons, cleaned to True or False; left unanswered, the error says `missing`."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("yes", yes), ("no", no)],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": missing},
        **kwargs,
    )


def due_today_or_later(value) -> None:
    """A due date (of an action or a recommendation) is today or later: nobody is set work already overdue."""
    if value < timezone.localdate():
        raise forms.ValidationError("The due date must be today or in the future")


def today_or_earlier(value, message: str):
    """A day that has happened (a birth, a referral, work done): today or before, else `message`."""
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value

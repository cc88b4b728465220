"""Search boxes of the auditor screens, rendered with crispy-forms-gds like the rest of the service."""

from django import forms


class CaseSearchForm(forms.Form):
    reference = forms.CharField(
        label="Case reference",
        max_length=40,
        help_text="For example, ASB-2026-00123",
        error_messages={"required": "Enter a case reference"},
    )


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Person's name or record number",
        max_length=200,
        error_messages={"required": "Enter a name or a record number"},
    )


class UserSearchForm(forms.Form):
    q = forms.CharField(label="User's name or username", max_length=150, required=False)

"""Input validation for casework screens, rendered with the GOV.UK Design System (crispy-forms-gds)."""

import zipfile
from datetime import timedelta

import filetype
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from common.forms import datetime_field, due_today_or_later, radio_choice, text_answer, today_or_earlier

from . import costs, extensions, party_matches, risk, scanning
from .models import (
    ActionStatus,
    Agency,
    CaseCategory,
    CaseOutcome,
    CaseParty,
    CaseStatus,
    EvidenceKind,
    HateCharacteristic,
    LegalBasis,
    PartyRole,
    SpendKind,
    VulnerabilityFlag,
    Ward,
)
from .places import normalise_postcode

User = get_user_model()


class GovUKForm(forms.Form):
    """Every form renders its fields through crispy-forms-gds; the page owns the <form> and the error summary."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for name, field in self.fields.items():
            label = str(field.label or name.replace("_", " ")).removesuffix(" (optional)").lower()
            messages = field.error_messages
            messages.setdefault("required", f"Enter the {label}")
            if messages.get("invalid_choice", "").startswith("Select a valid choice"):
                messages["invalid_choice"] = f"Select the {label} from the list"
            if getattr(field, "max_length", None):
                messages["max_length"] = f"{label.capitalize()} must be {field.max_length} characters or fewer"


class GovUKDateField(DateInputField):
    """GOV.UK day/month/year date input that answers an absurd year with a message, not a server error."""

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except (OverflowError, ValueError) as error:
            raise forms.ValidationError("Enter a real date") from error


def _not_future(value, label: str):
    if value and value > timezone.now() + timedelta(minutes=5):
        raise forms.ValidationError(f"{label} must be today or in the past")
    return value


def officers_of(agency: Agency | None):
    if agency is None:
        return User.objects.none()
    return User.objects.filter(membership__agency=agency, is_active=True).order_by("first_name", "last_name")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class CaseForm(GovUKForm):
    title = forms.CharField(
        max_length=200,
        label="Short title",
        help_text="What officers will recognise, e.g. 'Noise and intimidation at Flat 3'",
        error_messages={"required": "Enter a short title"},
    )
    category = forms.ChoiceField(
        choices=[("", "Choose a category"), *CaseCategory.choices], error_messages={"required": "Choose a category"}
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=10000, error_messages={"required": "Describe the problem"}
    )
    ward = forms.ModelChoiceField(
        queryset=Ward.objects.all(), empty_label="Choose a ward", error_messages={"required": "Choose the ward"}
    )
    address_line1 = forms.CharField(label="Address line 1 (optional)", max_length=200, required=False)
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    uprn = forms.IntegerField(
        label="UPRN (optional)",
        required=False,
        min_value=1,
        max_value=999_999_999_999,
        help_text="The property's Unique Property Reference Number, if known",
        error_messages={"invalid": "Enter the UPRN as a number of up to 12 digits"},
    )
    location_description = forms.CharField(
        label="Location description (optional)",
        max_length=200,
        required=False,
        help_text="e.g. 'rear car park of the parade'",
    )
    officer = UserChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Unassigned", label="Case officer"
    )
    hate_related = forms.BooleanField(required=False, label="Hate-related")

    def __init__(self, *args, agency: Agency | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers_of(agency)

    def clean_postcode(self) -> str:
        import re

        value = self.cleaned_data["postcode"].strip().upper()
        if value and not re.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", value):
            raise forms.ValidationError("Enter a real postcode, like NW4 4BQ")
        return normalise_postcode(value)

    def clean(self):
        data = super().clean()
        if data.get("address_line1") and not data.get("postcode"):
            self.add_error("postcode", "Enter the postcode for this address")
        if data.get("postcode") and not data.get("address_line1"):
            self.add_error("address_line1", "Enter the first line of the address")
        if data.get("uprn") and not data.get("address_line1"):
            self.add_error("uprn", "Enter the address this UPRN belongs to, or leave the UPRN out")
        return data


class CaseEditForm(CaseForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TransitionForm(GovUKForm):
    to = radio_choice("New status", CaseStatus.choices, "Choose the new status")
    outcome = forms.ChoiceField(
        label="Outcome (needed to close)", choices=[("", "Choose an outcome"), *CaseOutcome.choices], required=False
    )
    outcome_notes = forms.CharField(
        label="Closing notes", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args, allowed: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["to"].choices = [c for c in CaseStatus.choices if c[0] in allowed]

    def clean(self):
        data = super().clean()
        if data.get("to") == CaseStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", "Choose an outcome to close the case")
        return data


class PartyForm(GovUKForm):
    role = radio_choice(None, PartyRole.choices, "Choose the party's role")
    is_organisation = forms.BooleanField(required=False, label="This party is a business or organisation")
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    organisation_name = forms.CharField(max_length=200, required=False, label="Organisation name")
    date_of_birth = GovUKDateField(required=False, label="Date of birth (optional)", help_text="For example, 27 3 1980")
    phone = forms.CharField(max_length=30, required=False, label="Phone (optional)")
    email = forms.EmailField(required=False, label="Email (optional)")
    is_anonymous = forms.BooleanField(
        required=False,
        label="Anonymous: only the lead agency may see who this is",
        help_text="Partners will see the role only, never the name or contact details.",
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)
    postcode = forms.CharField(
        max_length=10, required=False, label="Postcode (optional)", help_text="Helps find them if already known"
    )

    #: Value of the "match" choice that records a new person although matches were proposed.
    NEW_PERSON = party_matches.NEW_PERSON

    def __init__(self, *args, matches=None, **kwargs):
        """`matches` (casework.people.PersonMatch): people already known who may be this one; the officer
        must pick one of them or say it is someone new."""
        super().__init__(*args, **kwargs)
        party_matches.ask_match(self, matches or [])

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data.get("postcode", ""))

    def clean_date_of_birth(self):
        return today_or_earlier(self.cleaned_data.get("date_of_birth"), "Date of birth must be in the past")

    def clean(self):
        data = super().clean()
        if data.get("is_organisation"):
            if not data.get("organisation_name", "").strip():
                self.add_error("organisation_name", "Enter the organisation's name")
        else:
            if not data.get("first_name", "").strip():
                self.add_error("first_name", "Enter the first name")
            if not data.get("last_name", "").strip():
                self.add_error("last_name", "Enter the last name")
        return data


class IncidentForm(GovUKForm):
    occurred_at = datetime_field("Date and time it happened")
    reported_at = datetime_field("Date and time it was reported")
    reported_to = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency it was reported to"},
    )
    agency_reference = forms.CharField(
        max_length=50, required=False, label="Their reference (optional)", help_text="e.g. a police CAD or CRIS number"
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        error_messages={"required": "Describe what happened"},
    )
    hate_related = forms.BooleanField(
        required=False,
        label="Hate-related",
        help_text="The victim or anyone else perceives it was motivated by hostility or prejudice.",
    )
    hate_characteristics = forms.MultipleChoiceField(
        choices=HateCharacteristic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Targeted because of (if hate-related)",
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select what it was targeted because of from the list"},
    )
    reported_by = forms.ModelChoiceField(
        queryset=CaseParty.objects.none(), required=False, empty_label="Not recorded", label="Reported by (optional)"
    )

    def __init__(self, *args, party_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if party_choices is not None:
            queryset, label = party_choices
            self.fields["reported_by"].queryset = queryset
            self.fields["reported_by"].label_from_instance = label

    def clean_occurred_at(self):
        return _not_future(self.cleaned_data.get("occurred_at"), "The date it happened")

    def clean_reported_at(self):
        return _not_future(self.cleaned_data.get("reported_at"), "The date it was reported")

    def clean(self):
        data = super().clean()
        if data.get("occurred_at") and data.get("reported_at") and data["reported_at"] < data["occurred_at"]:
            self.add_error("reported_at", "The report date must be the same as or after the date it happened")
        if data.get("hate_related") and not data.get("hate_characteristics"):
            self.add_error("hate_characteristics", "Select what a hate-related incident was targeted because of")
        if data.get("hate_characteristics") and not data.get("hate_related"):
            self.add_error("hate_related", "Tick hate-related, or clear what it was targeted because of")
        return data


class RiskAssessmentForm(GovUKForm):
    victim = forms.ModelChoiceField(
        queryset=CaseParty.objects.none(), required=False, empty_label="Not linked", label="Victim assessed"
    )
    repeat_victimisation_count = forms.IntegerField(
        min_value=0,
        max_value=500,
        label="Reports of ASB by this victim in the last 12 months",
        error_messages={
            "required": "Enter how many times the victim has reported ASB in the last 12 months",
            "min_value": "The number of reports cannot be negative",
            "max_value": "Enter a number of reports of 500 or fewer",
        },
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)

    def __init__(self, *args, victim_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        for question in risk.QUESTIONS:
            self.fields[question.key] = forms.BooleanField(required=False, label=question.text)
        order = ["victim", *[q.key for q in risk.QUESTIONS], "repeat_victimisation_count", "notes"]
        self.order_fields(order)
        if victim_choices is not None:
            queryset, label = victim_choices
            self.fields["victim"].queryset = queryset
            self.fields["victim"].label_from_instance = label

    def answers(self) -> dict[str, bool]:
        return {q.key: bool(self.cleaned_data.get(q.key)) for q in risk.QUESTIONS}


class ActionForm(GovUKForm):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, error_messages={"required": "Describe the action"}
    )
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        label="Owner agency",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="Owner (optional)",
        required=False,
        empty_label="The agency as a whole",
        help_text="The person in the owner agency who will do it.",
    )
    due_date = GovUKDateField(label="Due date", help_text="For example, 27 3 2027", validators=[due_today_or_later])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, membership__agency__is_active=True)
            .select_related("membership__agency")
            .order_by("membership__agency__name", "last_name", "first_name", "username")
        )
        field.label_from_instance = lambda u: f"{u.get_full_name() or u.get_username()} ({u.membership.agency.name})"

    def clean(self):
        data = super().clean()
        owner, agency = data.get("owner"), data.get("owner_agency")
        if owner is not None and agency is not None and owner.membership.agency_id != agency.pk:
            self.add_error("owner", f"Choose someone who works for {agency}, or leave the owner as the agency")
        return data


class ActionStatusForm(GovUKForm):
    """The quick status change on the action plan; closing as not done has its own form (ActionNotDoneForm)."""

    status = forms.ChoiceField(choices=[c for c in ActionStatus.choices if c[0] != ActionStatus.CANCELLED])


class NoteForm(GovUKForm):
    text = text_answer("Note", "Enter the note", rows=5, max_length=10000)


# File types officers upload as evidence, identified by content, not by the name the user gave.
EVIDENCE_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
MAX_UNCOMPRESSED_RATIO = 100


class EvidenceForm(GovUKForm):
    kind = forms.ChoiceField(choices=EvidenceKind.choices, label="Type of evidence")
    description = forms.CharField(max_length=500, error_messages={"required": "Describe the evidence"})
    file = forms.FileField(required=False, label="File (PDF, JPEG, PNG or Word document)")
    external_reference = forms.CharField(
        max_length=100,
        required=False,
        label="External reference (optional)",
        help_text="For body-worn video, the reference in the video system",
    )
    redacted = forms.BooleanField(required=False, label="This copy is redacted")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not upload:
            return upload
        limit = settings.CASEWORK["EVIDENCE_MAX_BYTES"]
        if upload.size > limit:
            raise forms.ValidationError(f"The file must be smaller than {limit // (1024 * 1024)} MB")
        if upload.size == 0:
            raise forms.ValidationError("The selected file is empty")
        head = upload.read(8192)
        upload.seek(0)
        kind = filetype.guess(head)
        if kind is None or kind.mime not in EVIDENCE_TYPES:
            raise forms.ValidationError("The selected file must be a PDF, JPEG, PNG or Word document")
        if kind.mime.endswith("document"):
            self._check_zip(upload)
        problem = scanning.active_content_problem(upload, content_type=kind.mime, name=upload.name or "")
        problem = problem or scanning.scan(upload)
        if problem:
            raise forms.ValidationError(problem)
        self.detected_content_type = kind.mime
        return upload

    @staticmethod
    def _check_zip(upload) -> None:
        """A Word document is a zip: refuse zip bombs and entries that try to escape their folder."""
        try:
            with zipfile.ZipFile(upload) as archive:
                total = 0
                for info in archive.infolist():
                    if info.filename.startswith(("/", "\\")) or ".." in info.filename.replace("\\", "/").split("/"):
                        raise forms.ValidationError("The selected file is not a valid Word document")
                    total += info.file_size
                if total > upload.size * MAX_UNCOMPRESSED_RATIO or total > 200 * 1024 * 1024:
                    raise forms.ValidationError("The selected file is not a valid Word document")
        except zipfile.BadZipFile as exc:
            raise forms.ValidationError("The selected file is not a valid Word document") from exc
        finally:
            upload.seek(0)

    def clean(self):
        data = super().clean()
        # A file refused by clean_file already has its one error; "choose a file" would be a second for it (#17)
        if "file" not in self.errors and not data.get("file") and not data.get("external_reference", "").strip():
            self.add_error("file", "Choose a file, or give an external reference")
        return data


class ShareForm(GovUKForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency to share with"},
    )
    legal_basis = radio_choice("Legal basis", LegalBasis.choices, "Choose the legal basis for sharing")
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Why this agency needs the case: share only what is relevant and proportionate",
        error_messages={"required": "Say why the case is being shared"},
    )
    can_change = forms.BooleanField(required=False, label="Let this agency add notes, incidents and actions")

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            self.fields["agency"].queryset = agencies
        # The bases in force today, each with what it means, from the maintained list (stored codes unchanged).
        in_force = extensions.legal_bases_in_force(on=timezone.localdate())
        if in_force:  # an empty list (reference data not loaded) keeps the built-in choices
            self.fields["legal_basis"].choices = [
                Choice(code, label, hint=explanation)
                for code, label, explanation in in_force
                if code in LegalBasis.values
            ]


class AccessReasonForm(GovUKForm):
    purpose = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Which of your agency's purposes is this for?",
        error_messages={"required": "Choose the purpose you are opening this case for"},
    )
    reason = text_answer(
        "Why are you opening this case?",
        "Say why you are opening this case",
        rows=3,
        max_length=500,
        help_text="For example: enquiry into the incident of 2 December reported by the victim (crime reference)",
    )

    def __init__(self, *args, purposes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.purposes = {p.key: p for p in purposes}
        self.fields["purpose"].choices = [Choice(p.key, p.label, hint=p.regime) for p in purposes]

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why you are opening this case")
        return reason


class RevokeShareForm(GovUKForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why the share is being revoked"},
    )


class PersonMergeForm(GovUKForm):
    """Which proposed duplicate to merge into the person whose page this is, and why."""

    duplicate = forms.ChoiceField(
        label="Which record is the same person?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the record to merge",
            "invalid_choice": "Choose the record to merge from the list",
        },
    )
    reason = text_answer(
        "Why are they the same person?", "Say why these records are the same person", rows=3, max_length=2000
    )

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["duplicate"].choices = [(str(m.person.pk), m.label) for m in matches]


class PersonUnmergeForm(GovUKForm):
    reason = text_answer("Why is the merge being undone?", "Say why the merge is being undone", rows=3, max_length=2000)


class VulnerabilityForm(GovUKForm):
    """A person's vulnerability and reasonable adjustments (casework.vulnerability)."""

    flags = forms.MultipleChoiceField(
        choices=VulnerabilityFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Vulnerabilities",
        help_text="Select all that apply. Partners the case is shared with see these.",
        error_messages={"invalid_choice": "Select vulnerabilities from the list"},
    )
    details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label="Details (optional)",
        help_text="What agencies should know. Do not write names, addresses or contact details here.",
    )
    reasonable_adjustments = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label="Reasonable adjustments (optional)",
        help_text="For example: large print letters, visits with a carer present, a BSL interpreter.",
    )

    def clean(self):
        data = super().clean()
        if VulnerabilityFlag.OTHER in (data.get("flags") or []) and not (data.get("details") or "").strip():
            self.add_error("details", "Say what the other vulnerability is")
        return data


class SafeguardingReferralForm(GovUKForm):
    referred_to = forms.CharField(
        max_length=200,
        label="Referred to",
        help_text="For example: Barnet adult social care (MASH), children's services, the GP.",
        error_messages={"required": "Enter who the referral was made to"},
    )
    referred_on = GovUKDateField(
        label="Date of the referral",
        help_text="For example, 27 3 2026",
    )
    made_by = forms.CharField(
        max_length=200, label="Made by", error_messages={"required": "Enter who made the referral"}
    )
    their_reference = forms.CharField(max_length=50, required=False, label="Their reference (optional)")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False, label="Why (optional)"
    )

    def clean_referred_on(self):
        return today_or_earlier(
            self.cleaned_data.get("referred_on"), "The date of the referral must be today or in the past"
        )


def _whole_number(label: str, max_value: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": f"Enter the {label.lower()} as a whole number, like 2",
            "min_value": f"The {label.lower()} cannot be less than 0",
            "max_value": f"The {label.lower()} must be {max_value} or less",
        },
    )


class ActionCostForm(GovUKForm):
    """Officer time (hours and minutes) and spend on one action (casework/costs.py checks it again)."""

    spent_on = GovUKDateField(label="Date of the work or spend", help_text="For example, 27 3 2026")
    hours = _whole_number("Hours", 100)
    minutes = _whole_number("Minutes", 59)
    spend = forms.DecimalField(
        label="Spend, in pounds (optional)",
        required=False,
        max_digits=9,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}),
        help_text="For example, 250.00 for a mediation session",
        error_messages={
            "invalid": "Enter the spend as an amount in pounds, like 250.00",
            "min_value": "The spend cannot be less than 0",
            "max_digits": "Enter the spend as an amount in pounds, like 250.00",
            "max_decimal_places": "Enter the spend to the penny at most, like 250.50",
        },
    )
    spend_kind = forms.ChoiceField(
        label="What was the money spent on? (if any)",
        required=False,
        choices=[("", "Nothing was spent"), *SpendKind.choices],
    )
    description = forms.CharField(label="Details (optional)", required=False, max_length=500)

    def clean_spent_on(self):
        return today_or_earlier(
            self.cleaned_data.get("spent_on"), "The date of the work or spend must be today or in the past"
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        hours, minutes, spend = data.get("hours") or 0, data.get("minutes") or 0, data.get("spend") or 0
        data["total_minutes"] = hours * 60 + minutes
        if data["total_minutes"] > costs.limits()["MAX_HOURS"] * 60:
            self.add_error("hours", f"Officer time must be {costs.limits()['MAX_HOURS']} hours or less for one entry")
        if spend > costs.limits()["MAX_SPEND"]:
            self.add_error("spend", f"Spend must be £{costs.limits()['MAX_SPEND']:,} or less for one entry")
        if not data["total_minutes"] and not spend:
            self.add_error("hours", "Enter the officer time, the spend, or both")
        if spend and not data.get("spend_kind"):
            self.add_error("spend_kind", "Choose what the money was spent on")
        if not spend and data.get("spend_kind"):
            self.add_error("spend", "Enter how much was spent, or choose “Nothing was spent”")
        return data

"""Input validation for the public application form and the staff screens, with GOV.UK messages."""

import re
from datetime import date, timedelta

import django_filters
from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from casework import party_matches
from casework.forms import GovUKDateField, GovUKForm
from casework.models import ActionStatus, Agency, AgencyKind
from common.forms import due_today_or_later, radio_choice, text_answer, yes_no

from . import selectors
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplyingFor,
    Channel,
    ContactPreference,
    EscalationKind,
    EscalationResult,
    ReportedTo,
)

POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}")
PHONE = re.compile(r"^\+?[0-9 ()-]{10,20}$")


class RealDateField(GovUKDateField):
    """GOV.UK date input whose messages name the question, and which refuses impossible dates."""

    def __init__(self, *, label: str, required_message: str, name: str = "", **kwargs):
        """`name` is what the date is, for the message when a question labels it ("When did it happen?" ->
        "The date it happened must be a real date")."""
        super().__init__(label=label, **kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["incomplete"] = required_message
        self._real_message = f"{name or label.rstrip('?')} must be a real date"

    def compress(self, data_list):
        try:
            value = super().compress(data_list)
        except ValidationError as error:
            raise ValidationError(self._real_message) from error
        if value is not None and value.year < 1900:
            raise ValidationError(self._real_message)
        return value

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError as error:
            if any(message.startswith("Enter a valid") for message in error.messages):
                raise ValidationError(self._real_message) from error
            raise


def _not_future(value: date | None, message: str) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


def _clean_postcode(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not POSTCODE.fullmatch(value):
        raise forms.ValidationError("Enter a real postcode, like NW4 4BQ")
    return value


class _TextArea(forms.Textarea):
    def __init__(self, rows: int = 5):
        super().__init__(attrs={"rows": rows})


# --- the public question pages ---


class WhoForm(GovUKForm):
    applying_for = radio_choice(
        "Are you the person affected by the anti-social behaviour?",
        [
            (ApplyingFor.SELF, "Yes, I am applying for myself"),
            (ApplyingFor.SOMEONE_ELSE, "No, I am applying for someone else, with their agreement"),
        ],
        "Select whether you are the person affected or applying for someone else",
        help_text="A relative, councillor, MP or professional can apply for a person, business or community group.",
    )

    single_question = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.radios("applying_for", legend_size=Size.LARGE, legend_tag="h1"))


class VictimForm(GovUKForm):
    victim_name = forms.CharField(
        label="Name of the person, business or group affected",
        max_length=200,
        error_messages={"required": "Enter the name of the person, business or group affected"},
    )
    victim_relationship = forms.CharField(
        label="How are you connected to them?",
        max_length=200,
        help_text="For example, family member, ward councillor, support worker",
        error_messages={"required": "Enter how you are connected to the person affected"},
    )
    victim_consent = forms.BooleanField(
        label="They have agreed to me applying for a case review for them",
        error_messages={"required": "Confirm that the person affected has agreed to you applying for them"},
    )


class ContactForm(GovUKForm):
    applicant_name = forms.CharField(
        label="Your full name", max_length=200, error_messages={"required": "Enter your full name"}
    )
    applicant_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    applicant_phone = forms.CharField(label="Phone number (optional)", required=False, max_length=30)
    applicant_address = forms.CharField(
        label="Postal address (optional)", required=False, max_length=300, help_text="House number and street"
    )
    applicant_postcode = forms.CharField(label="Postcode (optional)", required=False, max_length=10)
    contact_preference = radio_choice(
        "How should we contact you?", ContactPreference.choices, "Select how we should contact you"
    )

    def clean_applicant_phone(self) -> str:
        value = self.cleaned_data["applicant_phone"].strip()
        if value and not PHONE.match(value):
            raise forms.ValidationError("Enter a telephone number, like 01632 960 001 or 07700 900 982")
        return value

    def clean_applicant_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["applicant_postcode"])

    def clean(self):
        data = super().clean()
        preference = data.get("contact_preference")
        if (
            preference == ContactPreference.EMAIL
            and not data.get("applicant_email")
            and "applicant_email" not in self.errors
        ):
            self.add_error("applicant_email", "Enter your email address so we can contact you by email")
        if (
            preference == ContactPreference.PHONE
            and not data.get("applicant_phone")
            and "applicant_phone" not in self.errors
        ):
            self.add_error("applicant_phone", "Enter your phone number so we can contact you by phone")
        if preference == ContactPreference.LETTER:
            if not data.get("applicant_address"):
                self.add_error("applicant_address", "Enter your address so we can write to you")
            if not data.get("applicant_postcode") and "applicant_postcode" not in self.errors:
                self.add_error("applicant_postcode", "Enter your postcode so we can write to you")
        return data


class ProblemForm(GovUKForm):
    problem_description = forms.CharField(
        label="What is the anti-social behaviour and how is it affecting you?",
        widget=_TextArea(6),
        max_length=5000,
        help_text="Tell us what has been happening, who is affected and what has been done so far.",
        error_messages={
            "required": "Describe the anti-social behaviour",
            "max_length": "The description must be 5,000 characters or fewer",
        },
    )
    problem_location = forms.CharField(
        label="Where is it happening?",
        max_length=300,
        help_text="For example, the street, block or park",
        error_messages={"required": "Enter where the anti-social behaviour is happening"},
    )
    problem_postcode = forms.CharField(label="Postcode of the place (optional)", required=False, max_length=10)

    def clean_problem_postcode(self) -> str:
        return _clean_postcode(self.cleaned_data["problem_postcode"])


class IncidentForm(GovUKForm):
    occurred_on = RealDateField(
        label="When did it happen?",
        required_message="Enter the date it happened",
        name="The date it happened",
        help_text="For example, 27 3 2026",
    )
    reported_on = RealDateField(
        label="When did you report it?",
        required_message="Enter the date you reported it",
        name="The date you reported it",
        help_text="For example, 28 3 2026",
    )
    reported_to = radio_choice(
        "Who did you report it to?",
        # The example is the option's hint, never part of its label, so the answer reads "Housing provider" (#17)
        [
            Choice(value, label, hint="For example, Barnet Homes") if value == ReportedTo.HOUSING else (value, label)
            for value, label in ReportedTo.choices
        ],
        "Select who you reported it to",
    )
    agency_reference = forms.CharField(
        label="Reference number (optional)",
        required=False,
        max_length=50,
        help_text="For example, a police CAD or crime reference number, if you were given one",
    )
    description = forms.CharField(
        label="What happened? (optional)", required=False, max_length=2000, widget=_TextArea(3)
    )
    hate_related = forms.BooleanField(
        label="I think this incident was motivated by hate",
        required=False,
        help_text="For example, because of race, religion, disability, sexual orientation or gender identity",
    )

    def clean_occurred_on(self):
        return _not_future(self.cleaned_data.get("occurred_on"), "The date it happened must be today or in the past")

    def clean_reported_on(self):
        return _not_future(
            self.cleaned_data.get("reported_on"), "The date you reported it must be today or in the past"
        )

    def clean(self):
        data = super().clean()
        if data.get("occurred_on") and data.get("reported_on") and data["reported_on"] < data["occurred_on"]:
            self.add_error("reported_on", "The date you reported it must be the same as or after the date it happened")
        return data


# --- staff screens ---


class IntakeForm(ContactForm, ProblemForm):
    """An application taken by phone, email, letter or in person."""

    channel = radio_choice(
        "How was the application made?",
        [c for c in Channel.choices if c[0] != Channel.ONLINE],
        "Select how the application was made",
    )
    received_on = RealDateField(label="Date received", required_message="Enter the date the application was received")
    applying_for = radio_choice("Who is applying?", ApplyingFor.choices, "Select who is applying")
    victim_name = forms.CharField(label="Victim (if someone applies for them)", required=False, max_length=200)
    victim_relationship = forms.CharField(label="Applicant's connection to the victim", required=False, max_length=200)
    victim_consent = forms.BooleanField(label="The victim has agreed to this application", required=False)

    field_order = [
        "channel",
        "received_on",
        "applying_for",
        "victim_name",
        "victim_relationship",
        "victim_consent",
        "applicant_name",
        "applicant_email",
        "applicant_phone",
        "applicant_address",
        "applicant_postcode",
        "contact_preference",
        "problem_description",
        "problem_location",
        "problem_postcode",
    ]

    def __init__(self, *args, matches=None, **kwargs):
        """`matches`: known people like the applicant (casework.party_matches asks which); staff only, never the
        public form."""
        super().__init__(*args, **kwargs)
        party_matches.ask_match(self, matches or [])

    def clean_received_on(self):
        return _not_future(self.cleaned_data.get("received_on"), "The date received must be today or in the past")

    def clean(self):
        data = super().clean()
        if data.get("applying_for") == ApplyingFor.SOMEONE_ELSE:
            if not data.get("victim_name", "").strip():
                self.add_error("victim_name", "Enter the name of the victim the application is for")
            if not data.get("victim_consent"):
                self.add_error("victim_consent", "Confirm that the victim has agreed to the application")
        return data


class AcknowledgementForm(GovUKForm):
    method = radio_choice("How was the applicant told?", ContactPreference.choices, "Select how the applicant was told")
    acknowledged_on = RealDateField(label="Date acknowledged", required_message="Enter the date of the acknowledgement")

    def clean_acknowledged_on(self):
        return _not_future(self.cleaned_data.get("acknowledged_on"), "The date must be today or in the past")


class LinkCaseForm(GovUKForm):
    case_reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example, ASB-2026-00123",
        error_messages={"required": "Enter the reference of the case to link"},
    )
    found_by = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class DecisionForm(GovUKForm):
    met = yes_no(
        "Is the threshold for a case review met?",
        "Select whether the threshold is met",
        yes="Yes, the threshold is met",
        no="No, the threshold is not met",
    )
    reason = text_answer(
        "Reason for the decision",
        "Enter the reason for the decision",
        rows=4,
        help_text="The applicant will be told this. Say if you used discretion (persistence, harm, a poor response).",
    )


def _review_bodies():
    return Agency.objects.filter(is_active=True).order_by("name")


class ArrangeReviewForm(GovUKForm):
    meeting_on = RealDateField(label="Date of the review meeting", required_message="Enter the date of the meeting")
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)
    agencies = forms.ModelMultipleChoiceField(
        label="Bodies taking part",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="The council, police, health and the housing provider are usually involved.",
        error_messages={"required": "Select the bodies taking part in the review"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _review_bodies()
        if not self.is_bound:
            self.initial.setdefault(
                "agencies",
                list(
                    _review_bodies()
                    .filter(kind__in=[AgencyKind.COUNCIL, AgencyKind.POLICE, AgencyKind.HEALTH, AgencyKind.HOUSING])
                    .values_list("pk", flat=True)
                ),
            )

    victim_invited = yes_no(
        "Is the victim invited to the meeting?",
        "Select whether the victim is invited to the meeting",
        help_text="The 2025 guidance: invite the victim, or tell them in writing why not.",
    )
    victim_not_invited_reason = forms.CharField(
        label="If not, why not?",
        required=False,
        widget=_TextArea(3),
        max_length=2000,
        help_text="The victim is told this in writing, in the outcome letter.",
    )

    def clean(self):
        data = super().clean()
        if data.get("victim_invited") is False and not data.get("victim_not_invited_reason", "").strip():
            self.add_error("victim_not_invited_reason", "Enter why the victim is not invited to the meeting")
        return data

    def clean_agencies(self) -> list:
        return list(self.cleaned_data["agencies"])  # the service takes a list

    def clean_meeting_on(self):
        value = self.cleaned_data.get("meeting_on")
        if value and value < timezone.localdate() - timedelta(days=365):
            raise forms.ValidationError("The meeting date must be within the last year or in the future")
        return value


class ContributionForm(GovUKForm):
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Body",
        empty_label="Choose a body",
        error_messages={"required": "Choose the body that provided the information"},
    )
    information = text_answer(
        "Information provided",
        "Enter the information the body provided",
        rows=5,
        max_length=10000,
        help_text="Reports received, action taken, what they know. Relevant and proportionate only.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _review_bodies()


class PartnerContributionForm(GovUKForm):
    information = text_answer(
        "Information your agency holds",
        "Enter the information your agency holds",
        rows=8,
        max_length=10000,
        help_text="Reports received, action taken, what you know. Relevant and proportionate only.",
    )


class RecommendationForm(GovUKForm):
    description = text_answer("Recommendation", "Describe the recommendation", rows=3)
    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="Body responsible",
        empty_label="Choose a body",
        error_messages={"required": "Choose the body responsible for the recommendation"},
    )
    due_date = RealDateField(
        label="Due date",
        required_message="Enter the due date",
        help_text="For example, 27 3 2027",
        validators=[due_today_or_later],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = _review_bodies()


class RecommendationStatusForm(GovUKForm):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ReviewHeldForm(GovUKForm):
    held_on = RealDateField(label="Date the meeting was held", required_message="Enter the date the meeting was held")
    attended = forms.ModelMultipleChoiceField(
        label="Bodies that attended",
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the bodies that attended"},
    )
    findings = text_answer("What did the review find?", "Enter what the review found", rows=6, max_length=10000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = _review_bodies()

    def clean_attended(self) -> list:
        return list(self.cleaned_data["attended"])  # the service takes a list

    def clean_held_on(self):
        return _not_future(self.cleaned_data.get("held_on"), "The meeting date must be today or in the past")


class OutcomeForm(GovUKForm):
    """The officer's own words for the applicant. Never pre-filled: the review's findings are internal."""

    body = text_answer(
        "What we found and what happens next",
        "Write what we found and what happens next",
        rows=10,
        max_length=10000,
        help_text="Plain language, for the applicant. The letter adds the threshold decision, the review meeting's "
        "date, the agreed actions and how to ask for the handling to be looked at again.",
    )


class ApproveOutcomeForm(GovUKForm):
    fingerprint = forms.CharField(widget=forms.HiddenInput)


class PostedOnForm(GovUKForm):
    posted_on = RealDateField(
        label="Date the letter was posted",
        required_message="Enter the date the letter was posted",
        help_text="For example, 27 3 2026",
    )

    def clean_posted_on(self):
        return _not_future(
            self.cleaned_data.get("posted_on"), "The date the letter was posted must be today or in the past"
        )


class CloseForm(GovUKForm):
    notes = text_answer("Reason for closing", "Enter the reason for closing the application", rows=3)


class ContactPersonForm(GovUKForm):
    contact = forms.ModelChoiceField(
        queryset=None,
        label="Single point of contact",
        empty_label="Choose a person",
        help_text="The one person the applicant deals with throughout the review.",
        error_messages={"required": "Choose the single point of contact"},
    )

    def __init__(self, *args, agency, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = (
            get_user_model()
            .objects.filter(membership__agency=agency, is_active=True)
            .order_by("first_name", "last_name")
        )
        self.fields["contact"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class WithdrawForm(GovUKForm):
    reason = text_answer("Why was the application withdrawn?", "Enter why the application was withdrawn", rows=3)


class EscalationForm(GovUKForm):
    kind = forms.ChoiceField(
        label="What is the applicant asking for?",
        choices=EscalationKind.choices,
        initial=EscalationKind.LOCAL,
        widget=forms.RadioSelect,
        required=False,
        help_text="The statutory PCC review can be recorded only once the Crime and Policing Act 2026 provision "
        "is in force.",
    )
    requested_on = RealDateField(label="Date of the request", required_message="Enter the date of the request")
    body = forms.CharField(
        label="Body reviewing the handling",
        max_length=200,
        error_messages={"required": "Enter the body that will review the handling"},
    )
    grounds = text_answer(
        "Why is the applicant unhappy with the handling?",
        "Enter why the applicant is unhappy with the handling",
        rows=4,
    )

    def clean_requested_on(self):
        return _not_future(
            self.cleaned_data.get("requested_on"), "The date of the request must be today or in the past"
        )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or EscalationKind.LOCAL


class EscalationResultForm(GovUKForm):
    result = radio_choice("Result", EscalationResult.choices, "Select the result")
    notes = text_answer("Reasons for the result", "Enter the reasons for the result", rows=4)
    concluded_on = RealDateField(label="Date of the result", required_message="Enter the date of the result")

    def clean_concluded_on(self):
        return _not_future(self.cleaned_data.get("concluded_on"), "The date of the result must be today or in the past")


class FiguresForm(GovUKForm):
    """The financial year of the s104 figures: by default the last eight, the current one first."""

    year = forms.TypedChoiceField(label="Year (April to March)", coerce=int, choices=[])

    def __init__(self, *args, years: list[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if years is None:
            current = selectors.current_financial_year()
            years = list(range(current, current - 8, -1))
        self.years = years
        self.fields["year"].choices = [(y, f"{y}/{str(y + 1)[-2:]}") for y in years]

    def chosen_year(self) -> int:
        """The year asked for, or the first one offered when none (or a wrong one) was."""
        return self.cleaned_data["year"] if self.is_valid() else self.years[0]


class ApplicationFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label="Reference or applicant", method="filter_search")
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, empty_label="Any status")
    overdue = django_filters.BooleanFilter(label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = Application
        fields = ["search", "status"]

    def filter_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=OPEN_STATUSES, next_due__lt=timezone.localdate())
        return queryset

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__iexact=value) | Q(applicant_name__icontains=value))


class ApplicantLinkForm(GovUKForm):
    """Which of the proposed people the applicant is: only an id among the proposals is accepted."""

    person = forms.ChoiceField(
        label="Link the applicant to",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the person the applicant is",
            "invalid_choice": "Choose one of the people proposed",
        },
    )

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(m.person.pk), m.label) for m in matches]

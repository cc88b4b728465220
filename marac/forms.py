"""Input for the CS MARAC screens, with GOV.UK error messages; services re-check every rule."""

from django import forms

from casework.calendar import is_working_day
from casework.forms import GovUKDateField, GovUKForm, UserChoiceField
from casework.models import Agency, LegalBasis
from common.forms import due_today_or_later, radio_choice, yes_no

from .models import AttendanceStatus, Consent, EntryReason, MaracRisk, NextStep

RISK_CHOICES = [(value, label) for value, label in reversed(MaracRisk.choices)]  # high first


def _text(label: str, required_message: str, *, rows: int = 4, help_text: str = "", required: bool = True):
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=10000,
        required=required,
        help_text=help_text,
        error_messages={"required": required_message},
    )


class ReferralForm(GovUKForm):
    case_reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example, ASB-2026-00123. You can refer any case your agency can see.",
        error_messages={"required": "Enter the case reference"},
    )
    reason = _text(
        "Why does this case need the CS MARAC?",
        "Enter why the case needs the CS MARAC",
        help_text="Risk to the victim, how persistent the behaviour is. Do not name anonymous victims or witnesses.",
    )
    risk_level = radio_choice("Risk to the victim", RISK_CHOICES, "Choose the risk to the victim")
    actions_tried = _text(
        "What has your agency already tried?",
        "Enter what your agency has already tried",
        help_text="Single-agency action that has not resolved the problem",
    )
    consent = radio_choice(
        "Has the victim consented to the referral?", Consent.choices, "Choose whether the victim has consented"
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis for sharing the case with the MARAC agencies",
        choices=[("", "Choose a legal basis"), *LegalBasis.choices],
        error_messages={"required": "Choose the legal basis for sharing"},
    )

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases  # the cases the user may see (casework.access.visible_cases)
        self.case = None

    def clean_case_reference(self) -> str:
        reference = self.cleaned_data["case_reference"].strip().upper()
        self.case = self.cases.filter(reference=reference).first() if self.cases is not None else None
        if self.case is None:
            raise forms.ValidationError("Enter the reference of a case your agency can see")
        return reference


class ScreeningForm(GovUKForm):
    ACCEPT, DECLINE, MORE = "accept", "decline", "more_information"
    decision = radio_choice(
        "Decision",
        [
            (ACCEPT, "Accept: put the case on the CS MARAC and share it with the core agencies"),
            (MORE, "Ask the referrer for more information"),
            (DECLINE, "Decline the referral"),
        ],
        "Choose a decision",
    )
    explanation = _text(
        "Reason for declining, or the information needed",
        "",
        rows=3,
        required=False,
        help_text="Needed when you decline or ask for more information",
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == self.DECLINE and not data.get("explanation", "").strip():
            self.add_error("explanation", "Enter the reason for declining the referral")
        if decision == self.MORE and not data.get("explanation", "").strip():
            self.add_error("explanation", "Enter what more information is needed")
        return data


class MoreInformationForm(GovUKForm):
    information = _text("The information the coordinator asked for", "Enter the information the coordinator asked for")


class ClosureProposalForm(GovUKForm):
    proposal = _text("Why can this case close from the MARAC?", "Enter why the case can close", rows=3)


class MeetingForm(GovUKForm):
    date = GovUKDateField(label="Date", help_text="For example, 27 3 2027")
    start_time = forms.TimeField(
        label="Start time",
        help_text="24-hour clock, for example 10:00",
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": "Enter the start time", "invalid": "Enter the start time like 10:00"},
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    is_online = forms.BooleanField(label="The meeting is held online (or online as well)", required=False)
    joining_details = forms.CharField(label="Online joining details (optional)", max_length=500, required=False)
    chair = UserChoiceField(queryset=None, required=False, empty_label="Not decided", label="Chair")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, chairs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs

    def clean_date(self):
        value = self.cleaned_data.get("date")
        if value and not is_working_day(value):
            raise forms.ValidationError("The date must be a weekday that is not a bank holiday")
        return value

    def clean(self):
        data = super().clean()
        if not data.get("venue", "").strip() and not data.get("is_online"):
            self.add_error("venue", "Enter the venue, or say the meeting is online")
        return data


class ScheduleForm(GovUKForm):
    first = GovUKDateField(label="Date of the first meeting", help_text="For example, 27 3 2027")
    count = forms.IntegerField(
        label="How many meetings to schedule",
        min_value=1,
        max_value=12,
        initial=4,
        error_messages={
            "required": "Enter how many meetings to schedule",
            "min_value": "Schedule at least 1 meeting",
            "max_value": "Schedule 12 meetings or fewer at a time",
        },
    )


class PanelEntryForm(GovUKForm):
    reason = forms.ChoiceField(label="Why the case is listed", choices=EntryReason.choices, widget=forms.RadioSelect)
    risk_level = forms.ChoiceField(label="Risk level", choices=RISK_CHOICES, widget=forms.RadioSelect)
    summary = _text(
        "Summary for the attending agencies",
        "Enter the summary the agencies will read",
        rows=6,
        help_text="Relevant and proportionate only. Never name anonymous victims or witnesses.",
    )


class AddEntryForm(GovUKForm):
    referral = forms.ModelChoiceField(
        queryset=None,
        label="Case on the MARAC",
        empty_label="Choose a case",
        error_messages={"required": "Choose the case to add"},
    )

    def __init__(self, *args, referrals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referral"].queryset = referrals
        self.fields["referral"].label_from_instance = lambda r: (
            f"{r.case.reference} {r.case.title} ({r.case.ward.name})"
        )


class ResearchForm(GovUKForm):
    holds_information = yes_no(
        "Do your agency's records hold information relevant to this case?",
        "Choose whether your records hold relevant information",
        no="No trace in our records",
    )
    findings = _text(
        "What your records hold",
        "",
        rows=5,
        required=False,
        help_text="Share only what is relevant and proportionate to the risk",
    )

    def clean(self):
        data = super().clean()
        if data.get("holds_information") and not data.get("findings", "").strip():
            self.add_error("findings", "Enter what your agency's records hold")
        return data


class ReviewForm(GovUKForm):
    discussion = _text("Discussion summary", "Enter a summary of the discussion", rows=5)
    decisions = _text("Decisions", "Enter the panel's decisions", rows=3)
    risk_level = radio_choice("Risk level after the discussion", RISK_CHOICES, "Choose the risk level")
    next_step = radio_choice("Next step", NextStep.choices, "Choose the next step")
    escalation = _text("How the case is escalated (if escalating)", "", rows=2, required=False)
    closure_reason = _text("Reason for closing (if closing)", "", rows=2, required=False)

    def clean(self):
        data = super().clean()
        if data.get("next_step") == NextStep.CLOSE and not data.get("closure_reason", "").strip():
            self.add_error("closure_reason", "Enter the reason for closing the case from the MARAC")
        if data.get("next_step") == NextStep.ESCALATE and not data.get("escalation", "").strip():
            self.add_error("escalation", "Enter how the case is being escalated")
        return data


class MaracActionForm(GovUKForm):
    description = _text("Action", "Describe the action", rows=3, help_text="Specific, measurable, with an owner")
    owner_agency = forms.ModelChoiceField(
        queryset=None,
        label="Owner agency",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    due_date = GovUKDateField(label="Due date", help_text="For example, 27 3 2027", validators=[due_today_or_later])

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies if agencies is not None else Agency.objects.none()


class AttendanceForm(GovUKForm):
    """One row per invited agency, built from the meeting's attendance records."""

    def __init__(self, *args, attendances=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for attendance in attendances:
            status_name, rep_name = f"status_{attendance.agency_id}", f"rep_{attendance.agency_id}"
            self.fields[status_name] = forms.ChoiceField(
                label=f"{attendance.agency.name}: attendance",
                choices=AttendanceStatus.choices,
                initial=attendance.status,
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
            self.fields[rep_name] = forms.CharField(
                label=f"{attendance.agency.name}: representative (optional)",
                max_length=200,
                required=False,
                initial=attendance.representative,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )
            self.rows.append((attendance, status_name, rep_name))

    def bound_rows(self):
        """(attendance, status field, representative field) for the table on the attendance page."""
        return [(attendance, self[status], self[rep]) for attendance, status, rep in self.rows]


class InviteForm(GovUKForm):
    agency = forms.ModelChoiceField(
        queryset=None,
        label="Invite another agency",
        empty_label="Choose an agency",
        error_messages={"required": "Choose the agency to invite"},
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class HeldForm(GovUKForm):
    minutes_notes = _text("Matters arising and any other business (optional)", "", rows=4, required=False)


class PeriodForm(GovUKForm):
    start = GovUKDateField(label="From", required=False, help_text="For example, 1 4 2022")
    end = GovUKDateField(label="To", required=False, help_text="For example, 31 3 2023")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date must be the same as or after the start date")
        return data

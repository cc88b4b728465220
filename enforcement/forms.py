"""Issue and update forms for enforcement officers: field checks here, statutory rules in services.py."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from casework import party_matches
from casework.forms import GovUKDateField as CaseworkDateField
from casework.forms import GovUKForm
from casework.models import CaseParty, Evidence, PartyRole, Ward
from common.forms import datetime_field
from statutory.selectors import value as law

from .models import (
    AppealOutcome,
    ClosureAuthority,
    ClosureExtensionAuthority,
    ClosureScope,
    CommunityProtectionWarning,
    OffenceCode,
    PowerOfArrestGround,
    PSPOCondition,
    ServiceMethod,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class GovUKDateField(CaseworkDateField):
    """The GOV.UK date input with messages that say which date is missing."""

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        kwargs.setdefault("help_text", "For example, 27 3 2026")
        super().__init__(label=label, required=required, **kwargs)
        what = label.lower().replace(" (optional)", "")
        self.error_messages["required"] = f"Enter the {what}"
        self.error_messages["incomplete"] = f"Enter the {what} as a day, month and year"
        self.error_messages["invalid"] = f"Enter the {what} as a real date"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError(self.error_messages["invalid"]) from error


def text_field(
    label: str, *, required: bool = True, textarea: bool = True, max_length: int = 5000, message: str = "", **kwargs
):
    what = label.lower().replace(" (optional)", "")
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=TEXTAREA if textarea else None,
        error_messages={"required": message or f"Enter the {what}", "max_length": f"The {what} is too long"},
        **kwargs,
    )


def radio(label: str, choices, *, message: str, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, error_messages={"required": message}, **kwargs
    )


class StatutoryHelpText:
    """Help text that states a statutory figure reads it from the rule table (today's version), never a literal."""

    statutory_help: dict[str, tuple[str, str]] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        for name, (text, key) in self.statutory_help.items():
            self.fields[name].help_text = text.format(law(key, on=today))


def _not_future_date(value, what: str):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"The {what} must be today or in the past")
    return value


# --- Written warnings and CPNs --------------------------------------------------------------------------

NEW_PERSON = "new_person"
NEW_ORGANISATION = "new_organisation"
RECIPIENT_ROLES = (PartyRole.PERSON_CAUSING_HARM, PartyRole.LANDLORD, PartyRole.OTHER)


def recipient_parties(case):
    """Parties who can receive a notice: named (never anonymous) people and organisations causing the problem."""
    return (
        case.parties.filter(role__in=RECIPIENT_ROLES, is_anonymous=False)
        .select_related("person__address", "organisation__address")
        .order_by("id")
    )


def party_address(party) -> str:
    """The address on a party's person or organisation record, as the notice prints it ("" when none)."""
    record = party.person or party.organisation
    address = getattr(record, "address", None)
    return str(address) if address else ""


class WarningForm(StatutoryHelpText, GovUKForm):
    statutory_help = {
        "date_of_birth": (
            "Needed for a person, unless already recorded: warnings and CPNs are for people aged {} or over",
            "cpn.min_age",
        )
    }

    recipient = radio("Who is the warning for?", [], message="Choose who the warning is for")
    first_name = text_field("First name", required=False, textarea=False, max_length=100)
    last_name = text_field("Last name", required=False, textarea=False, max_length=100)
    organisation_name = text_field("Business or organisation name", required=False, textarea=False, max_length=200)
    date_of_birth = GovUKDateField(
        label="Recipient's date of birth (optional)",
        required=False,
    )
    recipient_address = text_field(
        "Recipient's address (if not on their record)",
        required=False,
        help_text="Leave blank when the address shown beside their name above is right: it is taken from their record",
    )
    conduct = text_field(
        "Conduct",
        help_text="The behaviour having a detrimental effect on the community",
        message="Describe the conduct",
    )
    requirements = text_field(
        "What must stop or be done",
        help_text="Exactly what the recipient must stop doing, or do, and where",
        message="Enter what must stop or be done",
    )
    compliance_deadline = GovUKDateField(label="Compliance deadline")
    served_at = datetime_field("Date and time served")
    served_how = radio("How was it served?", ServiceMethod.choices, message="Choose how the warning was served")

    def __init__(self, *args, case=None, matches=None, **kwargs):
        """`matches`: known people like the "another person" typed (casework.party_matches asks which)."""
        super().__init__(*args, **kwargs)
        choices = []
        self.parties = {}
        if case is not None:
            for party in recipient_parties(case):
                key = f"party-{party.pk}"
                self.parties[key] = party
                on_record = party_address(party)
                where = f"address: {on_record}" if on_record else "no address on record"
                choices.append((key, f"{party.party} ({party.get_role_display().lower()}; {where})"))
        choices += [(NEW_PERSON, "Another person"), (NEW_ORGANISATION, "Another business or organisation")]
        self.fields["recipient"].choices = choices
        party_matches.ask_match(self, matches or [])

    def clean_served_at(self):
        value = self.cleaned_data.get("served_at")
        if value and value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("The date and time served must be now or in the past")
        return value

    def clean(self):
        data = super().clean()
        choice = data.get("recipient")
        if choice == NEW_PERSON:
            if not data.get("first_name", "").strip():
                self.add_error("first_name", "Enter the recipient's first name")
            if not data.get("last_name", "").strip():
                self.add_error("last_name", "Enter the recipient's last name")
        if choice == NEW_ORGANISATION and not data.get("organisation_name", "").strip():
            self.add_error("organisation_name", "Enter the business or organisation's name")
        # The notice goes to the address on the party's record: typed only when there is none, or to correct it (#17)
        if choice and not (data.get("recipient_address") or "").strip():
            on_record = party_address(self.parties[choice]) if choice in self.parties else ""
            if on_record:
                data["recipient_address"] = on_record
            else:
                self.add_error("recipient_address", "Enter the recipient's address: none is on their record")
        dob = data.get("date_of_birth")
        if dob and dob >= timezone.localdate():
            self.add_error("date_of_birth", "The date of birth must be in the past")
        return data


class WarningOutcomeForm(GovUKForm):
    outcome = radio(
        "Outcome",
        [("complied", "Complied"), ("breached", "Breached: the conduct carried on"), ("withdrawn", "Withdrawn")],
        message="Choose the outcome",
    )
    on = GovUKDateField(label="Date")
    notes = text_field(
        "Notes (optional)", required=False, help_text="For a breach, the evidence; for a withdrawal, the reason"
    )

    def clean_on(self):
        return _not_future_date(self.cleaned_data.get("on"), "date")


def _warning_label(warning: CommunityProtectionWarning) -> str:
    return (
        f"{warning.recipient_name}: served {timezone.localtime(warning.served_at):%d %b %Y}, comply by "
        f"{warning.compliance_deadline:%d %b %Y} ({warning.get_status_display().lower()})"
    )


class CPNForm(GovUKForm):
    warning = forms.ModelChoiceField(
        queryset=CommunityProtectionWarning.objects.none(),
        widget=forms.RadioSelect,
        label="Which written warning does this notice follow?",
        error_messages={"required": "Choose the written warning this notice follows"},
    )
    issued_on = GovUKDateField(label="Date issued")
    served_how = radio("How was it served?", ServiceMethod.choices, message="Choose how the notice was served")
    compliance_deadline = GovUKDateField(label="Compliance deadline")
    requirements = text_field(
        "Requirements (optional)",
        required=False,
        help_text="Leave blank to use the written warning's requirements",
    )
    recipient_address = text_field(
        "Recipient's address (optional)", required=False, help_text="Leave blank to use the address on the warning"
    )

    def __init__(self, *args, warnings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if warnings is not None:
            self.fields["warning"].queryset = warnings
        self.fields["warning"].label_from_instance = _warning_label

    def clean_issued_on(self):
        return _not_future_date(self.cleaned_data.get("issued_on"), "date issued")


class CPNStatusForm(GovUKForm):
    status = radio(
        "What has happened?",
        [("complied", "The recipient has complied"), ("withdrawn", "The notice is withdrawn")],
        message="Choose what has happened",
    )
    notes = text_field("Notes (optional)", required=False, help_text="Needed when withdrawing: say why")


class AppealForm(GovUKForm):
    lodged_on = GovUKDateField(label="Date the appeal was lodged")
    grounds = text_field("Grounds of appeal", message="Enter the grounds of appeal")

    def clean_lodged_on(self):
        return _not_future_date(self.cleaned_data.get("lodged_on"), "date the appeal was lodged")


class AppealDecisionForm(GovUKForm):
    outcome = radio("The court's decision", AppealOutcome.choices, message="Choose the court's decision")
    decided_on = GovUKDateField(label="Date of the decision")
    varied_requirements = text_field("Requirements as varied (optional)", required=False)


class CPNBreachForm(GovUKForm):
    occurred_on = GovUKDateField(label="Date of the breach")
    description = text_field("What happened", message="Describe what happened")
    evidence_summary = text_field("Evidence", help_text="Witness statements, photographs, officer observations")
    evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Evidence held on the case (optional)",
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["evidence"].queryset = case.evidence.all()
        self.fields["evidence"].label_from_instance = lambda e: f"{e.get_kind_display()}: {e.description}"

    def clean_occurred_on(self):
        return _not_future_date(self.cleaned_data.get("occurred_on"), "date of the breach")


class ProsecutionForm(GovUKForm):
    notes = text_field("Notes for the prosecution file (optional)", required=False)


# --- Fixed penalty notices ------------------------------------------------------------------------------


def _offence_label(offence: OffenceCode) -> str:
    return f"{offence.code} – {offence.description} ({offence.statute})"


class FPNForm(GovUKForm):
    """A fixed penalty as written on the pad: the offence, where and when, and who received it."""

    offence = forms.ModelChoiceField(
        queryset=OffenceCode.objects.none(),
        label="Offence code",
        empty_label="Choose an offence code",
        error_messages={"required": "Choose the offence code"},
    )
    notice_number = text_field(
        "Notice number from the pad (optional)",
        required=False,
        textarea=False,
        max_length=30,
        help_text="Leave blank to have a number given",
    )
    offence_at = datetime_field("Date and time of the offence")
    issued_at = datetime_field("Date and time the notice was issued")
    location = text_field("Location", textarea=False, max_length=200, help_text="Street and landmark")
    ward = forms.ModelChoiceField(queryset=Ward.objects.all(), required=False, empty_label="Not known", label="Ward")
    offence_description = text_field("Description of the offence", help_text="What you saw, as written on the pad")
    recipient_name = text_field("Recipient's full name", textarea=False, max_length=200)
    recipient_date_of_birth = GovUKDateField(label="Recipient's date of birth (optional)", required=False)
    recipient_address = text_field("Recipient's address")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["offence"].queryset = OffenceCode.objects.filter(effective_from__lte=today).exclude(
            effective_to__lt=today
        )
        self.fields["offence"].label_from_instance = _offence_label

    def clean(self):
        data = super().clean()
        if data.get("offence_at") and data.get("issued_at") and data["offence_at"] > data["issued_at"]:
            self.add_error("offence_at", "The offence must have happened before the notice was issued")
        return data


class BreachFPNForm(GovUKForm):
    notice_number = FPNForm.base_fields["notice_number"]
    issued_at = datetime_field("Date and time the notice was issued")
    location = text_field("Location", textarea=False, max_length=200)
    offence_description = text_field("Description of the offence", help_text="As written on the pad")


class PSPOBreachFPNForm(GovUKForm):
    notice_number = FPNForm.base_fields["notice_number"]
    issued_at = datetime_field("Date and time the notice was issued")
    offence_description = text_field("Description of the offence", help_text="As written on the pad")


class PaymentForm(GovUKForm):
    paid_on = GovUKDateField(label="Date paid")
    amount = forms.DecimalField(
        label="Amount paid, in pounds",
        max_digits=8,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the amount paid",
            "invalid": "Enter the amount paid as a number, like 70.00",
            "min_value": "The amount paid cannot be negative",
        },
    )
    payment_reference = text_field("Payment reference (optional)", required=False, textarea=False, max_length=60)

    def clean_paid_on(self):
        return _not_future_date(self.cleaned_data.get("paid_on"), "date paid")


class ReasonForm(GovUKForm):
    reason = text_field("Reason")


# --- PSPOs ----------------------------------------------------------------------------------------------


class PSPOForm(StatutoryHelpText, GovUKForm):
    statutory_help = {"expires_on": ("At most {} years. For example, 30 11 2025", "pspo.max_years")}

    title = text_field("Title", textarea=False, max_length=200, help_text="e.g. 'Barnet borough-wide PSPO 2022'")
    area_description = text_field("Area covered")
    made_on = GovUKDateField(label="Date made")
    in_force_from = GovUKDateField(label="In force from")
    expires_on = GovUKDateField(label="Last day in force")
    consultation_started_on = GovUKDateField(label="Consultation started")
    consultation_ended_on = GovUKDateField(label="Consultation ended")
    consultees = text_field(
        "Who was consulted", help_text="The police, the Police and Crime Commissioner, the community"
    )
    consultation_summary = text_field("Consultation summary (optional)", required=False)
    conditions = text_field("Conditions", help_text="One condition per line, in order", max_length=20000)


class PSPOExtensionForm(GovUKForm):
    decided_on = GovUKDateField(label="Date of the decision to extend")
    new_expires_on = GovUKDateField(label="New last day in force")
    reason = text_field(
        "Reason and consultation",
        help_text="Why the extension is needed, and who was consulted",
        message="Give the reason and the consultation",
    )


class PSPOBreachForm(GovUKForm):
    condition = forms.ModelChoiceField(
        queryset=PSPOCondition.objects.none(),
        label="Condition breached",
        empty_label="Choose a condition",
        error_messages={"required": "Choose the condition that was breached"},
    )
    occurred_at = datetime_field("Date and time of the breach")
    location = text_field("Location", textarea=False, max_length=200)
    ward = forms.ModelChoiceField(queryset=Ward.objects.all(), required=False, empty_label="Not known", label="Ward")
    offender_name = text_field("Offender's name (optional)", required=False, textarea=False, max_length=200)
    offender_address = text_field("Offender's address (optional)", required=False)
    description = text_field("What happened", message="Describe what happened")

    def __init__(self, *args, pspo=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pspo is not None:
            self.fields["condition"].queryset = pspo.conditions.all()


# --- Closure notices and orders -------------------------------------------------------------------------


class ClosureNoticeForm(GovUKForm):
    premises = text_field("Premises", help_text="The address and, if only part is closed, which part")
    prohibition = text_field(
        "Who is prohibited",
        message="Say who is prohibited from the premises",
        help_text="e.g. 'All persons except the owner and the person who habitually lives there'",
    )
    authorised_by_role = radio("Authorised by", ClosureAuthority.choices, message="Choose who authorised the notice")
    authorised_by_name = text_field("Name and rank or post of the authorising officer", textarea=False, max_length=200)
    consultation = text_field("Who was consulted before issuing", message="Say who was consulted before issuing")
    people_informed = text_field(
        "People living at or with an interest in the premises who were informed",
        message="Say who living at or with an interest in the premises was informed",
    )
    served_at = datetime_field("Date and time served")
    duration_hours = forms.IntegerField(
        label="How long the notice lasts, in hours",
        min_value=1,
        max_value=99,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        help_text="At most 24",
        error_messages={
            "required": "Enter how many hours the notice lasts",
            "invalid": "Enter the number of hours as a whole number",
            "min_value": "The notice must last at least 1 hour",
            "max_value": "Enter a number of hours of 24 or fewer",
        },
    )
    hearing_court = text_field("Magistrates' court hearing the application", textarea=False, max_length=200)
    hearing_at = datetime_field("Date and time of the hearing")
    housing_advice = text_field("Local housing advice contacts")
    legal_advice = text_field("Legal advice contacts")


class ClosureExtensionForm(GovUKForm):
    total_hours = forms.IntegerField(
        label="How long the notice lasts in all, in hours",
        min_value=1,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        help_text="At most 48 including the first period",
        error_messages={"required": "Enter how many hours the notice lasts in all"},
    )
    extended_by_role = radio(
        "Extension authorised by", ClosureExtensionAuthority.choices, message="Choose who authorised the extension"
    )
    extended_by_name = text_field("Name and rank or post of the authorising officer", textarea=False, max_length=200)


class ClosureDecisionForm(StatutoryHelpText, GovUKForm):
    statutory_help = {"ends_on": ("At most {} months", "closure.order_max_months")}

    decision = radio(
        "The court's decision",
        [("granted", "Closure order granted"), ("refused", "Closure order refused")],
        message="Choose the court's decision",
    )
    heard_at = datetime_field("Date and time of the hearing")
    court = text_field("Court", textarea=False, max_length=200)
    scope = forms.ChoiceField(
        label="Extent of the order", choices=ClosureScope.choices, widget=forms.RadioSelect, required=False
    )
    terms = text_field("Terms of a partial order (optional)", required=False)
    starts_on = GovUKDateField(label="Order starts (optional)", required=False)
    ends_on = GovUKDateField(label="Last day of the order (optional)", required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "granted":
            if not data.get("scope"):
                self.add_error("scope", "Choose whether the order closes all or part of the premises")
            if not data.get("starts_on"):
                self.add_error("starts_on", "Enter the date the order starts")
            if not data.get("ends_on"):
                self.add_error("ends_on", "Enter the last day of the order")
        return data


class ClosureOrderExtensionForm(StatutoryHelpText, GovUKForm):
    statutory_help = {"new_ends_on": ("Never more than {} months in all", "closure.order_total_max_months")}

    decided_on = GovUKDateField(label="Date of the court's decision")
    new_ends_on = GovUKDateField(label="New last day of the order")
    court = text_field("Court", textarea=False, max_length=200)


class ClosureAdjournmentForm(StatutoryHelpText, GovUKForm):
    statutory_help = {"new_hearing_at": ("At most {} days later", "closure.adjournment_max_days")}

    adjourned_on = GovUKDateField(label="Date the court adjourned the hearing")
    new_hearing_at = datetime_field("Date and time of the adjourned hearing")
    notice_continues = radio(
        "Did the court order the closure notice to continue in force until the adjourned hearing?",
        [("yes", "Yes, the notice continues in force until then"), ("no", "No")],
        message="Say whether the court ordered the closure notice to continue in force",
    )
    reason = text_field("The court's reason for adjourning", message="Enter the court's reason for adjourning")

    def clean_adjourned_on(self):
        return _not_future_date(self.cleaned_data.get("adjourned_on"), "date the court adjourned the hearing")

    def clean_notice_continues(self) -> bool:
        return self.cleaned_data.get("notice_continues") == "yes"


# --- Variation and discharge of orders ------------------------------------------------------------------


class OrderDecisionForm(GovUKForm):
    decided_on = GovUKDateField(label="Date of the court's decision")
    court = text_field("Court", textarea=False, max_length=200)

    def clean_decided_on(self):
        return _not_future_date(self.cleaned_data.get("decided_on"), "date of the court's decision")


class ClosureOrderVariationForm(StatutoryHelpText, OrderDecisionForm):
    statutory_help = {
        "new_ends_on": ("Never more than {} months from the start in all", "closure.order_total_max_months")
    }

    new_ends_on = GovUKDateField(
        label="New last day of the order (optional)",
        required=False,
    )
    new_terms = text_field("New terms (optional)", required=False, help_text="Which parts, persons and times")
    reason = text_field("The court's reasons or notes (optional)", required=False)


class CourtOrderVariationForm(OrderDecisionForm):
    new_ends_on = GovUKDateField(label="New last day of the order (optional)", required=False)
    new_prohibitions = text_field("New prohibitions (optional)", required=False, help_text="Replace the current ones")
    new_requirements = text_field("New requirements (optional)", required=False, help_text="Replace the current ones")
    reason = text_field("The court's reasons or notes (optional)", required=False)


class OrderDischargeForm(OrderDecisionForm):
    reason = text_field("Why the court discharged the order", message="Enter the reason the court discharged the order")


# --- CBOs and injunctions -------------------------------------------------------------------------------


def subject_parties(case):
    return (
        case.parties.filter(role__in=RECIPIENT_ROLES, person__isnull=False, is_anonymous=False)
        .select_related("person")
        .order_by("id")
    )


class CourtOrderForm(GovUKForm):
    subject = forms.ModelChoiceField(
        queryset=CaseParty.objects.none(),
        label="Subject of the order",
        empty_label="Choose a person on the case",
        error_messages={"required": "Choose who the order is against"},
    )
    subject_date_of_birth = GovUKDateField(label="Subject's date of birth")
    court = text_field("Court", textarea=False, max_length=200)
    application_heard_on = GovUKDateField(label="Date the application was heard")
    made_on = GovUKDateField(label="Date the order was made")
    starts_on = GovUKDateField(label="Order starts")
    ends_on = GovUKDateField(label="Last day of the order (optional)", required=False, help_text="Blank if indefinite")
    next_hearing_on = GovUKDateField(label="Next hearing (optional)", required=False)
    prohibitions = text_field("Prohibitions (optional)", required=False)
    requirements = text_field("Requirements (optional)", required=False)

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["subject"].queryset = subject_parties(case)
        self.fields["subject"].label_from_instance = lambda p: f"{p.person} ({p.get_role_display().lower()})"


class CBOForm(CourtOrderForm):
    conviction_offence = text_field("Offence convicted of", textarea=False, max_length=200)
    convicted_on = GovUKDateField(
        label="Date of the conviction (optional)",
        required=False,
        help_text="Decides the statute the order is made under: s22 of the 2014 Act before 1 December 2020, the "
        "Sentencing Code since. Blank means the day the order was made.",
    )


class InjunctionForm(CourtOrderForm):
    power_of_arrest = forms.BooleanField(required=False, label="A power of arrest is attached")
    power_of_arrest_terms = text_field(
        "Terms the power of arrest attaches to",
        required=False,
        help_text="Required when a power of arrest is attached: the prohibitions or requirements it attaches to",
    )
    power_of_arrest_ground = forms.ChoiceField(
        label="Ground the court found for attaching the power of arrest",
        choices=PowerOfArrestGround.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Required when a power of arrest is attached (s4(1) of the 2014 Act)",
    )
    risk_assessed_on = GovUKDateField(
        label="Date of the respondent's risk assessment (optional until required by law)", required=False
    )
    risk_assessment = text_field(
        "Risk assessment of the respondent (optional until required by law)",
        required=False,
        help_text="Their vulnerabilities, the risk of harassment, alarm or distress to anyone, other ways of "
        "preventing the behaviour, and any other material matters.",
    )

    def clean(self):
        data = super().clean()
        if data.get("power_of_arrest") and not (data.get("power_of_arrest_terms") or "").strip():
            self.add_error(
                "power_of_arrest_terms", "Enter the prohibitions or requirements the power of arrest attaches to"
            )
        if "power_of_arrest_ground" not in self.fields:
            return data
        if not data.get("power_of_arrest"):
            data["power_of_arrest_ground"] = ""
        elif not data.get("power_of_arrest_ground"):
            self.add_error(
                "power_of_arrest_ground",
                "Choose the ground the court found for attaching the power of arrest: violence or threatened "
                "violence against others, or a significant risk of harm to others (s4(1) of the 2014 Act)",
            )
        return data


class RespectOrderForm(InjunctionForm):
    """A Respect Order has an injunction's fields: terms, power of arrest and the pre-application assessment.
    The s4(1) ground for a power of arrest is the 2014 Act's condition for injunctions; nothing in the code or
    research-2026.md carries it over to Respect Orders, so their form does not ask for it."""

    power_of_arrest_ground = None


class OrderBreachForm(GovUKForm):
    occurred_on = GovUKDateField(label="Date of the breach")
    description = text_field("What happened", message="Describe what happened")
    action_taken = text_field("Action taken (optional)", required=False, help_text="Arrest, prosecution, committal")

    def clean_occurred_on(self):
        return _not_future_date(self.cleaned_data.get("occurred_on"), "date of the breach")


class ReviewForm(GovUKForm):
    reviewed_on = GovUKDateField(label="Date of the review")

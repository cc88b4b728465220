"""The partnership, its people and places, and ASB cases with everything that hangs off them."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

User = settings.AUTH_USER_MODEL


class AgencyKind(models.TextChoices):
    COUNCIL = "council", "Council"
    HOUSING = "housing", "Housing provider"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    FIRE = "fire", "Fire and rescue"
    HEALTH = "health", "Health / mental health"
    SOCIAL_CARE = "social_care", "Adult / children's social care"
    VICTIM_SUPPORT = "victim_support", "Victim support"
    VOLUNTARY = "voluntary", "Voluntary sector"


class Agency(models.Model):
    """A partner organisation. Its members share one Django group, which carries case permissions."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    is_active = models.BooleanField(default=True)
    records_costs = models.BooleanField(
        "Records case costs",
        default=False,
        help_text="Its officers record officer time and spend on the actions it owns (docs/case-costs.md).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Which agency a user works for: one agency per user."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    job_title = models.CharField(max_length=200, blank=True)
    work_phone = models.CharField(
        max_length=30, blank=True, help_text="Printed on the notices and letters this officer issues, with their email."
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user} at {self.agency}"


class Ward(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.SlugField(max_length=60, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    line1 = models.CharField("Address line 1", max_length=200)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100, default="London")
    postcode = models.CharField(max_length=10, db_index=True)
    uprn = models.BigIntegerField("UPRN", null=True, blank=True, unique=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="addresses")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "addresses"

    def __str__(self) -> str:
        from common.postcodes import format_postcode

        return ", ".join(part for part in (self.line1, self.line2, self.town, format_postcode(self.postcode)) if part)


class Person(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, db_index=True)
    date_of_birth = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="people")
    # Set when this record was found to be a duplicate and merged (casework.people.merge_people): its case
    # links moved to the survivor; the row stays so an unmerge can restore it and old notices still resolve.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_duplicates"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "people"
        permissions = [("merge_person", "Can merge duplicate people and undo a merge")]
        # PostgreSQL also has trigram GIN indexes on lower(last_name) (all, and the short ones), one on its
        # trigram set and a (dmetaphone(last_name), first initial) index (migrations 0008_person_index and
        # 0018_person_surname_trigram_sets); SQLite matches without them.

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PersonMerge(models.Model):
    """One merge of a duplicate person into a survivor: which case links and safety records moved, who did it and
    why; an unmerge moves exactly those back (links added to the survivor afterwards stay with it)."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_received")
    duplicate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_as_duplicate")
    moved_party_ids = models.JSONField(default=list)
    # the duplicate's safety records that moved with it (casework.safety.move_on_merge), so an unmerge moves
    # exactly those back: {"do_not_disclose": [ids], "withheld_from": [ids], "ended": [ids], "safe_contact": id}
    moved_records = models.JSONField(default=dict, blank=True)
    reason = models.TextField()
    merged_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField()
    unmerged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unmerged_at = models.DateTimeField(null=True, blank=True)
    unmerge_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=models.F("duplicate")), name="person_merge_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.duplicate} merged into {self.survivor}"


class VulnerabilityFlag(models.TextChoices):
    """What makes a person more vulnerable to harm from ASB (Home Office ASB risk matrices, the Housing
    Ombudsman's vulnerability findings, the Care Act's safeguarding duties)."""

    DISABILITY = "disability", "Physical disability"
    LEARNING_DISABILITY = "learning_disability", "Learning disability or difficulty"
    SENSORY = "sensory", "Sight or hearing impairment"
    MENTAL_HEALTH = "mental_health", "Mental health condition"
    LONG_TERM_ILLNESS = "long_term_illness", "Long-term illness"
    OLDER = "older", "Aged 65 or over"
    CHILD = "child", "Aged under 18"
    ISOLATED = "isolated", "Lives alone or is isolated"
    CHILDREN_IN_HOUSEHOLD = "children_in_household", "Children in the household"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SELF_HARM = "self_harm", "Risk of self-harm or suicide"
    SUBSTANCE_MISUSE = "substance_misuse", "Alcohol or drug dependency"
    LANGUAGE = "language", "Needs an interpreter or help with English"
    CARER = "carer", "A carer, or cared for"
    OTHER = "other", "Other (say in the details)"


class Vulnerability(models.Model):
    """Vulnerability and reasonable adjustments of one person, whichever case they are on (a separate record
    from Person, so a merge moves nothing: the survivor reads its duplicates' records too)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="vulnerability")
    flags = models.JSONField("Vulnerabilities", default=list, blank=True)
    details = models.TextField("Details", blank=True)
    reasonable_adjustments = models.TextField("Reasonable adjustments", blank=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "vulnerabilities"

    def __str__(self) -> str:
        return "Vulnerability and reasonable adjustments"  # never the person's name: partners read the timeline

    def flag_labels(self) -> list[str]:
        labels = dict(VulnerabilityFlag.choices)
        return [labels.get(flag, flag) for flag in self.flags]


class SafeguardingReferral(models.Model):
    """A safeguarding referral made for a person: to whom, when, by whom (and on which case it was recorded)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="safeguarding_referrals")
    case = models.ForeignKey("Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referred_to = models.CharField("Referred to", max_length=200)
    referred_on = models.DateField("Date of the referral")
    made_by = models.CharField("Made by", max_length=200)
    their_reference = models.CharField("Their reference", max_length=50, blank=True)
    reason = models.TextField("Why", blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]

    def __str__(self) -> str:
        return f"Safeguarding referral to {self.referred_to} on {_day(self.referred_on)}"


class Organisation(models.Model):
    """A business or body (a recipient of a CPN can be one, and so can a victim)."""

    name = models.CharField(max_length=200, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class CaseCategory(models.TextChoices):
    ASB_PERSONAL = "asb_personal", "ASB – personal"
    ASB_NUISANCE = "asb_nuisance", "ASB – nuisance"
    ASB_ENVIRONMENTAL = "asb_environmental", "ASB – environmental"
    NOISE = "noise", "Noise"
    DRUG_RELATED = "drug_related", "Drug-related"
    FLY_TIPPING = "fly_tipping", "Fly-tipping"
    LITTERING = "littering", "Littering"
    WASTE_DUTY_OF_CARE = "waste_duty_of_care", "Waste duty of care (s34)"
    GRAFFITI = "graffiti", "Graffiti and fly-posting"
    ABANDONED_VEHICLE = "abandoned_vehicle", "Abandoned vehicle"
    ENCAMPMENT = "encampment", "Unauthorised encampment"
    MEMBERS_ENQUIRY = "members_enquiry", "Member's enquiry"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    INVESTIGATING = "investigating", "Investigating"
    ENFORCEMENT = "enforcement", "Enforcement"
    MONITORING = "monitoring", "Monitoring"
    CLOSED = "closed", "Closed"


class CaseOutcome(models.TextChoices):
    RESOLVED = "resolved", "Resolved – behaviour stopped"
    ENFORCEMENT_SUCCESSFUL = "enforcement_successful", "Resolved through enforcement"
    REFERRED = "referred", "Referred to another agency"
    NO_FURTHER_ACTION = "no_further_action", "No further action possible"
    VICTIM_WITHDREW = "victim_withdrew", "Victim no longer wishes to proceed"
    UNFOUNDED = "unfounded", "Not substantiated"


class RiskLevel(models.TextChoices):
    NOT_ASSESSED = "", "Not assessed"
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200, help_text="A short description officers will recognise.")
    category = models.CharField(max_length=30, choices=CaseCategory.choices, db_index=True)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    location_description = models.CharField(max_length=200, blank=True)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="cases")
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="led_cases")
    officer = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="officer_cases")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True, default="", db_index=True)
    hate_related = models.BooleanField(default=False)
    opened_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=CaseOutcome.choices, blank=True)
    outcome_notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every edit; stops lost updates.")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        permissions = [
            ("view_case_sensitive", "Can see anonymous parties' identities and contact details"),
            ("view_all_cases", "Can see every case in the partnership, read-only"),
            ("sign_off_closure", "Can sign off the closure of a case at or above the sign-off risk level"),
        ]
        indexes = [
            models.Index(fields=["lead_agency", "status", "opened_at"]),
            models.Index(fields=["ward", "opened_at"]),
            models.Index(fields=["officer", "status"]),
            models.Index(fields=["status", "closed_at"]),
            # My work's "my open cases, newest first": 25 rows straight off the index (23 ms -> 0.3 ms at 1M).
            models.Index(
                fields=["officer", "-opened_at"], condition=~Q(status="closed"), name="casework_case_officer_open"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False) & ~Q(outcome="") | ~Q(status="closed"),
                name="case_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class CaseReferenceCounter(models.Model):
    """The last reference number handed out per year; locked row by row so numbers never repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        # Lists probe "may these groups see this case?" once per candidate case: answered from the index alone.
        indexes = [models.Index(fields=["content_object", "group", "permission"], name="casework_cgop_case_probe")]


def _day(moment) -> str:
    """A date as __str__ shows it: GOV.UK style, "3 December 2026"."""
    from django.utils import timezone

    from common.dates import govuk_date

    if moment is None:
        return ""
    if hasattr(moment, "tzinfo") and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return govuk_date(moment)


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    WITNESS = "witness", "Witness"
    COMPLAINANT = "complainant", "Complainant"
    PERSON_CAUSING_HARM = "person_causing_harm", "Person causing harm"
    LANDLORD = "landlord", "Landlord"
    OTHER = "other", "Other"


class CaseParty(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=30, choices=PartyRole.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="case_roles")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="case_roles"
    )
    is_anonymous = models.BooleanField(
        default=False, help_text="Identity and contact details are seen by the lead agency only."
    )
    notes = models.TextField(blank=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "case parties"
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="party_is_person_or_organisation",
            )
        ]

    def __str__(self) -> str:
        # An anonymous party is never named, wherever it is shown.
        if self.is_anonymous:
            return f"Anonymous {self.get_role_display().lower()}"
        return f"{self.party} ({self.get_role_display().lower()})"

    @property
    def party(self):
        return self.person or self.organisation


class HateCharacteristic(models.TextChoices):
    """The monitored strands of hate crime (perception-based, as the police and the NM01 measure record them),
    plus alternative subculture, which Barnet and several forces also record."""

    RACE = "race", "Race or ethnicity"
    RELIGION = "religion", "Religion or belief"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    DISABILITY = "disability", "Disability"
    TRANSGENDER = "transgender", "Transgender identity"
    OTHER = "other", "Alternative subculture or other"


class Incident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField()
    reported_at = models.DateTimeField()
    reported_to = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="incidents_reported")
    agency_reference = models.CharField("Their reference", max_length=50, blank=True)
    description = models.TextField()
    hate_related = models.BooleanField(default=False)
    # The protected characteristics the victim or anyone else perceives it targeted (HateCharacteristic codes).
    hate_characteristics = models.JSONField("Hate: targeted because of", default=list, blank=True)
    reported_by = models.ForeignKey(
        CaseParty, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents_reported"
    )
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["case", "occurred_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__gte=models.F("occurred_at")), name="incident_reported_after_it_occurred"
            )
        ]

    def __str__(self) -> str:
        return f"Incident on {_day(self.occurred_at)}"

    def hate_characteristic_labels(self) -> list[str]:
        labels = dict(HateCharacteristic.choices)
        return [labels.get(code, code) for code in self.hate_characteristics or []]


class RiskAssessment(models.Model):
    """A victim risk questionnaire; answers are stored as given and the score is computed by services."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    victim = models.ForeignKey(
        CaseParty, null=True, blank=True, on_delete=models.SET_NULL, related_name="risk_assessments"
    )
    answers = models.JSONField(default=dict)
    repeat_victimisation_count = models.PositiveIntegerField(
        default=0, help_text="Times the victim has reported ASB in the last 12 months."
    )
    score = models.PositiveIntegerField()
    level = models.CharField(max_length=10, choices=RiskLevel.choices[1:])
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    assessed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} risk assessment of {_day(self.assessed_at)}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class NotDoneReason(models.TextChoices):
    """Why an action was closed without being done: the ombudsmen ask which of the two it was."""

    NOT_POSSIBLE = "not_possible", "Not possible"
    NOT_UNDERTAKEN = "not_undertaken", "Not undertaken"


class Action(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="actions")
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    not_done_reason = models.CharField(max_length=20, choices=NotDoneReason.choices, blank=True)
    not_done_explanation = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["owner_agency", "status", "due_date"]),
            models.Index(fields=["owner", "status", "due_date"]),
            # My work's two lists walk the open actions in due order and stop at their 25th visible one, instead of
            # sorting every open action of the agency (a number that grows with the data; issue 23)
            models.Index(
                fields=["owner_agency", "due_date", "id"],
                condition=Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                name="action_open_agency_due",
            ),
            models.Index(
                fields=["owner", "due_date", "id"],
                condition=Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]),
                name="action_open_owner_due",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    author_agency = models.ForeignKey(Agency, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Note of {_day(self.created_at)}" if self.created_at else "Note"


class EvidenceKind(models.TextChoices):
    WITNESS_STATEMENT = "witness_statement", "Witness statement"
    PHOTO = "photo", "Photograph"
    BODY_WORN_VIDEO = "body_worn_video", "Body-worn video reference"
    DIARY_SHEET = "diary_sheet", "Diary sheet"
    DOCUMENT = "document", "Other document"


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    """Store under a random name: the user's filename never reaches the file system."""
    import uuid

    return f"evidence/{instance.case_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=30, choices=EvidenceKind.choices)
    description = models.CharField(max_length=500)
    file = models.FileField(upload_to=evidence_upload_to, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    external_reference = models.CharField(
        max_length=100, blank=True, help_text="e.g. a body-worn video system reference"
    )
    redacted = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.description[:60]


class LegalBasis(models.TextChoices):
    CDA_S115 = "cda_s115", "s115 Crime and Disorder Act 1998"
    ISA = "isa", "Partnership information-sharing agreement"
    ASB_ACT_S104 = "asb_s104", "s104 ASB, Crime and Policing Act 2014 (case review)"
    DPA_PART3 = "dpa_part3", "DPA 2018 Part 3 (law enforcement purposes)"
    CONSENT = "consent", "Consent of the data subject"
    SAFEGUARDING = "safeguarding", "Safeguarding (Care Act 2014 / Children Act 1989)"
    # Data (Use and Access) Act 2025, in force 5 February 2026; dates and explanations: governance.LawfulBasis.
    RECOGNISED_LEGITIMATE_INTERESTS = "recognised_li", "Recognised legitimate interests (UK GDPR Art. 6(1)(ea))"


class CaseShare(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_shares")
    can_change = models.BooleanField(default=False)
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    purpose = models.TextField()
    shared_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    shared_at = models.DateTimeField()
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-shared_at"]
        indexes = [models.Index(fields=["agency", "shared_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"], condition=Q(revoked_at__isnull=True), name="one_live_share_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"Shared with {self.agency}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


# --- The partner API's tokens (accounts/api.py; docs/api.md) ---


class ApiToken(models.Model):
    """A partner system's key to the API, acting as one user with that user's permissions.

    Only a SHA-256 hash of the secret is stored: the secret is shown once, when the token is created.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the system that uses it.")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=16, help_text="The secret's first characters, to recognise it by.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    @property
    def expires_at(self):
        """Tokens live SECURITY["API_TOKEN_DAYS"] days from creation (default 90), so a forgotten one dies."""
        from datetime import timedelta

        from django.conf import settings

        return self.created_at + timedelta(days=getattr(settings, "SECURITY", {}).get("API_TOKEN_DAYS", 90))

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return timezone.now() >= self.expires_at


# --- Sign-in security per role (accounts/two_factor.py; docs/security.md) ---


class RoleSecurityPolicy(models.Model):
    """What a role group demands at sign-in: administrators decide in Django admin which roles need two-factor."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="security_policy")
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Members must set up an authenticator app and enter a code from it every time they sign in.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "role security policy"
        verbose_name_plural = "role security policies"

    def __str__(self) -> str:
        return f"{self.group.name}: two-factor {'required' if self.require_two_factor else 'optional'}"


# --- The victim's journey (casework/victim.py, casework/closure.py; docs/victim-journey.md) ---


class CaseSchedule(models.Model):
    """What the victim's risk asks of the case: its priority, when the victim must next be contacted and when
    the case must next be reviewed. Kept beside the case (not on it) so logging a contact never makes
    someone's open edit form out of date."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="schedule")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices[1:])
    priority = models.PositiveSmallIntegerField(help_text="1 is the most urgent.")
    response_due_at = models.DateTimeField(help_text="First contact with the victim due by (the response target).")
    contact_every_days = models.PositiveSmallIntegerField()
    review_every_days = models.PositiveSmallIntegerField()
    next_contact_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_review_due = models.DateField(null=True, blank=True, db_index=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Contact and review schedule of {self.case.reference}"


class ProgressReview(models.Model):
    """A supervisory review of the case at the frequency its risk sets (not the statutory ASB Case Review)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress_reviews")
    reviewed_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self) -> str:
        return f"Progress review of {self.case.reference} on {_day(self.reviewed_at)}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    THROUGH_SUPPORT = "through_support", "Through their support worker or advocate"


class VictimConsent(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_ASKED = "not_asked", "Not asked yet"


class VictimContactPlan(models.Model):
    """How often and how the victim agreed to be kept updated, and what keeps contact safe."""

    party = models.OneToOneField(CaseParty, on_delete=models.CASCADE, related_name="contact_plan")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_plans")
    every_days = models.PositiveSmallIntegerField("Contact every (days)")
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    safe_contact = models.TextField(
        blank=True, help_text="When and how it is safe to make contact, e.g. no voicemail, not after 6pm."
    )
    consents_to_sharing = models.CharField(
        max_length=10, choices=VictimConsent.choices, default=VictimConsent.NOT_ASKED
    )
    agreed_on = models.DateField()
    agreed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Contact plan for {self.party}"


class VictimContact(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victim_contacts")
    party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="contacts")
    contacted_at = models.DateTimeField()
    channel = models.CharField(max_length=20, choices=ContactChannel.choices)
    summary = models.TextField()
    contacted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey(Agency, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-contacted_at", "-id"]
        indexes = [models.Index(fields=["case", "contacted_at"])]

    def __str__(self) -> str:
        return f"Contact with {self.party} on {_day(self.contacted_at)}"


class CaseReviewToldBy(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"


class CaseReviewExplained(models.Model):
    """The victim was told about the ASB Case Review (2025 statutory guidance: at the second report in six
    months), when, how and by whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_review_explanations")
    party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="case_review_explanations")
    told_on = models.DateField()
    told_by = models.CharField(max_length=10, choices=CaseReviewToldBy.choices)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-told_on", "-id"]

    def __str__(self) -> str:
        return f"Case Review explained to {self.party} on {_day(self.told_on)}"


class ClosureStatus(models.TextChoices):
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting a manager's sign-off"
    SIGNED_OFF = "signed_off", "Signed off"
    REFUSED = "refused", "Sign-off refused"
    CLOSED = "closed", "Closed"


class CaseClosure(models.Model):
    """A decision to close a case: the outcome, the reasons and, at high enough risk, a manager's sign-off."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    outcome = models.CharField(max_length=30, choices=CaseOutcome.choices)
    reasons = models.TextField()
    status = models.CharField(max_length=20, choices=ClosureStatus.choices)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    requested_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Closure of {self.case.reference}: {self.get_status_display().lower()}"


class SatisfactionSurvey(models.Model):
    """A one-use link for the victim to say how the case was handled. Only a hash of the token is kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="surveys")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1 (very dissatisfied) to 5.")
    kept_informed = models.BooleanField(null=True, blank=True)
    comments = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"Satisfaction survey on {self.case.reference}"


# --- Case exports too big to stream within one request (casework/exports.py; docs/performance.md) ---


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Being prepared"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Expired"


def case_export_upload_to(instance: "CaseExport", filename: str) -> str:
    return f"exports/{instance.public_id}.csv"


class CaseExport(models.Model):
    """A CSV of cases written by a background job, for its requester only, kept for a few days.

    The filters are kept as the query string the user had on the case list and are re-applied, through the access
    path, for the requester when the job runs: the file holds exactly what they could see at that moment.
    """

    public_id = models.UUIDField(unique=True, editable=False)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="case_exports")
    query = models.TextField(blank=True, help_text="The case list's filters, as a query string.")
    filters_described = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to=case_export_upload_to, blank=True, max_length=200)
    error = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="case_export_mine_idx")]

    def __str__(self) -> str:
        return f"Case export asked for on {_day(self.requested_at)} ({self.get_status_display().lower()})"


class SpendKind(models.TextChoices):
    MEDIATION = "mediation", "Mediation"
    CLEAN_UP = "clean_up", "Clean-up"
    LEGAL = "legal", "Legal"
    REPAIRS = "repairs", "Repairs or security"
    SUPPORT = "support", "Victim support"
    OTHER = "other", "Other"


class ActionCost(models.Model):
    """Officer time and spend on one action, for an agency that records costs (docs/case-costs.md).

    The cost is the agency's that owns the action (`agency`, copied when recorded), whoever of it or of the
    lead agency records it; its own agency and the lead agency see it, no one else on the case.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="costs")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="action_costs")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="action_costs")
    spent_on = models.DateField()
    minutes = models.PositiveIntegerField(default=0, help_text="Officer time, in minutes.")
    spend = models.DecimalField(max_digits=9, decimal_places=2, default=0, help_text="Money spent, in pounds.")
    spend_kind = models.CharField(max_length=20, choices=SpendKind.choices, blank=True)
    description = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["spent_on", "id"]
        indexes = [models.Index(fields=["spent_on", "agency"], name="action_cost_period_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(spend__gte=0), name="action_cost_spend_not_negative"),
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0) | models.Q(spend__gt=0), name="action_cost_time_or_spend"
            ),
            models.CheckConstraint(
                condition=models.Q(spend=0) | ~models.Q(spend_kind=""), name="action_cost_spend_has_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"Cost of {_day(self.spent_on)} on {self.action}"


class SafeContact(models.Model):
    """How and when it is safe to contact a person (a victim): channels, times, voicemail, notes.

    Kept beside Person, not on it, so the person record stays small; one row per person, changed in place with
    history (casework.safety.set_safe_contact).
    """

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="safe_contact")
    phone_ok = models.BooleanField("Safe to phone", default=False)
    text_ok = models.BooleanField("Safe to text", default=False)
    email_ok = models.BooleanField("Safe to email", default=False)
    letter_ok = models.BooleanField("Safe to write", default=False)
    visit_ok = models.BooleanField("Safe to visit", default=False)
    no_voicemail = models.BooleanField("Do not leave voicemail", default=False)
    safe_times = models.CharField("Safe times", max_length=200, blank=True)
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField()
    history = HistoricalRecords()

    CHANNELS = ("phone_ok", "text_ok", "email_ok", "letter_ok", "visit_ok")

    def __str__(self) -> str:
        return f"Safe contact for {self.person}"

    @property
    def safe_channels(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name).removeprefix("Safe to ")
            for name in self.CHANNELS
            if getattr(self, name)
        ]


class DoNotDisclose(models.Model):
    """Someone (another person, such as an ex-partner) or an agency that a person's address and contact details
    must never reach. Ended, never deleted, so the history shows who protected whom and when."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="do_not_disclose")
    withheld_from_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withheld_from",
        verbose_name="Withheld from (person)",
    )
    withheld_from_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="withheld_from",
        verbose_name="Withheld from (agency)",
    )
    reason = models.TextField()
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField()
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "do-not-disclose entry"
        verbose_name_plural = "do-not-disclose entries"
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withheld_from_person__isnull=False, withheld_from_agency__isnull=True)
                | Q(withheld_from_person__isnull=True, withheld_from_agency__isnull=False),
                name="do_not_disclose_person_or_agency",
            ),
            models.UniqueConstraint(
                fields=["person", "withheld_from_person"],
                condition=Q(ended_at__isnull=True, withheld_from_person__isnull=False),
                name="do_not_disclose_one_open_per_person",
            ),
            models.UniqueConstraint(
                fields=["person", "withheld_from_agency"],
                condition=Q(ended_at__isnull=True, withheld_from_agency__isnull=False),
                name="do_not_disclose_one_open_per_agency",
            ),
        ]
        indexes = [
            # "whose details are withheld from this agency?" asked on every page a listed agency opens
            models.Index(fields=["withheld_from_agency"], condition=Q(ended_at__isnull=True), name="dnd_open_agency"),
            models.Index(fields=["withheld_from_person"], condition=Q(ended_at__isnull=True), name="dnd_open_person"),
        ]

    def __str__(self) -> str:
        return f"Do not disclose {self.person}'s details to {self.withheld_from}"

    @property
    def withheld_from(self):
        return self.withheld_from_person or self.withheld_from_agency


class SignpostingDecision(models.Model):
    """The partnership's decision to switch signposting across agencies on or off (docs/decisions/0016).

    One row per decision, never changed: the latest recorded row is the state, and no row means off. A partner
    looking at a person they hold is then told which other agencies also hold records of them, never the records.
    """

    enabled = models.BooleanField("Signposting on", default=False)
    legal_basis = models.CharField(
        max_length=30,
        choices=LegalBasis.choices,
        blank=True,
        help_text="The basis each signpost is disclosed under (required to switch it on).",
    )
    purpose = models.TextField(
        blank=True, help_text="What the partnership agreed signposting is for, as the data sharing agreement says."
    )
    decided_on = models.DateField("Date of the board's decision")
    decision_reference = models.CharField(
        max_length=200, help_text="The board meeting and minute, or the data sharing agreement clause."
    )
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = "signposting decision"
        constraints = [
            models.CheckConstraint(
                condition=Q(enabled=False) | ~Q(legal_basis=""), name="signposting_on_needs_a_legal_basis"
            )
        ]

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"Signposting {state}: {self.decision_reference}"


class CaseListCount(models.Model):
    """How many cases each group holds view on, by ward and status: the case list's filtered count from one small
    read instead of a probe of every candidate case (casework/list_counts.py, docs/performance.md "Fourth round").
    Kept in the transaction of every grant or removal of a view permission and every change of a case's ward or
    status; `manage.py rebuild_case_list_counts` recounts it exactly."""

    group_id = models.IntegerField()
    ward_id = models.BigIntegerField()
    status = models.CharField(max_length=20)
    cases = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["group_id", "ward_id", "status"], name="casework_caselistcount_key")
        ]

    def __str__(self) -> str:
        return f"group {self.group_id}, ward {self.ward_id}, {self.status}: {self.cases}"

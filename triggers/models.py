"""Community Trigger / ASB Case Review (s104 ASB, Crime and Policing Act 2014).

An Application comes from a victim (or someone applying for them with consent) through the public form
or by phone, email or letter. The partnership checks it against the local threshold, decides, reviews
the case with the relevant bodies, writes to the applicant with the outcome and may be asked to have
its handling escalated (in London to MOPAC). Applications have no case of their own: they are owned by
the agency that receives them and may be linked to existing casework cases.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from casework.models import ActionStatus, Agency, Case, Person
from common.dates import govuk_date

User = settings.AUTH_USER_MODEL


class Channel(models.TextChoices):
    ONLINE = "online", "Online form"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    THIRD_PARTY = "third_party", "Through a third party (a councillor, MP or support worker)"


class ApplyingFor(models.TextChoices):
    SELF = "self", "The victim is applying"
    SOMEONE_ELSE = "someone_else", "Someone is applying for the victim, with their consent"


class ContactPreference(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"


class ReportedTo(models.TextChoices):
    COUNCIL = "council", "Barnet Council"
    POLICE = "police", "Police"
    HOUSING = "housing", "Housing provider"
    HEALTH = "health", "Health service"
    OTHER = "other", "Someone else"


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    THRESHOLD_MET = "threshold_met", "Threshold met"
    THRESHOLD_NOT_MET = "threshold_not_met", "Threshold not met"
    REVIEW_ARRANGED = "review_arranged", "Review arranged"
    REVIEWED = "reviewed", "Review held"
    OUTCOME_SENT = "outcome_sent", "Outcome sent"
    PCC_REVIEW = "pcc_review", "Under review by the PCC"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The application's lifecycle. "Not met" still gets a response and may still be reviewed.
TRANSITIONS: dict[str, set[str]] = {
    ApplicationStatus.RECEIVED: {
        ApplicationStatus.THRESHOLD_MET,
        ApplicationStatus.THRESHOLD_NOT_MET,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.THRESHOLD_MET: {ApplicationStatus.REVIEW_ARRANGED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.THRESHOLD_NOT_MET: {
        ApplicationStatus.REVIEW_ARRANGED,
        ApplicationStatus.OUTCOME_SENT,
        ApplicationStatus.WITHDRAWN,
    },
    ApplicationStatus.REVIEW_ARRANGED: {ApplicationStatus.REVIEWED, ApplicationStatus.WITHDRAWN},
    ApplicationStatus.REVIEWED: {ApplicationStatus.OUTCOME_SENT},
    # From commencement of the Crime and Policing Act 2026's PCC review (statutory/rules.py case_review.pcc_review)
    # the applicant may ask the local policing body to review the Case Review once its outcome is known.
    ApplicationStatus.OUTCOME_SENT: {ApplicationStatus.CLOSED, ApplicationStatus.PCC_REVIEW},
    ApplicationStatus.PCC_REVIEW: {ApplicationStatus.CLOSED},
    ApplicationStatus.CLOSED: {ApplicationStatus.PCC_REVIEW},
    ApplicationStatus.WITHDRAWN: set(),
}

OPEN_STATUSES = [
    ApplicationStatus.RECEIVED,
    ApplicationStatus.THRESHOLD_MET,
    ApplicationStatus.THRESHOLD_NOT_MET,
    ApplicationStatus.REVIEW_ARRANGED,
    ApplicationStatus.REVIEWED,
]


class Application(models.Model):
    """One request for an ASB Case Review."""

    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED, db_index=True
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="trigger_applications")
    received_at = models.DateTimeField(db_index=True)

    applicant_name = models.CharField(max_length=200)
    applicant_email = models.EmailField(blank=True)
    applicant_phone = models.CharField(max_length=30, blank=True)
    applicant_address = models.CharField(max_length=300, blank=True)
    applicant_postcode = models.CharField(max_length=10, blank=True, db_index=True)
    applicant_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trigger_applications",
        help_text="The applicant in the person index, when staff have said who they are (docs/people-and-places.md).",
    )
    contact_preference = models.CharField(max_length=10, choices=ContactPreference.choices)
    applying_for = models.CharField(max_length=20, choices=ApplyingFor.choices, default=ApplyingFor.SELF)
    victim_name = models.CharField(
        max_length=200, blank=True, help_text="When someone applies for the victim: a person, business or group."
    )
    victim_relationship = models.CharField(max_length=200, blank=True)
    victim_consent = models.BooleanField(default=False)

    problem_description = models.TextField()
    problem_location = models.CharField(max_length=300)
    problem_postcode = models.CharField(max_length=10, blank=True, db_index=True)
    hate_related = models.BooleanField(default=False)

    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_method = models.CharField(max_length=10, choices=ContactPreference.choices, blank=True)
    acknowledge_by = models.DateField(db_index=True)
    threshold_decision_by = models.DateField(db_index=True)
    threshold_met = models.BooleanField(null=True, blank=True)
    threshold_reason = models.TextField(blank=True, help_text="Why the manager decided as they did.")
    threshold_reasoning = models.TextField(blank=True, help_text="The threshold check as it stood at the decision.")
    threshold_decided_at = models.DateTimeField(null=True, blank=True)
    threshold_decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    review_meeting_by = models.DateField(null=True, blank=True, db_index=True)
    outcome_by = models.DateField(null=True, blank=True, db_index=True)
    outcome_summary = models.TextField(blank=True)
    outcome_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_notes = models.TextField(blank=True)
    next_due = models.DateField(
        null=True, blank=True, db_index=True, help_text="The next deadline for the partnership; empty when done."
    )
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    single_point_of_contact = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The one person the applicant deals with throughout (2025 guidance).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["owner_agency", "status", "next_due"]),
            models.Index(fields=["owner_agency", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(applying_for="self") | Q(victim_consent=True),
                name="trigger_third_party_has_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ApplicationReferenceCounter(models.Model):
    """The last application number handed out per year; locked so numbers never repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ApplicationIncident(models.Model):
    """An incident the applicant says they reported: what the threshold check counts."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField()
    reported_on = models.DateField()
    reported_to = models.CharField(max_length=20, choices=ReportedTo.choices)
    agency_reference = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    hate_related = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_on__gte=models.F("occurred_on")), name="trigger_incident_reported_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on:%d %b %Y} reported to {self.get_reported_to_display()}"


class CaseLink(models.Model):
    """An existing casework case about the same problem; its incidents feed the threshold check."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="case_links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="trigger_links")
    found_by = models.CharField(max_length=200, blank=True)
    linked_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "case"], name="trigger_link_once")]

    def __str__(self) -> str:
        return f"{self.application} linked to case {self.case.reference}"


class CaseReview(models.Model):
    """The multi-agency review meeting for an application."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="review")
    meeting_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    held_on = models.DateField(null=True, blank=True, db_index=True)
    findings = models.TextField(blank=True)
    chair = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    victim_invited = models.BooleanField(
        null=True, blank=True, help_text="Whether the victim was invited to the review meeting (2025 guidance)."
    )
    victim_not_invited_reason = models.TextField(
        blank=True, help_text="Why not: the victim is told this in writing (the outcome letter)."
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Case Review of {self.application} on {govuk_date(self.meeting_on)}"


class ReviewContribution(models.Model):
    """One body's part in the review: whether it attended and what it knew about the case."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(default=False)
    information = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="Who gave the information."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["review", "agency"], name="trigger_contribution_once")]

    def __str__(self) -> str:
        return f"{self.agency} at the {self.review}"


class Recommendation(models.Model):
    """A recommendation of the review, owned by one body, with a due date: the review's action plan."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner_agency", "status", "due_date"])]

    def __str__(self) -> str:
        return self.description[:60]


class EscalationStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONCLUDED = "concluded", "Concluded"


ESCALATION_TRANSITIONS: dict[str, set[str]] = {
    EscalationStatus.REQUESTED: {EscalationStatus.CONCLUDED},
    EscalationStatus.CONCLUDED: set(),
}


class EscalationResult(models.TextChoices):
    HANDLING_UPHELD = "handling_upheld", "The handling was reasonable: no change"
    FURTHER_RECOMMENDATIONS = "further_recommendations", "Further recommendations were made"
    REVIEW_AGAIN = "review_again", "The case must be reviewed again"


class EscalationKind(models.TextChoices):
    LOCAL = "local", "Escalation under the local Case Review procedure"
    PCC_REVIEW = "pcc_review", "Statutory review by the PCC (Crime and Policing Act 2026)"


class Escalation(models.Model):
    """The applicant asked for the handling of their application to be reviewed (in London, by MOPAC): under
    the local procedure, or from commencement as the statutory PCC review of the Case Review."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="escalations")
    kind = models.CharField(max_length=20, choices=EscalationKind.choices, default=EscalationKind.LOCAL)
    requested_on = models.DateField()
    body = models.CharField(max_length=200)
    grounds = models.TextField()
    status = models.CharField(max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.REQUESTED)
    result = models.CharField(max_length=30, choices=EscalationResult.choices, blank=True)
    result_notes = models.TextField(blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="requested") | ~Q(result="") & Q(concluded_on__isnull=False),
                name="trigger_escalation_concluded_has_result",
            )
        ]

    def __str__(self) -> str:
        return f"Escalation of {self.application} to {self.body}"


class OutcomeLetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    SENT = "sent", "Sent"


class OutcomeChannel(models.TextChoices):
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter by post"


# draft -> approved (by a manager who did not write it) -> sent; editing an approved letter returns it to draft.
OUTCOME_LETTER_TRANSITIONS: dict[str, set[str]] = {
    OutcomeLetterStatus.DRAFT: {OutcomeLetterStatus.APPROVED},
    OutcomeLetterStatus.APPROVED: {OutcomeLetterStatus.SENT, OutcomeLetterStatus.DRAFT},
    OutcomeLetterStatus.SENT: set(),
}


class OutcomeLetter(models.Model):
    """The outcome letter to the applicant: written, previewed, approved by a second manager, then sent by the
    applicant's channel (an email through the notification service, or a printed letter with its posting date).
    The application becomes "outcome sent" only when this letter is sent (decision 0014)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="outcome_letter")
    status = models.CharField(max_length=10, choices=OutcomeLetterStatus.choices, default=OutcomeLetterStatus.DRAFT)
    channel = models.CharField(max_length=10, choices=OutcomeChannel.choices)
    body = models.TextField(help_text="What we found and what happens next, in the officer's words.")
    written_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField()
    approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.CharField(max_length=254, blank=True, help_text="The email address it was sent to.")
    posted_on = models.DateField(null=True, blank=True, help_text="For a letter: the date it was posted.")
    history = HistoricalRecords()

    class Meta:
        permissions = [("approve_outcomeletter", "Can approve a Case Review outcome letter written by someone else")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="trigger_outcome_letter_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent")
                | Q(sent_at__isnull=False) & (Q(channel="email") | Q(posted_on__isnull=False)),
                name="trigger_outcome_letter_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Outcome letter for {self.application} ({self.get_status_display().lower()})"

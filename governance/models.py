"""Information governance records: subject access requests and data-protection complaints.

Each is a register an auditor (the information governance role) keeps; every step is a dated field written by
one service, with history, and each step writes an access-log row.
"""

from datetime import date

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from . import clock

User = settings.AUTH_USER_MODEL


class SarStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    IDENTITY_CHECKED = "identity_checked", "Identity checked"
    CLARIFYING = "clarifying", "Waiting for the requester to clarify"
    SEARCHED = "searched", "Searches recorded"
    DECIDED = "decided", "Decided"


class SarDecision(models.TextChoices):
    DISCLOSED = "disclosed", "Disclosed in full"
    DISCLOSED_REDACTED = "disclosed_redacted", "Disclosed with third-party information redacted"
    NO_DATA = "no_data", "We hold no personal data about the requester"
    REFUSED = "refused", "Refused (manifestly unfounded or excessive, or an exemption applies)"


class SubjectAccessRequest(models.Model):
    person = models.ForeignKey("casework.Person", on_delete=models.PROTECT, related_name="subject_access_requests")
    requester_name = models.CharField(
        max_length=200, help_text="Who made the request: the person, or someone acting for them."
    )
    received_on = models.DateField()
    status = models.CharField(max_length=20, choices=SarStatus.choices, default=SarStatus.RECEIVED)
    identity_checked_on = models.DateField(null=True, blank=True)
    identity_evidence = models.CharField(max_length=200, blank=True)
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    searches = models.TextField(
        blank=True, help_text="What was searched, and why that is reasonable and proportionate."
    )
    searched_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=30, choices=SarDecision.choices, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pack_generated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "subject access request"

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"SAR-{self.pk:05d}" if self.pk else "SAR (new)"

    def clock(self, pauses=None) -> clock.SarClock:
        pauses = self.pauses.all() if pauses is None else pauses
        return clock.sar_clock(
            received_on=self.received_on,
            extended=self.extended_on is not None,
            pauses=[clock.Pause(p.paused_on, p.resumed_on) for p in pauses],
        )


class SarPause(models.Model):
    """The clock stopped while the requester was asked to clarify (DUAA 2025)."""

    request = models.ForeignKey(SubjectAccessRequest, on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)
    question = models.TextField(help_text="What the requester was asked to clarify.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["paused_on", "id"]

    def __str__(self) -> str:
        return f"{self.request} paused {self.paused_on}"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    INVESTIGATING = "investigating", "Being investigated"
    CLOSED = "closed", "Outcome given"


class ComplaintOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    PARTLY_UPHELD = "partly_upheld", "Partly upheld"
    NOT_UPHELD = "not_upheld", "Not upheld"
    WITHDRAWN = "withdrawn", "Withdrawn"


class DataProtectionComplaint(models.Model):
    """A complaint about how we handled someone's personal data (duty from 19 June 2026, DUAA 2025 s103)."""

    complainant = models.CharField(max_length=200)
    person = models.ForeignKey(
        "casework.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="dp_complaints"
    )
    summary = models.TextField(help_text="What the complaint is about.")
    received_on = models.DateField()
    status = models.CharField(max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    acknowledged_on = models.DateField(null=True, blank=True)
    investigation_started_on = models.DateField(null=True, blank=True)
    investigator = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=ComplaintOutcome.choices, blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_summary = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "data-protection complaint"

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DPC-{self.pk:05d}" if self.pk else "DPC (new)"

    @property
    def acknowledge_by(self) -> date:
        return clock.complaint_acknowledge_by(self.received_on)

    @property
    def acknowledged_late(self) -> bool:
        done = self.acknowledged_on or date.today()
        return done > self.acknowledge_by


class Regime(models.TextChoices):
    UK_GDPR = "uk_gdpr", "UK GDPR and DPA 2018 Part 2 (general processing)"
    DPA_PART3 = "dpa_part3", "DPA 2018 Part 3 (law enforcement processing by a competent authority)"


class LawfulBasis(models.Model):
    """The maintained list of lawful bases for sharing and disclosure, each with dates of effect.

    `code` is what a share or disclosure stores (the existing casework.LegalBasis values stay valid).
    """

    code = models.CharField(max_length=30, unique=True)
    label = models.CharField(max_length=200)
    explanation = models.TextField(help_text="One or two sentences shown where the basis is chosen.")
    regime = models.CharField(max_length=10, choices=Regime.choices, blank=True, help_text="Blank: either regime.")
    effective_from = models.DateField(null=True, blank=True)
    effective_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="The statute or guidance.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )


class AgencyPurpose(models.Model):
    """Which data-protection regime an agency processes under, per purpose (a police force investigating ASB
    as a crime is a competent authority under Part 3; its licensing work is not)."""

    agency = models.ForeignKey("casework.Agency", on_delete=models.PROTECT, related_name="processing_purposes")
    purpose = models.CharField(max_length=200)
    regime = models.CharField(max_length=10, choices=Regime.choices)
    effective_from = models.DateField()
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "purpose"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.purpose} ({self.get_regime_display()})"


class DataRequest(models.Model):
    """A request from another public body for personal data we hold: who asked, under which basis, what was given."""

    requesting_body = models.CharField(max_length=200)
    requester = models.CharField(max_length=200, help_text="Name and role of the person who asked.")
    received_on = models.DateField()
    lawful_basis = models.ForeignKey(LawfulBasis, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("casework.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested = models.TextField(help_text="What was asked for.")
    given = models.TextField(blank=True, help_text="What was disclosed; blank if nothing.")
    refused_reason = models.TextField(blank=True)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"{self.requesting_body} {self.received_on}"

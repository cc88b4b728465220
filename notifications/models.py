"""Notifications in the app, people's preferences, agencies' shared mailboxes and the delivery log.

A Notification is what a user sees under "Notifications". A Delivery is one message to one address on one
channel (email or SMS): the delivery log administrators read. Both are written in the transaction of the change
that caused them, and the job that sends a Delivery is queued in that same transaction (decision 0012).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Event(models.TextChoices):
    CASE_SHARED = "case_shared", "Case shared"
    SHARE_REVOKED = "share_revoked", "Share revoked"
    ACTION_ASSIGNED = "action_assigned", "Action assigned"
    ACTION_DUE = "action_due", "Action due tomorrow"
    ACTION_OVERDUE = "action_overdue", "Action overdue"
    ENFORCEMENT_DEADLINE = "enforcement_deadline", "Enforcement deadline"
    MARAC_REFERRAL_RECEIVED = "marac_referral_received", "CS MARAC referral received"
    MARAC_REFERRAL_SCREENED = "marac_referral_screened", "CS MARAC screening decided"
    MARAC_INFORMATION_REQUESTED = "marac_information_requested", "CS MARAC more information requested"
    MARAC_RESEARCH_REQUESTED = "marac_research_requested", "CS MARAC research requested"
    MARAC_PANEL_PUBLISHED = "marac_panel_published", "CS MARAC panel list published"
    TRIGGER_RECEIVED = "trigger_received", "Case Review application received"
    TRIGGER_THRESHOLD_DECIDED = "trigger_threshold_decided", "Case Review threshold decided"
    TRIGGER_OUTCOME_DUE = "trigger_outcome_due", "Case Review deadline"
    TRIGGER_OUTCOME_LETTER = "trigger_outcome_letter", "Case Review outcome letter to the applicant"
    TRIGGER_INFORMATION_REQUESTED = "trigger_information_requested", "Case Review information requested"
    TRIGGER_INFORMATION_GIVEN = "trigger_information_given", "Case Review information given"
    RETENTION_REVIEW_DUE = "retention_review_due", "Retention review due"
    DELIVERY_FAILED = "delivery_failed", "Message could not be delivered"
    AUDIT_VERIFICATION_FAILED = "audit_verification_failed", "Audit trail did not verify"
    CASE_EXPORT_READY = "case_export_ready", "Case export ready"
    CASE_EXPORT_FAILED = "case_export_failed", "Case export failed"
    VICTIM_CONTACT_DUE = "victim_contact_due", "Victim contact due"
    PROGRESS_REVIEW_DUE = "progress_review_due", "Case review due"
    MARAC_SHARED_VIEW_ONLY = "marac_shared_view_only", "CS MARAC agencies given view access"
    CLOSURE_SIGN_OFF_REQUESTED = "closure_sign_off_requested", "Case closure awaiting sign-off"
    VICTIM_UPDATE = "victim_update", "Update to a victim"
    DIGEST = "digest", "Daily digest"


#: Messages to a member of the public (a victim, a Case Review applicant): their address and the message are case data
#: and, for an anonymous victim, their identity. The delivery log, which every agency's administrators read, says
#: that such a message was sent and what became of it, never to whom or what it said (docs/security.md).
MEMBER_OF_PUBLIC_EVENTS = frozenset({Event.VICTIM_UPDATE, Event.TRIGGER_OUTCOME_LETTER})
WITHHELD_RECIPIENT = "A member of the public"


class EmailFrequency(models.TextChoices):
    IMMEDIATELY = "immediately", "As each thing happens"
    DAILY = "daily", "Once a day, in a digest"


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_frequency = models.CharField(
        max_length=20, choices=EmailFrequency.choices, default=EmailFrequency.IMMEDIATELY
    )
    mobile_number = models.CharField(
        max_length=20, blank=True, help_text="For text messages through GOV.UK Notify, where the council uses it."
    )

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_frequency_display()}"


class AgencyMailbox(models.Model):
    """An agency's shared inbox, copied on what happens to the agency (a share, an action for the team)."""

    agency = models.OneToOneField("casework.Agency", on_delete=models.CASCADE, related_name="notification_mailbox")
    email = models.EmailField()
    history = HistoricalRecords()  # who pointed an agency's messages where, and when

    class Meta:
        verbose_name_plural = "agency mailboxes"

    def __str__(self) -> str:
        return f"{self.agency}: {self.email}"


class Notification(models.Model):
    """One thing a user should know. The message names at most a reference, an agency and a date."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=40, choices=Event.choices)
    message = models.CharField(max_length=300)
    case = models.ForeignKey("casework.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the next daily digest email (daily-digest users, and reminders for everyone).
    digest_pending = models.BooleanField(default=False)
    # Reminders made by the daily job carry a key, so running the job twice in a day adds nothing.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_created_idx"),
            # The header's unread count reads only this small index.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notif_unread_idx"),
            models.Index(fields=["user"], condition=Q(digest_pending=True), name="notif_digest_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""), name="notif_dedupe"),
        ]

    def __str__(self) -> str:
        return self.message


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed, will retry"
    FAILED = "failed", "Failed, parked"


class Delivery(models.Model):
    """One message to one recipient on one channel: the delivery log."""

    event = models.CharField(max_length=40, choices=Event.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    provider = models.CharField(max_length=20, blank=True)  # smtp, notify (set when sent)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agency = models.ForeignKey("casework.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["status", "-created_at"], name="delivery_status_idx"),
            models.Index(fields=["-created_at"], name="delivery_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.shown_recipient}: {self.get_status_display()}"

    @property
    def to_member_of_public(self) -> bool:
        return self.event in MEMBER_OF_PUBLIC_EVENTS

    @property
    def shown_recipient(self) -> str:
        """Who the delivery log says the message went to: a member of the public is never named."""
        return WITHHELD_RECIPIENT if self.to_member_of_public else self.recipient

    @property
    def shown_error(self) -> str:
        """The last error as the log shows it: a relay's answer often repeats a member of the public's address."""
        if self.to_member_of_public and self.recipient:
            return self.last_error.replace(self.recipient, "[recipient withheld]")
        return self.last_error


class ScheduledRun(models.Model):
    """One row per periodic job per slot: however many workers run the scheduler, a slot is queued once."""

    job = models.CharField(max_length=50)
    slot = models.CharField(max_length=40)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"

"""The Community Safety MARAC: meetings every six weeks, referrals, panel lists, research, reviews, actions.

A case is "on the MARAC" while it has an accepted referral: the referral is the MARAC episode, from
acceptance until a meeting closes it. MARAC actions are casework actions (so they show on the case's
action plan and on My work) linked to the review that agreed them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from casework.models import Action, Agency, Case, LegalBasis
from common.dates import govuk_date

User = settings.AUTH_USER_MODEL


class MaracRisk(models.TextChoices):
    STANDARD = "standard", "Standard"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


# Panel lists are ordered by risk, highest first.
RISK_RANK: dict[str, int] = {MaracRisk.HIGH: 0, MaracRisk.MEDIUM: 1, MaracRisk.STANDARD: 2}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    PUBLISHED = "published", "Panel list published"
    HELD = "held", "Held"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"


# One service per move (marac.services): publish_panel_list, mark_meeting_held, approve_minutes.
MEETING_TRANSITIONS: dict[str, set[str]] = {
    MeetingStatus.PLANNED: {MeetingStatus.PUBLISHED},
    MeetingStatus.PUBLISHED: {MeetingStatus.HELD},
    MeetingStatus.HELD: {MeetingStatus.MINUTES_APPROVED},
    MeetingStatus.MINUTES_APPROVED: set(),
}


class Meeting(models.Model):
    """One CS MARAC meeting. `scheduled_for` is the date the cycle gave; `date` is the real one
    (moved off bank holidays and editable), so a move never makes the rest of the cycle drift."""

    scheduled_for = models.DateField(db_index=True)
    date = models.DateField(db_index=True)
    start_time = models.TimeField()
    venue = models.CharField(max_length=200, blank=True)
    is_online = models.BooleanField(default=False)
    joining_details = models.CharField(max_length=500, blank=True, help_text="Online meeting link or dial-in")
    chair = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(
        max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    held_at = models.DateTimeField(null=True, blank=True)
    minutes_notes = models.TextField(blank=True, help_text="Matters arising and any other business")
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every change; stops lost updates.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return f"CS MARAC {govuk_date(self.date)}"

    @property
    def is_draft(self) -> bool:
        return self.status == MeetingStatus.PLANNED


class AttendanceStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Sent apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """An agency invited to a meeting, and whether it came. Invited agencies may read the published
    panel list and approved minutes (only the cases shared with them)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="marac_attendances")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.INVITED)
    representative = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="one_attendance_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} at {self.meeting}"


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", "Awaiting screening"
    MORE_INFORMATION = "more_information", "More information requested"
    ACCEPTED = "accepted", "On the MARAC"
    DECLINED = "declined", "Declined"
    CLOSED = "closed", "Closed from the MARAC"


REFERRAL_TRANSITIONS: dict[str, set[str]] = {
    ReferralStatus.SUBMITTED: {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.MORE_INFORMATION},
    ReferralStatus.MORE_INFORMATION: {ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED, ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.CLOSED},
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CLOSED: set(),
}
LIVE_REFERRAL_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.MORE_INFORMATION, ReferralStatus.ACCEPTED)


class Consent(models.TextChoices):
    GIVEN = "given", "Yes, the victim has consented to the referral"
    NOT_GIVEN = "not_given", "No, the referral is made without consent on a legal basis"


class Referral(models.Model):
    """A partner's request to hear a case at the MARAC; once accepted, the case's MARAC episode."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="marac_referrals")
    referring_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="marac_referrals")
    referred_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(db_index=True)
    reason = models.TextField()
    risk_level = models.CharField(max_length=10, choices=MaracRisk.choices)
    actions_tried = models.TextField()
    consent = models.CharField(max_length=20, choices=Consent.choices)
    legal_basis = models.CharField(max_length=30, choices=LegalBasis.choices)
    status = models.CharField(
        max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED, db_index=True
    )
    is_repeat = models.BooleanField(default=False, db_index=True)
    previous_referral = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    information_requested = models.TextField(blank=True)
    information_provided = models.TextField(blank=True)
    screened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    screened_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closure_proposed_at = models.DateTimeField(null=True, blank=True)
    closure_proposed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closure_proposal = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True, db_index=True)
    closed_at_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="closed_referrals"
    )
    closure_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["case", "status"]), models.Index(fields=["status", "referred_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["submitted", "more_information", "accepted"]),
                name="one_live_marac_referral_per_case",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(closure_reason="")),
                name="marac_closure_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""), name="marac_decline_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"CS MARAC referral of {self.case.reference} ({self.get_status_display().lower()})"


class EntryReason(models.TextChoices):
    NEW = "new", "New referral"
    OVERDUE_ACTIONS = "overdue_actions", "Overdue MARAC actions"
    REVIEW = "review", "Ongoing case under review"
    PROPOSED_CLOSURE = "proposed_closure", "Proposed closure"


# Within one risk level, the order cases are taken in.
REASON_RANK: dict[str, int] = {
    EntryReason.NEW: 0,
    EntryReason.OVERDUE_ACTIONS: 1,
    EntryReason.REVIEW: 2,
    EntryReason.PROPOSED_CLOSURE: 3,
}


class PanelEntry(models.Model):
    """A case on a meeting's panel list, with the summary the attending agencies may read."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="marac_panel_entries")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="panel_entries")
    reason = models.CharField(max_length=20, choices=EntryReason.choices)
    risk_level = models.CharField(max_length=10, choices=MaracRisk.choices)
    risk_rank = models.PositiveSmallIntegerField(help_text="0 = high; the panel list is ordered by it")
    reason_rank = models.PositiveSmallIntegerField()
    summary = models.TextField(help_text="What attending agencies read: relevant and proportionate only")
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk_rank", "reason_rank", "referral__accepted_at", "case__reference"]
        verbose_name = "panel list entry"
        verbose_name_plural = "panel list entries"
        indexes = [models.Index(fields=["meeting", "risk_rank", "reason_rank"])]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="case_listed_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.case.reference} on {self.meeting}"


class ResearchStatus(models.TextChoices):
    REQUESTED = "requested", "Awaiting response"
    RESPONDED = "responded", "Responded"


class ResearchResponse(models.Model):
    """What one core agency's own records hold on one listed case, recorded before the meeting."""

    entry = models.ForeignKey(PanelEntry, on_delete=models.CASCADE, related_name="research")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="marac_research")
    status = models.CharField(
        max_length=20, choices=ResearchStatus.choices, default=ResearchStatus.REQUESTED, db_index=True
    )
    holds_information = models.BooleanField(null=True)
    findings = models.TextField(blank=True)
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        indexes = [models.Index(fields=["agency", "status"])]
        constraints = [models.UniqueConstraint(fields=["entry", "agency"], name="one_research_response_per_agency")]

    def __str__(self) -> str:
        return f"Research by {self.agency} on {self.entry}"


class NextStep(models.TextChoices):
    CONTINUE = "continue", "Continue: review at the next meeting"
    ESCALATE = "escalate", "Escalate, and review at the next meeting"
    CLOSE = "close", "Close from the MARAC"


class CaseReview(models.Model):
    """The panel's discussion of one listed case at a meeting; the minutes are built from these."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="reviews")
    entry = models.OneToOneField(PanelEntry, on_delete=models.PROTECT, related_name="review")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="marac_reviews")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="reviews")
    discussion = models.TextField()
    decisions = models.TextField()
    risk_level = models.CharField(max_length=10, choices=MaracRisk.choices)
    next_step = models.CharField(max_length=20, choices=NextStep.choices, db_index=True)
    escalation = models.TextField(blank=True)
    closure_reason = models.TextField(blank=True)
    is_new = models.BooleanField(default=False, help_text="The case's first hearing on this referral")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["entry__risk_rank", "entry__reason_rank", "id"]
        indexes = [models.Index(fields=["meeting", "next_step"]), models.Index(fields=["meeting", "is_new"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(next_step="close") | ~Q(closure_reason=""), name="marac_review_close_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.case.reference} at {self.meeting}"


class MaracAction(models.Model):
    """Marks a casework action as agreed at a MARAC review, so the chase and the next panel list find it."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="marac_link")
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="action_links")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_links")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="marac_action_links")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "MARAC action"

    def __str__(self) -> str:
        return f"CS MARAC action: {self.action}"


class PanelListNotification(models.Model):
    """The email telling an attending agency that a panel list is published; failures are kept, not lost."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notifications")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipients = models.TextField(blank=True)
    sent = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    attempted_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-attempted_at", "agency__name"]

    def __str__(self) -> str:
        return f"Panel list notice to {self.agency} ({'sent' if self.sent else 'failed'})"

"""ASB tools and powers: the escalation ladder from written warning to court order, as records.

Written warning -> Community Protection Notice -> breach -> fixed penalty or prosecution; Public Spaces
Protection Orders and their breaches; closure notice -> closure order; Criminal Behaviour Orders and civil
injunctions. Every rule about them lives in services.py, every deadline is computed there and stored here
in an indexed field so lists, filters and "what is due" are plain SQL.

Visibility: a record with a case is visible exactly when its case is (casework.access). A street fixed
penalty or a PSPO breach without a case belongs to the agency that issued it (`owner_agency`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from casework.models import Agency, Case, Evidence, Organisation, Person, Ward
from common.dates import govuk_date

User = settings.AUTH_USER_MODEL


class ServiceMethod(models.TextChoices):
    IN_PERSON = "in_person", "Handed to the recipient in person"
    LEFT_AT_ADDRESS = "left_at_address", "Left at the recipient's address"
    POST = "post", "Posted to the recipient's address"
    AFFIXED = "affixed", "Fixed to the premises"


class RecipientMixin(models.Model):
    """A recipient is a person or a body (business or organisation), never both."""

    recipient_person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient_address = models.TextField("Recipient's address")

    class Meta:
        abstract = True

    @property
    def recipient(self):
        return self.recipient_person or self.recipient_organisation

    @property
    def recipient_name(self) -> str:
        return str(self.recipient) if self.recipient else ""


def _one_recipient(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(recipient_person__isnull=False, recipient_organisation__isnull=True)
        | Q(recipient_person__isnull=True, recipient_organisation__isnull=False),
        name=name,
    )


# --- CPN written warning ---------------------------------------------------------------------------------


class WarningStatus(models.TextChoices):
    SERVED = "served", "Served"
    COMPLIED = "complied", "Complied"
    BREACHED = "breached", "Breached"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CommunityProtectionWarning(RecipientMixin):
    """The s43(5) written warning that a CPN will follow unless the conduct stops. It cannot be appealed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cpn_warnings")
    conduct = models.TextField(help_text="The conduct that is having a detrimental effect on the community.")
    requirements = models.TextField(help_text="What must stop, or be done, to avoid a CPN.")
    compliance_deadline = models.DateField(db_index=True)
    served_at = models.DateTimeField(db_index=True)
    served_how = models.CharField(max_length=20, choices=ServiceMethod.choices)
    served_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=WarningStatus.choices, default=WarningStatus.SERVED)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-served_at", "-id"]
        verbose_name = "CPN written warning"
        indexes = [models.Index(fields=["status", "compliance_deadline"])]
        constraints = [_one_recipient("cpn_warning_one_recipient")]

    def __str__(self) -> str:
        return f"Written warning to {self.recipient_name}"


# --- Community Protection Notice -------------------------------------------------------------------------


class CPNStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    APPEALED = "appealed", "Under appeal"
    BREACHED = "breached", "Breached"
    COMPLIED = "complied", "Complied"
    QUASHED = "quashed", "Quashed on appeal"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AppealOutcome(models.TextChoices):
    DISMISSED = "dismissed", "Appeal dismissed: notice stands"
    VARIED = "varied", "Notice varied"
    QUASHED = "quashed", "Notice quashed"


class CommunityProtectionNotice(RecipientMixin):
    """A CPN (s43): issued only after a written warning to the same recipient ran its course."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cpns")
    warning = models.ForeignKey(CommunityProtectionWarning, on_delete=models.PROTECT, related_name="cpns")
    conduct = models.TextField()
    requirements = models.TextField(help_text="The requirements follow the written warning this CPN escalates.")
    compliance_deadline = models.DateField(db_index=True)
    issued_on = models.DateField(db_index=True)
    served_how = models.CharField(max_length=20, choices=ServiceMethod.choices)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    appeal_deadline = models.DateField(db_index=True)
    appeal_lodged_on = models.DateField(null=True, blank=True)
    appeal_grounds = models.TextField(blank=True)
    appeal_outcome = models.CharField(max_length=20, choices=AppealOutcome.choices, blank=True)
    appeal_decided_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=CPNStatus.choices, default=CPNStatus.IN_FORCE, db_index=True)
    status_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "Community Protection Notice"
        constraints = [
            _one_recipient("cpn_one_recipient"),
            models.CheckConstraint(condition=Q(appeal_deadline__gt=models.F("issued_on")), name="cpn_appeal_after"),
        ]

    def __str__(self) -> str:
        return f"CPN to {self.recipient_name}"


class BreachOutcome(models.TextChoices):
    PENDING = "pending", "Decision pending"
    FIXED_PENALTY = "fixed_penalty", "Fixed penalty notice issued"
    PROSECUTION = "prosecution", "Referred for prosecution"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class CPNBreach(models.Model):
    """A failure to comply with a CPN (s48): leads to a fixed penalty (CST08) or a prosecution referral."""

    cpn = models.ForeignKey(CommunityProtectionNotice, on_delete=models.PROTECT, related_name="breaches")
    occurred_on = models.DateField(db_index=True)
    description = models.TextField()
    evidence_summary = models.TextField(help_text="Witness statements, photographs, officer observations.")
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="+")
    outcome = models.CharField(max_length=20, choices=BreachOutcome.choices, default=BreachOutcome.PENDING)
    outcome_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = "CPN breach"
        verbose_name_plural = "CPN breaches"

    def __str__(self) -> str:
        return f"Breach of the {self.cpn} on {govuk_date(self.occurred_on)}"


# --- Fixed penalty notices -------------------------------------------------------------------------------


class OffenceCode(models.Model):
    """An FPN offence code (Barnet's pad, seed 003) with its amounts, valid between dates of effect.

    A change in law (e.g. a higher cap) is a new row with a later `effective_from`; notices keep the row
    in force on the day they were issued, so old notices never change amount.
    """

    code = models.CharField(max_length=10, db_index=True)
    statute = models.CharField(max_length=200)
    description = models.CharField(max_length=200)
    full_amount = models.DecimalField(max_digits=8, decimal_places=2)
    early_payment_amount = models.DecimalField(max_digits=8, decimal_places=2)
    early_payment_days = models.PositiveSmallIntegerField(
        help_text="Days from issue in which the lower amount applies."
    )
    payment_days = models.PositiveSmallIntegerField(help_text="Days from issue in which the penalty must be paid.")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True, help_text="Last day in effect; blank while current.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="offence_code_once_per_date"),
            models.CheckConstraint(
                condition=Q(early_payment_amount__lte=models.F("full_amount")), name="offence_early_not_more"
            ),
            models.CheckConstraint(
                condition=Q(early_payment_days__lte=models.F("payment_days")), name="offence_early_within_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.description}"


class FPNNumberCounter(models.Model):
    """The last notice number handed out per year for notices without a pad number; locked row by row."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class FPNStatus(models.TextChoices):
    ISSUED = "issued", "Issued – awaiting payment"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"
    PROSECUTION = "prosecution", "Listed for prosecution"


class FixedPenaltyNotice(models.Model):
    """A fixed penalty: on the street (owned by the issuing agency) or for a CPN / PSPO breach on a case."""

    notice_number = models.CharField(max_length=30, unique=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="fixed_penalties")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="fixed_penalties")
    cpn_breach = models.OneToOneField(
        CPNBreach, null=True, blank=True, on_delete=models.PROTECT, related_name="fixed_penalty"
    )
    pspo_breach = models.OneToOneField(
        "PSPOBreach", null=True, blank=True, on_delete=models.PROTECT, related_name="fixed_penalty"
    )
    offence = models.ForeignKey(OffenceCode, on_delete=models.PROTECT, related_name="notices")
    offence_description = models.TextField(help_text="What the officer saw, as written on the pad.")
    offence_at = models.DateTimeField()
    location = models.CharField(max_length=200)
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField(max_length=200)
    recipient_date_of_birth = models.DateField(null=True, blank=True)
    recipient_address = models.TextField()
    issued_at = models.DateTimeField(db_index=True)
    issued_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    full_amount = models.DecimalField(max_digits=8, decimal_places=2)
    early_payment_amount = models.DecimalField(max_digits=8, decimal_places=2)
    early_payment_until = models.DateField()
    payment_due = models.DateField(db_index=True)
    no_proceedings_before = models.DateField()
    status = models.CharField(max_length=20, choices=FPNStatus.choices, default=FPNStatus.ISSUED, db_index=True)
    paid_on = models.DateField(null=True, blank=True)
    amount_paid = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    payment_reference = models.CharField(max_length=60, blank=True)
    cancelled_reason = models.TextField(blank=True)
    prosecution_listed_on = models.DateField(null=True, blank=True)
    status_changed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = "fixed penalty notice"
        indexes = [
            models.Index(fields=["status", "payment_due"]),
            models.Index(fields=["owner_agency", "issued_at"]),
            models.Index(fields=["offence", "issued_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(cpn_breach__isnull=False, pspo_breach__isnull=False), name="fpn_one_breach"
            ),
        ]

    def __str__(self) -> str:
        return f"FPN {self.notice_number}"


# --- Public Spaces Protection Orders ---------------------------------------------------------------------


class PSPOStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    DISCHARGED = "discharged", "Discharged"


class PublicSpacesProtectionOrder(models.Model):
    """A PSPO (s59): made after consultation, at most 3 years, extendable by up to 3 years at a time.

    A borough-wide order has no case: it belongs to the council that made it (`owner_agency`), whose members
    see and change it; managers and auditors see it too.
    """

    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="pspos")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="pspos")
    title = models.CharField(max_length=200)
    area_description = models.TextField()
    made_on = models.DateField()
    in_force_from = models.DateField()
    expires_on = models.DateField(db_index=True, help_text="The last day the order is in force.")
    consultation_started_on = models.DateField()
    consultation_ended_on = models.DateField()
    consultees = models.TextField(help_text="Who was consulted: the police, the PCC, the community, landowners.")
    consultation_summary = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=PSPOStatus.choices, default=PSPOStatus.IN_FORCE)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-in_force_from", "-id"]
        verbose_name = "Public Spaces Protection Order"
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("in_force_from")), name="pspo_expires_after_start"
            ),
            models.CheckConstraint(
                condition=Q(consultation_ended_on__lte=models.F("made_on")), name="pspo_consulted_before_made"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PSPOCondition(models.Model):
    pspo = models.ForeignKey(PublicSpacesProtectionOrder, on_delete=models.CASCADE, related_name="conditions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pspo", "number"]
        constraints = [models.UniqueConstraint(fields=["pspo", "number"], name="pspo_condition_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class PSPOExtension(models.Model):
    pspo = models.ForeignKey(PublicSpacesProtectionOrder, on_delete=models.CASCADE, related_name="extensions")
    decided_on = models.DateField()
    previous_expires_on = models.DateField()
    new_expires_on = models.DateField()
    reason = models.TextField(help_text="Why the extension is needed and the consultation behind it.")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pspo", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.pspo} extended to {govuk_date(self.new_expires_on)}"


class PSPOBreach(models.Model):
    """A breach of a PSPO condition (s67): leads to a fixed penalty (CST09) or a prosecution."""

    pspo = models.ForeignKey(PublicSpacesProtectionOrder, on_delete=models.PROTECT, related_name="breaches")
    condition = models.ForeignKey(PSPOCondition, on_delete=models.PROTECT, related_name="breaches")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="pspo_breaches")
    occurred_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=200)
    ward = models.ForeignKey(Ward, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    offender_name = models.CharField(max_length=200, blank=True)
    offender_address = models.TextField(blank=True)
    description = models.TextField()
    outcome = models.CharField(max_length=20, choices=BreachOutcome.choices, default=BreachOutcome.PENDING)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = "PSPO breach"
        verbose_name_plural = "PSPO breaches"

    def __str__(self) -> str:
        return f"Breach of {self.pspo} condition {self.condition.number}"


# --- Closure notices and orders --------------------------------------------------------------------------


class ClosureAuthority(models.TextChoices):
    POLICE_INSPECTOR = "police_inspector", "Police officer of the rank of inspector or above"
    COUNCIL = "council", "Local authority (authorised officer)"
    HOUSING_SENIOR_MANAGER = (
        "housing_senior_manager",
        "Registered housing provider: a member of its senior management (from commencement of the 2026 Act)",
    )


class ClosureExtensionAuthority(models.TextChoices):
    POLICE_SUPERINTENDENT = "police_superintendent", "Police officer of the rank of superintendent or above"
    COUNCIL_CHIEF_EXECUTIVE = "council_chief_executive", "Council chief executive officer or their delegate"
    HOUSING_SENIOR_MANAGER = "housing_senior_manager", "Registered housing provider: a member of its senior management"


class ClosureStatus(models.TextChoices):
    IN_FORCE = "in_force", "Notice in force"
    ORDER_GRANTED = "order_granted", "Closure order granted"
    ORDER_REFUSED = "order_refused", "Closure order refused"
    CANCELLED = "cancelled", "Notice cancelled"


class ClosureNotice(models.Model):
    """A s76 closure notice: closes premises for up to 24 (extendable to 48) hours pending a court hearing."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closure_notices")
    premises = models.TextField(help_text="The premises closed, as they will be identified on the notice.")
    prohibition = models.TextField(
        help_text="Who may not enter or remain on the premises, and any exceptions (e.g. the owner, residents)."
    )
    issuing_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    authorised_by_role = models.CharField(max_length=30, choices=ClosureAuthority.choices)
    authorised_by_name = models.CharField(max_length=200)
    consultation = models.TextField(help_text="Who was consulted before the notice was issued.")
    people_informed = models.TextField(help_text="Residents and people with an interest in the premises informed.")
    served_at = models.DateTimeField(db_index=True)
    served_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    duration_hours = models.PositiveSmallIntegerField()
    expires_at = models.DateTimeField(db_index=True)
    extended_by_role = models.CharField(max_length=30, choices=ClosureExtensionAuthority.choices, blank=True)
    extended_by_name = models.CharField(max_length=200, blank=True)
    hearing_court = models.CharField(max_length=200, help_text="The magistrates' court and its address.")
    hearing_at = models.DateTimeField()
    hearing_deadline = models.DateTimeField(db_index=True)
    housing_advice = models.TextField(help_text="Local housing advice contacts printed on the notice.")
    legal_advice = models.TextField(help_text="Legal advice contacts printed on the notice.")
    status = models.CharField(max_length=20, choices=ClosureStatus.choices, default=ClosureStatus.IN_FORCE)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-served_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hearing_at__lte=models.F("hearing_deadline")), name="closure_hearing_in_time"
            )
        ]

    def __str__(self) -> str:
        return f"Closure notice: {self.premises.splitlines()[0] if self.premises else ''}"


class ClosureHearingAdjournment(models.Model):
    """The court adjourned the closure-order hearing (s81(3)-(4)): for at most 14 days, once or more.

    Each adjournment runs from the hearing it adjourns (the one listed when it was made), so a second one is
    measured from the first one's new hearing. The court may order the notice to stay in force until then.
    """

    notice = models.ForeignKey(ClosureNotice, on_delete=models.PROTECT, related_name="adjournments")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closure_adjournments")
    adjourned_on = models.DateField(help_text="The day the court adjourned the hearing.")
    adjourned_hearing_at = models.DateTimeField(help_text="The hearing that was adjourned.")
    new_hearing_at = models.DateTimeField(db_index=True)
    notice_continues = models.BooleanField(
        default=False, help_text="The court ordered the closure notice to continue in force until the new hearing."
    )
    previous_expires_at = models.DateTimeField(help_text="When the notice was due to expire before the adjournment.")
    reason = models.TextField(help_text="The court's reason for adjourning, and any notes.")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice", "adjourned_hearing_at", "id"]
        verbose_name = "closure hearing adjournment"
        constraints = [
            models.CheckConstraint(
                condition=Q(new_hearing_at__gt=models.F("adjourned_hearing_at")), name="closure_adjourned_to_later"
            )
        ]

    def __str__(self) -> str:
        return f"Hearing adjourned ({self.notice})"


class ClosureScope(models.TextChoices):
    FULL = "full", "Full closure: all persons, all times"
    PARTIAL = "partial", "Partial closure: some persons, parts or times"


class ClosureOrderStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    DISCHARGED = "discharged", "Discharged"


class ClosureOrder(models.Model):
    """The magistrates' court's closure order (s80): at most 3 months, never beyond 6 months in all."""

    notice = models.OneToOneField(ClosureNotice, on_delete=models.PROTECT, related_name="order")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closure_orders")
    court = models.CharField(max_length=200)
    heard_at = models.DateTimeField()
    scope = models.CharField(max_length=20, choices=ClosureScope.choices)
    terms = models.TextField(help_text="For a partial order: which parts, persons and times it covers.", blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(db_index=True, help_text="The last day the order is in force.")
    original_ends_on = models.DateField()
    appeal_deadline = models.DateField()
    status = models.CharField(max_length=20, choices=ClosureOrderStatus.choices, default=ClosureOrderStatus.IN_FORCE)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="closure_order_dates")
        ]

    def __str__(self) -> str:
        return f"Closure order: {self.notice.premises.splitlines()[0] if self.notice.premises else ''}"


class ClosureOrderExtension(models.Model):
    order = models.ForeignKey(ClosureOrder, on_delete=models.CASCADE, related_name="extensions")
    decided_on = models.DateField()
    previous_ends_on = models.DateField()
    new_ends_on = models.DateField()
    court = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "decided_on", "id"]

    def __str__(self) -> str:
        return f"{self.order} extended to {govuk_date(self.new_ends_on)}"


# --- Court orders: Criminal Behaviour Orders and civil injunctions ----------------------------------------


class CourtOrderStatus(models.TextChoices):
    IN_FORCE = "in_force", "In force"
    VARIED = "varied", "Varied"
    DISCHARGED = "discharged", "Discharged"


class CourtOrderBase(models.Model):
    """What a CBO and a civil injunction share: a subject, a court, terms, dates and review dates."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    subject_date_of_birth = models.DateField(help_text="Needed for the under-18 rules.")
    court = models.CharField(max_length=200)
    application_heard_on = models.DateField()
    next_hearing_on = models.DateField(null=True, blank=True)
    made_on = models.DateField(db_index=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, db_index=True, help_text="Blank when indefinite.")
    prohibitions = models.TextField(blank=True)
    requirements = models.TextField(blank=True)
    is_youth = models.BooleanField(default=False, help_text="The subject was under 18 when the order was made.")
    next_review_on = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=CourtOrderStatus.choices, default=CourtOrderStatus.IN_FORCE)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True


class CriminalBehaviourOrder(CourtOrderBase):
    """A CBO, made on conviction on the prosecution's application: under s22 of the 2014 Act for convictions
    before 1 December 2020, under the Sentencing Code (s330 onwards) since; `made_under` keeps which."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="cbos")
    conviction_offence = models.CharField(max_length=200)
    convicted_on = models.DateField(null=True, blank=True, help_text="The day of the conviction the order is made on.")
    made_under = models.CharField(max_length=200, blank=True, help_text="The statute the order was made under.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on", "-id"]
        verbose_name = "Criminal Behaviour Order"

    def __str__(self) -> str:
        return f"CBO on {self.subject}"


class RespondentRiskAssessmentMixin(models.Model):
    """The pre-application risk assessment of the respondent (Crime and Policing Act 2026, from commencement)."""

    risk_assessed_on = models.DateField(null=True, blank=True)
    risk_assessment = models.TextField(
        blank=True,
        help_text="The respondent's vulnerabilities, the risk of harassment, alarm or distress to anyone, other ways "
        "of preventing the behaviour, and any other material matters.",
    )

    class Meta:
        abstract = True


class PowerOfArrestGround(models.TextChoices):
    """s4(1) of the 2014 Act: the court may attach a power of arrest only if it thinks one of these holds."""

    VIOLENCE = "violence", "Violence or threatened violence against others (s4(1)(a))"
    RISK_OF_HARM = "risk_of_harm", "Significant risk of harm to others from the respondent (s4(1)(b))"


class CivilInjunction(RespondentRiskAssessmentMixin, CourtOrderBase):
    """A civil injunction (s1), county court for adults and youth court for under-18s.

    From the commencement of Respect Orders (Crime and Policing Act 2026) adults get a Respect Order instead;
    injunctions made on adults before then stay in force."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="injunctions")
    applicant_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    power_of_arrest = models.BooleanField(default=False)
    power_of_arrest_terms = models.TextField(blank=True)
    power_of_arrest_ground = models.CharField(
        max_length=20,
        choices=PowerOfArrestGround.choices,
        blank=True,
        help_text="The s4(1) ground the court found for attaching the power of arrest; blank when none is attached "
        "(and on injunctions recorded before the ground was asked for: shown as not recorded).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(power_of_arrest=True) | Q(power_of_arrest_ground=""),
                name="injunction_arrest_ground_only_with_power_of_arrest",
            ),
        ]

    def __str__(self) -> str:
        return f"Injunction on {self.subject}"


class RespectOrder(RespondentRiskAssessmentMixin, CourtOrderBase):
    """A Respect Order (Part A1 of the 2014 Act, inserted by the Crime and Policing Act 2026): the civil order
    for adults that replaces the adult civil injunction from its commencement. Breach is a criminal offence."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="respect_orders")
    applicant_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    power_of_arrest = models.BooleanField(default=False)
    power_of_arrest_terms = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_on", "-id"]

    def __str__(self) -> str:
        return f"Respect Order on {self.subject}"


class OrderBreach(models.Model):
    """A breach of a closure order, CBO or injunction (each an offence or a contempt of court)."""

    closure_order = models.ForeignKey(
        ClosureOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="breaches"
    )
    cbo = models.ForeignKey(
        CriminalBehaviourOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="breaches"
    )
    injunction = models.ForeignKey(
        CivilInjunction, null=True, blank=True, on_delete=models.PROTECT, related_name="breaches"
    )
    respect_order = models.ForeignKey(
        RespectOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="breaches"
    )
    occurred_on = models.DateField(db_index=True)
    description = models.TextField()
    action_taken = models.TextField(blank=True, help_text="Arrest, prosecution, committal application...")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closure_order__isnull=False, cbo__isnull=True, injunction__isnull=True)
                & Q(respect_order__isnull=True)
                | Q(closure_order__isnull=True, cbo__isnull=False, injunction__isnull=True)
                & Q(respect_order__isnull=True)
                | Q(closure_order__isnull=True, cbo__isnull=True, injunction__isnull=False)
                & Q(respect_order__isnull=True)
                | Q(closure_order__isnull=True, cbo__isnull=True, injunction__isnull=True, respect_order__isnull=False),
                name="order_breach_of_one_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Order breach on {govuk_date(self.occurred_on)}"


class OrderDecision(models.TextChoices):
    VARIED = "varied", "Varied"
    DISCHARGED = "discharged", "Discharged"


class OrderVariation(models.Model):
    """The court varied or discharged a closure order (s82-s83), a CBO (s27) or an injunction (s8).

    One row per decision, on exactly one order; the order itself carries the result (new end date and terms,
    or the discharged status), and this row keeps what the court decided and when.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="order_variations")
    closure_order = models.ForeignKey(
        ClosureOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="variations"
    )
    cbo = models.ForeignKey(
        CriminalBehaviourOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="variations"
    )
    injunction = models.ForeignKey(
        CivilInjunction, null=True, blank=True, on_delete=models.PROTECT, related_name="variations"
    )
    decision = models.CharField(max_length=20, choices=OrderDecision.choices)
    decided_on = models.DateField(db_index=True)
    court = models.CharField(max_length=200)
    previous_ends_on = models.DateField(null=True, blank=True)
    new_ends_on = models.DateField(null=True, blank=True)
    new_terms = models.TextField(blank=True, help_text="A closure order's new terms.")
    new_prohibitions = models.TextField(blank=True)
    new_requirements = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="The court's reason; required for a discharge.")
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "id"]
        verbose_name = "order variation or discharge"
        verbose_name_plural = "order variations and discharges"
        constraints = [
            models.CheckConstraint(
                condition=Q(closure_order__isnull=False, cbo__isnull=True, injunction__isnull=True)
                | Q(closure_order__isnull=True, cbo__isnull=False, injunction__isnull=True)
                | Q(closure_order__isnull=True, cbo__isnull=True, injunction__isnull=False),
                name="order_variation_of_one_order",
            )
        ]

    def __str__(self) -> str:
        return f"Order {self.get_decision_display().lower()} on {govuk_date(self.decided_on)}"

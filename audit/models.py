"""Append-only logs required by DPA 2018 s62: who consulted, disclosed or erased what, and when.

The audit app imports no domain app: callers describe objects by type, id and label. Each row carries a
SHA-256 hash chained to the previous row of the same log, so an edit made behind the database triggers'
back is detectable by `manage.py verify_audit`.
"""

from django.conf import settings
from django.db import models


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    LIST = "list", "Listed / searched"
    EXPORT = "export", "Exported"
    PRINT = "print", "Printed / PDF"
    DOWNLOAD = "download", "Downloaded evidence"
    API_READ = "api_read", "Read through the API"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    ERASE = "erase", "Erased / anonymised"


class ChainedLogEntry(models.Model):
    """Fields every hash-chained log row shares."""

    at = models.DateTimeField(db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        abstract = True


class AccessLog(ChainedLogEntry):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    agency = models.CharField(max_length=200, blank=True, db_index=True)
    action = models.CharField(max_length=20, choices=AccessAction.choices, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, help_text="The case the object belongs to, if any.")
    person_id = models.BigIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["case_id", "at"]),
            models.Index(fields=["person_id", "at"]),
            models.Index(fields=["user", "at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.object_type} {self.object_label} at {self.at:%Y-%m-%d %H:%M}"


class DisclosureKind(models.TextChoices):
    SHARE = "share", "Shared"
    REVOKE = "revoke", "Share revoked"
    EXPORT = "export", "Exported to another agency"
    ERASURE = "erasure", "Erased under retention policy"
    SIGNPOST = "signpost", "Signposted"


class Disclosure(ChainedLogEntry):
    """A disclosure of personal data to another agency, its revocation, or an erasure tombstone."""

    kind = models.CharField(max_length=20, choices=DisclosureKind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    from_agency = models.CharField(max_length=200, blank=True)
    to_agency = models.CharField(max_length=200, blank=True, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=200, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    legal_basis = models.CharField(max_length=200, blank=True)
    purpose = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_label} to {self.to_agency} at {self.at:%Y-%m-%d %H:%M}"


class SealedColumns(models.Model):
    """The columns of a history table that a seal's row hash covers, stored once per table and column set.

    A later migration that adds a column to a history table does not break the seals of older rows: they
    are re-hashed over the columns they were sealed with.
    """

    table = models.CharField(max_length=63)
    names = models.TextField(help_text="Column names, comma-separated, sorted.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "names"], name="audit_sealedcolumns_unique")]

    def __str__(self) -> str:
        return f"{self.table}: {self.names}"


class SealKind(models.TextChoices):
    WRITTEN = "written", "History row written"
    ERASED = "erased", "History row rewritten by a retention erasure"


class HistorySeal(ChainedLogEntry):
    """The hash of one history row's content, chained like the logs ('history' chain).

    History tables are sealed in batches (`manage.py audit_checkpoint`), not on every save, so writes
    stay cheap; a lawful erasure appends a new seal for each row it rewrote (the latest seal counts).
    """

    kind = models.CharField(max_length=10, choices=SealKind.choices, default=SealKind.WRITTEN)
    table = models.CharField(max_length=63)
    history_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    columns = models.ForeignKey(SealedColumns, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["table", "history_id"])]

    def __str__(self) -> str:
        return f"{self.table} #{self.history_id} sealed at {self.at:%Y-%m-%d %H:%M}"


class ChainHead(models.Model):
    """One row per log: the last hash. Locking it serialises appends so the chain never forks."""

    log = models.CharField(max_length=50, primary_key=True)
    last_hash = models.CharField(max_length=64)
    length = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.log} chain: {self.length} rows"


class VerificationStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to run"
    RUNNING = "running", "Running"
    VERIFIED = "verified", "Verified"
    BROKEN = "broken", "Broken link found"


class VerificationRun(models.Model):
    """One run of the audit-trail verification as a background job: asked for on the screen, or daily.

    A record of a job's outcome, not evidence: the chains and the signed checkpoints are the evidence, and any
    run re-computes them from the first row.
    """

    trigger = models.CharField(max_length=10, choices=[("screen", "Asked for on the screen"), ("scheduled", "Daily")])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    first_broken = models.TextField(blank=True)
    problems = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Verification {self.pk}: {self.get_status_display()}"

    @property
    def verified_to(self) -> int:
        """The access log's row count this run verified up to."""
        return int(self.counts.get("access", 0))


class ExportCaseSet(models.Model):
    """Which cases one bulk export contained, stored compactly (decision 0013), keyed on its access-log row.

    `ids` is the sorted case ids as gaps between neighbours, LEB128 varints, zlib-compressed: an export of
    every case is a few bytes per thousand. The SHA-256 of `ids` is in the access row's details, so the hash
    chain vouches for the set. Append-only like the logs.
    """

    # No database constraint: a foreign key into the access log would make PostgreSQL refuse a TRUNCATE of it
    # before the append-only trigger could (and both tables refuse changes anyway).
    access = models.OneToOneField(AccessLog, on_delete=models.PROTECT, related_name="case_set", db_constraint=False)
    count = models.PositiveIntegerField()
    min_case_id = models.BigIntegerField(null=True)
    max_case_id = models.BigIntegerField(null=True)
    ids = models.BinaryField()

    class Meta:
        indexes = [models.Index(fields=["min_case_id", "max_case_id"])]

    def __str__(self) -> str:
        return f"{self.count} cases exported ({self.access_id})"

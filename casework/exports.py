"""Case list exports: streamed within the request when small, written by a background job when large.

A streamed CSV of a million cases outlives any web worker's timeout and ends as a truncated file behind a 200
(issue #23). Above CASE_EXPORT_STREAM_LIMIT rows the user asks for the file instead; a job writes it to a
temporary name, renames it only when complete, records its row count, size and SHA-256, logs the export with
the exact set of cases (audit.exports) and tells the requester it is ready. Failure is shown, never silent.
"""

import csv
import hashlib
import logging
import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from audit.exports import log_export
from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from common.csv_output import Echo, csv_safe
from common.history import attribute

from . import access, extensions, selectors
from .errors import NotAllowed
from .models import Case, CaseExport, CaseShare, ExportStatus

logger = logging.getLogger(__name__)

COLUMNS = (
    "Reference",
    "Title",
    "Category",
    "Status",
    "Ward",
    "Lead agency",
    "Officer",
    "Risk level",
    "Hate-related",
    "Opened",
    "Closed",
    "Outcome",
)


def stream_limit() -> int:
    return settings.CASE_EXPORT_STREAM_LIMIT


def case_row(case: Case) -> list[str]:
    return [
        case.reference,
        csv_safe(case.title),
        case.get_category_display(),
        case.get_status_display(),
        case.ward.name,
        case.lead_agency.name,
        (case.officer.get_full_name() or case.officer.get_username()) if case.officer else "",
        case.get_risk_level_display(),
        "Yes" if case.hate_related else "No",
        case.opened_at.date().isoformat(),
        case.closed_at.date().isoformat() if case.closed_at else "",
        case.get_outcome_display(),
    ]


def stream_lines(cases: QuerySet[Case]) -> Iterator[str]:
    writer = csv.writer(Echo())
    yield writer.writerow(COLUMNS)
    for case in cases.iterator(chunk_size=1000):
        yield writer.writerow(case_row(case))


def filtered_cases(*, user, query: str):
    """The case list's filter over the cases `user` may see, from the list's query string."""
    from .filters import CaseFilter

    params = QueryDict(query)
    case_filter = CaseFilter(params or None, queryset=selectors.case_list(user=user), user=user)
    return case_filter, case_filter.qs


# --- writes ---


@transaction.atomic
def request_export(*, user, query: str) -> CaseExport:
    """Queue a background export of the case list as `user` filtered it (the job runs after this commits)."""
    from .tasks import build_case_export

    case_filter, _ = filtered_cases(user=user, query=query)
    if case_filter.is_bound and not case_filter.is_valid():
        raise NotAllowed("Correct the filters before exporting")
    export = CaseExport(
        public_id=uuid.uuid4(),
        requested_by=user,
        query=query[:2000],
        filters_described=case_filter.applied(),
        requested_at=timezone.now(),
    )
    attribute(export, by=user, reason="Export requested")
    export.save()
    transaction.on_commit(lambda: build_case_export.enqueue(export_id=export.pk))
    return export


def _export_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build(*, export_id: int) -> str:
    """The job: write the file completely, then record it, log it and tell the requester, in one transaction."""
    with transaction.atomic():
        export = CaseExport.objects.select_for_update().select_related("requested_by").get(pk=export_id)
        if export.status != ExportStatus.QUEUED:
            return export.status
    user = export.requested_by
    target = _export_dir() / f"{export.public_id}.csv"
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-", suffix=".csv")
    try:
        if not user.is_active:
            raise NotAllowed("The account that asked for this export is no longer active")
        _, cases = filtered_cases(user=user, query=export.query)
        digest, rows, ids = hashlib.sha256(), 0, []
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for case in cases.iterator(chunk_size=2000):
                writer.writerow(case_row(case))
                ids.append(case.pk)
                rows += 1
        with open(temporary, "rb") as written:
            for block in iter(lambda: written.read(1 << 20), b""):
                digest.update(block)
        os.replace(temporary, target)
        with transaction.atomic():
            log_export(
                user=user,
                agency=access.agency_name(user),
                object_type=ObjectType.CASE,
                case_ids=ids,
                details={"filters": export.filters_described, "format": "csv", "export": str(export.public_id)},
                path=reverse("casework:case_export"),
            )
            export.status = ExportStatus.READY
            export.rows = rows
            export.size_bytes = target.stat().st_size
            export.sha256 = digest.hexdigest()
            export.file.name = f"exports/{export.public_id}.csv"
            export.finished_at = timezone.now()
            export.expires_at = export.finished_at + timedelta(days=settings.CASE_EXPORT_KEEP_DAYS)
            attribute(export, by=user, reason="Export written")
            export.save()
            extensions.emit("case_export_ready", export=export)
        return ExportStatus.READY
    except Exception as error:  # noqa: BLE001 - any failure must reach the user, not vanish with the job
        logger.exception("Case export %s failed", export.public_id)
        Path(temporary).unlink(missing_ok=True)
        with transaction.atomic():
            export.status = ExportStatus.FAILED
            export.error = (str(error) if isinstance(error, NotAllowed) else "The file could not be written")[:300]
            export.finished_at = timezone.now()
            attribute(export, by=user, reason="Export failed")
            export.save()
            extensions.emit("case_export_failed", export=export)
        return ExportStatus.FAILED


def expire_old(*, now=None) -> int:
    """Delete files past their keep date (run daily); the record stays, marked expired."""
    now = now or timezone.now()
    expired = 0
    for export in CaseExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now):
        if export.file:
            export.file.delete(save=False)
        export.status = ExportStatus.EXPIRED
        attribute(export, by=None, reason="Export expired")
        export.save()
        expired += 1
    return expired


# --- reads ---


#: Why a prepared export can no longer be downloaded (the exports page says it beside the export).
UNSHARED_SINCE = "A case was unshared with your agency after you asked for this export: export again."


def _with_unshared(exports: QuerySet[CaseExport], user) -> QuerySet[CaseExport]:
    """`cw_unshared`: a share with the user's agency was revoked since the export was asked for. The file may hold
    that case's row, which the user may no longer see: it is not handed out (which rows it holds is not kept)."""
    agency = access.agency_of(user)
    revoked = CaseShare.objects.filter(
        agency_id=agency.pk if agency else None, revoked_at__gte=OuterRef("requested_at")
    )
    return exports.annotate(cw_unshared=Exists(revoked))


def my_exports(*, user) -> QuerySet[CaseExport]:
    return _with_unshared(CaseExport.objects.filter(requested_by=user), user)[:20]


def export_for_download(*, user, public_id) -> CaseExport | None:
    """Only the requester may download, only while it is ready and nothing was unshared with their agency since it
    was asked for (anyone else: None, which views make a 404)."""
    exports = CaseExport.objects.filter(
        requested_by=user, public_id=public_id, status=ExportStatus.READY, expires_at__gt=timezone.now()
    )
    return _with_unshared(exports, user).filter(cw_unshared=False).first()


def log_download(*, user, export: CaseExport, path: str) -> None:
    log_access(
        user=user,
        agency=access.agency_name(user),
        action=AccessAction.DOWNLOAD,
        object_type=ObjectType.CASE,
        object_label=f"Case export of {export.rows} case(s)",
        details={"export": str(export.public_id), "rows": export.rows, "sha256": export.sha256},
        path=path,
    )

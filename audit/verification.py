"""One verification of the whole audit trail, shared by `manage.py verify_audit` and the auditors' screen.

`verify()` re-computes the three chains from the first row inside one snapshot, re-hashes every sealed
history row and compares the chains with the signed checkpoints; `run()` does that for a recorded
`VerificationRun` (the background job) and tells the data protection officer when the trail does not verify.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import checkpoints
from .seals import check_history_rows
from .services import CHAINS, check_chain

LOG_NAMES = {"access": "access log", "disclosure": "disclosure log", "history": "history seals"}


@dataclass
class Verification:
    ok: bool
    counts: dict[str, int]
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # what the command prints when all is well
    first_broken: str = ""


def check_all(records=()):
    """Read every row and the chain heads from one snapshot, so appends made meanwhile cannot look like gaps."""
    wanted: dict[str, set[int]] = {log: set() for log in CHAINS}
    for record in records:
        for log, point in record.get("chains", {}).items():
            if log in wanted:
                wanted[log].add(int(point.get("length", 0)))
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        reports = [check_chain(log, wanted[log]) for log in CHAINS]
        return reports, check_history_rows()


def verify(*, checkpoint_path: Path | None = None, require_checkpoint: bool = False) -> Verification:
    records, problems = checkpoints.read(checkpoint_path)
    reports, history = check_all(records)
    first_broken = ""
    for report in reports:
        if report.ok:
            continue
        row = report.broken
        where = f"row id {row.pk} at {row.at.isoformat()}" if row is not None else "the end of the log"
        message = (
            f"BROKEN: {LOG_NAMES[report.log]}: first broken link at {where}: {report.problem} "
            f"({report.checked} rows before it verified)."
        )
        first_broken = first_broken or message.removeprefix("BROKEN: ")
        problems.append(message)
    problems += [f"BROKEN: history: {p}" for p in history.problems]
    if all(r.ok for r in reports):
        positions = {r.log: r.positions for r in reports}
        lengths = {r.log: r.checked for r in reports}
        problems += [f"BROKEN: {p}" for p in checkpoints.compare(records, positions, lengths)]
    if not records and require_checkpoint:
        problems.append("BROKEN: no exported checkpoint found (run audit_checkpoint)")
    counts = {r.log: r.checked for r in reports}
    counts["history_rows"] = history.checked
    counts["unsealed"] = history.unsealed
    counts["checkpoints"] = len(records)
    latest = records[-1]["at"] if records else "none yet (run audit_checkpoint)"
    lines = [
        f"OK: {counts['access']} access rows, {counts['disclosure']} disclosure rows",
        f"History: {history.checked} rows match their seals ({counts['history']} seals); "
        f"{history.unsealed} written since the last seal",
        f"Checkpoints: {len(records)} signed, all consistent; latest {latest}",
    ]
    if problems and not first_broken:
        first_broken = problems[0].removeprefix("BROKEN: ")
    return Verification(not problems, counts, problems, lines, first_broken)


def run(*, run_id: int) -> str:
    """Carry out a queued VerificationRun and record its result; on failure call the registered handlers."""
    from .models import VerificationRun, VerificationStatus

    record = VerificationRun.objects.get(pk=run_id)
    if record.status != VerificationStatus.QUEUED:
        return record.status
    VerificationRun.objects.filter(pk=run_id).update(status=VerificationStatus.RUNNING, started_at=timezone.now())
    try:
        result = verify()
    except Exception as error:  # a crash is a failed verification too: the DPO must hear of it
        result = Verification(False, {}, [f"BROKEN: the verification could not finish: {error!r}"])
        result.first_broken = result.problems[0].removeprefix("BROKEN: ")
    status = VerificationStatus.VERIFIED if result.ok else VerificationStatus.BROKEN
    VerificationRun.objects.filter(pk=run_id).update(
        status=status,
        finished_at=timezone.now(),
        counts=result.counts,
        problems="\n".join(result.problems),
        first_broken=result.first_broken,
    )
    if not result.ok:
        _alert(VerificationRun.objects.get(pk=run_id))
    return status


# Apps that tell people register here (notifications: the DPO and the auditors); audit imports no such app.
FAILURE_HANDLERS: list[Callable[[Any], None]] = []


def register_failure_handler(handler: Callable[[Any], None]) -> None:
    if handler not in FAILURE_HANDLERS:
        FAILURE_HANDLERS.append(handler)


def _alert(record) -> None:
    with transaction.atomic():
        for handler in FAILURE_HANDLERS:
            handler(record)


@transaction.atomic
def queue_run(*, trigger: str, by=None):
    """Record a verification as queued and queue its job in the same transaction (it runs in a worker)."""
    from .models import VerificationRun
    from .tasks import verify_audit_trail

    record = VerificationRun.objects.create(trigger=trigger, requested_by=by)
    verify_audit_trail.enqueue(run_id=record.pk)
    return record

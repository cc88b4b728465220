"""Reads for the information governance screens."""

from datetime import date, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from casework import signposting
from casework.models import SignpostingDecision
from common.compiled_sql import CompiledQuery
from common.lookups import filter_given

from .clock import COMPLAINT_ACKNOWLEDGE_DAYS
from .models import AgencyPurpose, DataProtectionComplaint, DataRequest, LawfulBasis, SubjectAccessRequest


def sar_list() -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.select_related("person").prefetch_related("pauses")


def sar_detail(pk: int) -> SubjectAccessRequest | None:
    return sar_list().select_related("decided_by").filter(pk=pk).first()


def complaint_register(
    *, status: str = "", received_from=None, received_to=None, overdue: bool = False
) -> QuerySet[DataProtectionComplaint]:
    """The complaints register, filtered as the auditor asked, newest first."""
    rows = filter_given(
        DataProtectionComplaint.objects.select_related("person"),
        status=status,
        received_on__gte=received_from,
        received_on__lte=received_to,
    )
    if overdue:
        window = timedelta(days=COMPLAINT_ACKNOWLEDGE_DAYS)
        late = Q(acknowledged_on__gt=F("received_on") + window)
        waiting = Q(acknowledged_on__isnull=True, received_on__lt=timezone.localdate() - window)
        rows = rows.filter(late | waiting)
    return rows.order_by("-received_on", "-id")


def complaint_detail(pk: int) -> DataProtectionComplaint | None:
    return DataProtectionComplaint.objects.select_related("person").filter(pk=pk).first()


def lawful_bases() -> QuerySet[LawfulBasis]:
    return LawfulBasis.objects.order_by("effective_from", "label")


def agency_purposes() -> QuerySet[AgencyPurpose]:
    return AgencyPurpose.objects.select_related("agency").order_by("agency__name", "purpose", "-effective_from")


def _purposes(agency_id: int, on: date) -> QuerySet[AgencyPurpose]:
    return AgencyPurpose.objects.filter(agency_id=agency_id, effective_from__lte=on).order_by(
        "purpose", "-effective_from", "-pk"
    )


# asked on every case page a user of an agency opens (casework.access_reasons): compiled once per thread (#23)
_PURPOSES = CompiledQuery(
    _purposes,
    lambda: [AgencyPurpose._meta.get_field("agency"), AgencyPurpose._meta.get_field("effective_from")],
    [-2_147_480_003, date(1900, 1, 1)],
)


def purposes_in_force(*, agency_id: int, on: date) -> list[AgencyPurpose]:
    """Each of the agency's purposes as recorded last on or before `on` (a later row re-states a purpose)."""
    latest: dict[str, AgencyPurpose] = {}
    for row in _PURPOSES.rows(agency_id, on):
        latest.setdefault(row.purpose, row)
    return list(latest.values())


def data_requests() -> QuerySet[DataRequest]:
    return DataRequest.objects.select_related("lawful_basis", "person", "decided_by")


def signposting_decision() -> SignpostingDecision | None:
    """The partnership's signposting decision in force (casework's one selector of the switch; decision 0016)."""
    return signposting.current_decision()

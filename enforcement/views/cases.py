"""A case's enforcement page."""

from django.shortcuts import render
from django.utils import timezone

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from casework import access, access_reasons
from statutory.selectors import value as law

from .. import selectors
from .shared import _case_context, _sections

# --- A case's enforcement page --------------------------------------------------------------------------


def case_enforcement(request, reference):
    case_access = access.case_access_or_404(request.user, reference)
    case = case_access.case
    access_reasons.require(request, case)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.VIEW,
        object_type=ObjectType.CASE,
        object_id=case.pk,
        object_label=case.reference,
        case_id=case.pk,
        details={"page": "enforcement"},
        path=request.path,
    )
    return render(
        request,
        "enforcement/case_enforcement.html",
        {
            **_case_context(case_access),
            "records": selectors.case_enforcement(case),
            "timeline": selectors.case_timeline_events(case),
            "case_deadlines": selectors.case_deadline_events(case, user=request.user),
            "respect_orders_in_force": law("injunction.adults_by_respect_order", on=timezone.localdate()),
            "sections": _sections(""),
        },
    )

"""Screens for fixed penalty notices, including those for breaches of CPNs and PSPOs."""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework import access

from .. import forms, presenters, selectors, services
from ..config import limit
from ..models import FPNStatus
from .shared import (
    _cancel_form,
    _case_for_new,
    _changeable,
    _detail,
    _need_perm,
    _now_to_the_minute,
    _on_record,
    _pdf,
    _posted,
    _record_form,
    _submit,
)


@require_http_methods(["GET", "POST"])
def case_fpn_create(request, reference):
    case_access = _case_for_new(request, reference, "add_fixedpenaltynotice")
    return _fpn_form(request, case=case_access.case)


@require_http_methods(["GET", "POST"])
def fpn_create(request):
    _need_perm(request, "add_fixedpenaltynotice")
    if access.agency_of(request.user) is None:
        raise PermissionDenied("Only a member of an agency can issue fixed penalties")
    return _fpn_form(request, case=None)


def _fpn_form(request, *, case):
    initial = {"ward": case.ward_id} if case else {}
    back = reverse("enforcement:case_enforcement", args=[case.reference]) if case else reverse("enforcement:fpn_list")
    return _submit(
        request,
        forms.FPNForm(_posted(request), initial=initial),
        lambda data: services.issue_fpn(by=request.user, case=case, **_offence_code(data)),
        success="Fixed penalty notice recorded",
        done="enforcement:fpn_detail",
        heading="Issue a fixed penalty notice",
        submit="Record the notice",
        back=back,
        section="Fixed penalties",
        caption=f"{case.reference} · {case.title}" if case else "On the street, without a case",
    )


def _offence_code(cleaned_data) -> dict:
    """The form's fields as issue_fpn takes them: the offence chosen is given by its code."""
    data = dict(cleaned_data)
    data["offence_code"] = data.pop("offence").code
    return data


def _breach_fpn(find, form_class, service, *, offence_code_setting: str, caption=None):
    """The fixed-penalty screen for a CPN or PSPO breach, under its offence code; `find(request, pk, codename)`
    resolves the breach and checks the user may act on it."""
    return _record_form(
        partial(find, codename="add_fixedpenaltynotice"),
        form_class,
        service,
        arg="breach",
        initial=lambda breach: {"issued_at": _now_to_the_minute()},
        extra=lambda breach: {
            "heading": f"Issue a fixed penalty ({limit(offence_code_setting)}) for the breach",
            **({"caption": caption(breach)} if caption else {}),
        },
        success="Fixed penalty notice issued for the breach",
        done="enforcement:fpn_detail",
        submit="Issue the fixed penalty",
    )


def _breach_prosecution(find, codename: str):
    """Refer a CPN or PSPO breach for prosecution, instead of a fixed penalty."""
    return _record_form(
        partial(find, codename=codename),
        forms.ProsecutionForm,
        services.refer_breach_for_prosecution,
        arg="breach",
        success="Breach referred for prosecution",
        heading="Refer the breach for prosecution",
        submit="Refer for prosecution",
    )


# --- Fixed penalties ------------------------------------------------------------------------------------


def fpn_detail(request, pk):
    fpn = selectors.get_fpn(user=request.user, pk=pk)
    can_change = access.may_change_record(request.user, fpn) and access.has_permission(
        request.user, "enforcement.change_fixedpenaltynotice"
    )
    today = timezone.localdate()
    return _detail(
        request,
        "enforcement/fpn_detail.html",
        fpn,
        rows=presenters.fpn_rows(fpn),
        can_change=can_change,
        amount_today=services.amount_due_on(fpn, today),
        may_prosecute=fpn.status == FPNStatus.ISSUED and today > fpn.payment_due and today >= fpn.no_proceedings_before,
        next_statuses=services.FPN_TRANSITIONS[fpn.status],
    )


def fpn_pdf(request, pk):
    fpn = selectors.get_fpn(user=request.user, pk=pk)
    return _pdf(request, fpn, template="enforcement/print/fpn.html", filename=f"fixed-penalty-{fpn.notice_number}.pdf")


_fpn_to_change = _changeable(selectors.get_fpn, "change_fixedpenaltynotice")


fpn_payment = _record_form(
    _fpn_to_change,
    forms.PaymentForm,
    services.record_fpn_payment,
    arg="fpn",
    initial=lambda fpn: {"paid_on": timezone.localdate()},
    success="Payment recorded",
    heading="Record a payment",
    submit="Record the payment",
)


fpn_cancel = _cancel_form(
    _fpn_to_change,
    services.cancel_fpn,
    arg="fpn",
    success="Fixed penalty cancelled",
    heading="Cancel the fixed penalty",
)


@require_http_methods(["GET", "POST"])
def fpn_prosecute(request, pk):
    fpn = _fpn_to_change(request, pk)
    return _on_record(
        request,
        fpn,
        forms.ProsecutionForm(_posted(request)),
        lambda data: services.list_fpn_for_prosecution(fpn=fpn, by=request.user),
        success="Listed for prosecution",
        heading="List the unpaid notice for prosecution",
        submit="List for prosecution",
    )

"""Screens for closure notices and closure orders."""

from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework import access
from statutory.selectors import value as law

from .. import forms, presenters, selectors, services
from .court_orders import _on_order, _order_action
from .shared import (
    _cancel_form,
    _case_for_new,
    _changeable,
    _detail,
    _on_case,
    _on_record,
    _pdf,
    _posted,
    _record_form,
)


@require_http_methods(["GET", "POST"])
def closure_create(request, reference):
    case = _case_for_new(request, reference, "add_closurenotice").case
    today = timezone.localdate()
    hearing_hours = law("closure.hearing_within_hours", on=today)
    notice_hours = law("closure.notice_max_hours", on=today)
    extended_hours = law("closure.notice_extended_max_hours", on=today)
    initial = {"premises": str(case.address) if case.address else ""}
    return _on_case(
        request,
        case,
        forms.ClosureNoticeForm(_posted(request), initial=initial),
        lambda data: services.issue_closure_notice(case=case, by=request.user, **data),
        success="Closure notice recorded",
        done="enforcement:closure_detail",
        heading="Record a closure notice",
        submit="Record the notice",
        section="Closures",
        rule=(
            f"The court must hear the closure order application within {hearing_hours} hours of service (Christmas "
            f"Day disregarded). A notice lasts at most {notice_hours} hours, extendable to {extended_hours}."
        ),
    )


# --- Closure notices and orders -------------------------------------------------------------------------


def closure_detail(request, pk):
    notice = selectors.get_closure_notice(user=request.user, pk=pk)
    order = getattr(notice, "order", None)
    can_change = access.may_change_record(request.user, notice) and access.has_permission(
        request.user, "enforcement.change_closurenotice"
    )
    now = timezone.now()
    adjournments = list(selectors.adjournments_of(notice))
    return _detail(
        request,
        "enforcement/closure_detail.html",
        notice,
        rows=presenters.closure_rows(notice, adjourned=bool(adjournments)),
        adjournments=[presenters.adjournment_text(a) for a in adjournments],
        order=order,
        order_rows=presenters.closure_order_rows(order) if order else [],
        order_breaches=selectors.breaches_of_order(order) if order else [],
        order_extensions=order.extensions.all() if order else [],
        order_decisions=[presenters.order_decision_text(v) for v in selectors.variations_of_order(order)]
        if order
        else [],
        can_change=can_change,
        can_change_order=order is not None
        and access.may_change_record(request.user, order)
        and access.has_permission(request.user, "enforcement.change_closureorder"),
        hearing_overdue=notice.status == "in_force" and notice.hearing_deadline < now,
        now=now,
        latest_order_end=services.closure_order_total_latest_end(order.starts_on) if order else None,
    )


def closure_pdf(request, pk):
    notice = selectors.get_closure_notice(user=request.user, pk=pk)
    first = selectors.adjournments_of(notice).first()
    return _pdf(
        request,
        notice,
        template="enforcement/print/closure_notice.html",
        filename=f"closure-notice-{notice.pk}.pdf",
        hearing_as_served=first.adjourned_hearing_at if first else notice.hearing_at,
        expires_as_served=first.previous_expires_at if first else notice.expires_at,
        order_max_months=law("closure.order_max_months", on=timezone.localtime(notice.served_at).date()),
        order_total_months=law("closure.order_total_max_months", on=timezone.localtime(notice.served_at).date()),
    )


_closure_to_change = _changeable(selectors.get_closure_notice, "change_closurenotice")


closure_extend = _record_form(
    _closure_to_change,
    forms.ClosureExtensionForm,
    services.extend_closure_notice,
    arg="notice",
    success="Closure notice extended",
    heading="Extend the closure notice",
    submit="Record the extension",
)


@require_http_methods(["GET", "POST"])
def closure_decision(request, pk):
    notice = _closure_to_change(request, pk)

    def save(cleaned_data):
        data = dict(cleaned_data)
        if data.pop("decision") == "refused":
            return services.refuse_closure_order(notice=notice, by=request.user, heard_at=data["heard_at"])
        return services.grant_closure_order(notice=notice, by=request.user, **data)

    initial = {"court": notice.hearing_court, "heard_at": timezone.localtime(notice.hearing_at).replace(tzinfo=None)}
    return _on_record(
        request,
        notice,
        forms.ClosureDecisionForm(_posted(request), initial=initial),
        save,
        success="Court decision recorded",
        heading="Record the court's decision",
        submit="Record the decision",
    )


closure_cancel = _cancel_form(
    _closure_to_change,
    services.cancel_closure_notice,
    arg="notice",
    success="Closure notice cancelled",
    heading="Cancel the closure notice",
)


def _adjournment_rule(notice) -> str:
    latest = services.closure_adjournment_latest(notice.hearing_at)
    return (
        f"The court may adjourn the hearing for at most "
        f"{law('closure.adjournment_max_days', on=timezone.localdate())} days (s81(3)), and may order the "
        "notice to continue "
        f"in force until then: the hearing listed for {presenters.d(notice.hearing_at)} can be adjourned to "
        f"{presenters.d(timezone.localtime(latest).date())} at the latest."
    )


closure_adjourn = _record_form(
    _closure_to_change,
    forms.ClosureAdjournmentForm,
    services.adjourn_closure_hearing,
    arg="notice",
    initial=lambda notice: {"adjourned_on": min(timezone.localtime(notice.hearing_at).date(), timezone.localdate())},
    extra=lambda notice: {"rule": _adjournment_rule(notice)},
    success="Adjournment recorded",
    heading="Record an adjournment of the hearing",
    submit="Record the adjournment",
)


closure_order_extend = _on_order(
    _order_action,
    selectors.get_closure_order,
    forms.ClosureOrderExtensionForm,
    services.extend_closure_order,
    codename="change_closureorder",
    success="Closure order extended",
    heading="Record an extension of the closure order",
    submit="Record the extension",
)

"""Screens for CBOs, civil injunctions and Respect Orders, and the variation, discharge, breach and review of orders."""

from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework import access
from statutory.selectors import value as law

from .. import forms, presenters, selectors, services
from ..models import (
    ClosureOrder,
)
from .shared import _case_for_new, _detail, _need_case_change, _on_case, _on_record, _posted

_COURT_ORDERS = {
    # kind: (add permission, form, service, detail page, heading, section)
    "cbo": (
        "add_criminalbehaviourorder",
        "CBOForm",
        "record_cbo",
        "enforcement:cbo_detail",
        "Record a Criminal Behaviour Order",
        "CBOs",
    ),
    "injunction": (
        "add_civilinjunction",
        "InjunctionForm",
        "record_injunction",
        "enforcement:injunction_detail",
        "Record a civil injunction",
        "Injunctions",
    ),
    "respect_order": (
        "add_respectorder",
        "RespectOrderForm",
        "record_respect_order",
        "enforcement:respect_order_detail",
        "Record a Respect Order",
        "Injunctions",
    ),
}


def _court_order_create(kind: str):
    """The screen recording a CBO, an injunction or a Respect Order on a case."""
    codename, form_name, service_name, done, heading, section = _COURT_ORDERS[kind]

    @require_http_methods(["GET", "POST"])
    def view(request, reference):
        case = _case_for_new(request, reference, codename).case
        service = getattr(services, service_name)

        def save(cleaned_data):
            data = dict(cleaned_data)
            party = data.pop("subject")
            return service(case=case, by=request.user, subject=party.person, **data)

        return _on_case(
            request,
            case,
            getattr(forms, form_name)(_posted(request), case=case),
            save,
            success="Order recorded",
            done=done,
            heading=heading,
            submit="Record the order",
            section=section,
        )

    return view


cbo_create = _court_order_create("cbo")
injunction_create = _court_order_create("injunction")
respect_order_create = _court_order_create("respect_order")


def _order_action(request, order, form_class, service, *, codename: str, initial: dict | None = None, **page):
    """A form on a closure order, CBO or injunction (they change with their case), its fields passed to `service`."""
    _need_case_change(request, order.case, codename)
    call = partial(service, order=order, by=request.user)
    return _on_record(request, order, form_class(_posted(request), initial=initial), lambda data: call(**data), **page)


def _order_codename(order) -> str:
    return f"change_{type(order)._meta.model_name}"


def _court_decision(request, order, form_class, service, **page):
    """The court's decision on an order (a variation or a discharge), its court and today's date filled in."""
    return _order_action(
        request,
        order,
        form_class,
        service,
        codename=_order_codename(order),
        initial={"court": order.court, "decided_on": timezone.localdate()},
        **page,
    )


def _on_order(screen, get, *args, **kwargs):
    """The URL's order, found through its selector (404 for one the user cannot see), shown on `screen`."""

    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        return screen(request, get(user=request.user, pk=pk), *args, **kwargs)

    return view


def _vary_view(request, order, form_class):
    rule = "Only an order in force can be varied; a new last day must be after the date of the variation."
    if isinstance(order, ClosureOrder):
        latest = services.closure_order_total_latest_end(order.starts_on)
        months = law("closure.order_total_max_months", on=order.starts_on)
        rule += (
            f" A closure order never runs beyond {months} months in all: this one must end by {presenters.d(latest)}."
        )
    return _court_decision(
        request,
        order,
        form_class,
        services.vary_order,
        success="Variation recorded",
        heading="Record a variation of the order",
        submit="Record the variation",
        rule=rule,
    )


def _discharge_view(request, order):
    return _court_decision(
        request,
        order,
        forms.OrderDischargeForm,
        services.discharge_order,
        success="Discharge recorded",
        heading="Record the discharge of the order",
        submit="Record the discharge",
        warning=True,
    )


closure_order_vary = _on_order(_vary_view, selectors.get_closure_order, forms.ClosureOrderVariationForm)


closure_order_discharge = _on_order(_discharge_view, selectors.get_closure_order)


cbo_vary = _on_order(_vary_view, selectors.get_cbo, forms.CourtOrderVariationForm)


cbo_discharge = _on_order(_discharge_view, selectors.get_cbo)


injunction_vary = _on_order(_vary_view, selectors.get_injunction, forms.CourtOrderVariationForm)


injunction_discharge = _on_order(_discharge_view, selectors.get_injunction)


def _breach_view(request, order):
    return _order_action(
        request,
        order,
        forms.OrderBreachForm,
        services.record_order_breach,
        codename="add_orderbreach",
        success="Breach recorded",
        heading="Record a breach of the order",
        submit="Record the breach",
    )


closure_order_breach = _on_order(_breach_view, selectors.get_closure_order)


# --- CBOs and injunctions -------------------------------------------------------------------------------


_COURT_ORDER_TITLES = {
    "cbo": "Criminal Behaviour Order",
    "injunction": "Civil injunction",
    "respect_order": "Respect Order",
}


def _court_order_detail(request, order, *, kind: str):
    codename = _order_codename(order)
    can_change = access.may_change_record(request.user, order)
    varies = kind != "respect_order"  # variation and discharge of Respect Orders: not yet recorded here
    return _detail(
        request,
        "enforcement/court_order_detail.html",
        order,
        rows=presenters.court_order_rows(order, kind=kind),
        breaches=selectors.breaches_of_order(order),
        decisions=[presenters.order_decision_text(v) for v in selectors.variations_of_order(order)] if varies else [],
        vary_url=reverse(f"enforcement:{kind}_vary", args=[order.pk]) if varies else "",
        discharge_url=reverse(f"enforcement:{kind}_discharge", args=[order.pk]) if varies else "",
        kind=kind,
        title=_COURT_ORDER_TITLES[kind],
        can_change=can_change and access.has_permission(request.user, f"enforcement.{codename}"),
        can_breach=can_change and access.has_permission(request.user, "enforcement.add_orderbreach"),
        breach_url=reverse(f"enforcement:{kind}_breach", args=[order.pk]),
        review_url=reverse(f"enforcement:{kind}_review", args=[order.pk]) if varies else "",
    )


def cbo_detail(request, pk):
    return _court_order_detail(request, selectors.get_cbo(user=request.user, pk=pk), kind="cbo")


def injunction_detail(request, pk):
    return _court_order_detail(request, selectors.get_injunction(user=request.user, pk=pk), kind="injunction")


cbo_breach = _on_order(_breach_view, selectors.get_cbo)


injunction_breach = _on_order(_breach_view, selectors.get_injunction)


def respect_order_detail(request, pk):
    return _court_order_detail(request, selectors.get_respect_order(user=request.user, pk=pk), kind="respect_order")


respect_order_breach = _on_order(_breach_view, selectors.get_respect_order)


def _review_view(request, order, *, kind: str):
    return _order_action(
        request,
        order,
        forms.ReviewForm,
        services.record_review,
        codename="change_criminalbehaviourorder" if kind == "cbo" else "change_civilinjunction",
        success="Review recorded",
        heading="Record a review",
        submit="Record the review",
    )


cbo_review = _on_order(_review_view, selectors.get_cbo, kind="cbo")


injunction_review = _on_order(_review_view, selectors.get_injunction, kind="injunction")

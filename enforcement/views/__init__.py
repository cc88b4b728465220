"""Enforcement screens, one module a power. Each view: resolve access (casework.access / selectors), call one
service, render.

Outsiders get 404 from the selectors; a reader who tries to write gets 403; a refused action shows the
service's message on the form and saves nothing.

shared (the plumbing every screen uses), registers (the overview and the lists), cases (a case's enforcement
page), cpn (written warnings and CPNs), fpn (fixed penalties), pspo, closure (closure notices and orders),
court_orders (CBOs, injunctions, Respect Orders; variation, discharge, breaches and reviews of orders).
enforcement/urls.py names every view through this package.

Screens that differ only by their record, form, service and wording are made by one factory each rather
than written out again: shared._record_form (a form whose fields go to one service on one record, with its
finder doing the access check), shared._cancel_form, fpn._breach_fpn / _breach_prosecution,
court_orders._on_order / _court_order_create, and registers._register.
"""

from .cases import case_enforcement
from .closure import (
    closure_adjourn,
    closure_cancel,
    closure_create,
    closure_decision,
    closure_detail,
    closure_extend,
    closure_order_extend,
    closure_pdf,
)
from .court_orders import (
    cbo_breach,
    cbo_create,
    cbo_detail,
    cbo_discharge,
    cbo_review,
    cbo_vary,
    closure_order_breach,
    closure_order_discharge,
    closure_order_vary,
    injunction_breach,
    injunction_create,
    injunction_detail,
    injunction_discharge,
    injunction_review,
    injunction_vary,
    respect_order_breach,
    respect_order_create,
    respect_order_detail,
)
from .cpn import (
    cpn_appeal,
    cpn_appeal_decision,
    cpn_breach_add,
    cpn_breach_fpn,
    cpn_breach_prosecute,
    cpn_create,
    cpn_detail,
    cpn_pdf,
    cpn_status,
    warning_create,
    warning_detail,
    warning_outcome,
    warning_pdf,
)
from .fpn import case_fpn_create, fpn_cancel, fpn_create, fpn_detail, fpn_payment, fpn_pdf, fpn_prosecute
from .pspo import (
    pspo_breach_add,
    pspo_breach_detail,
    pspo_breach_fpn,
    pspo_breach_prosecute,
    pspo_create,
    pspo_detail,
    pspo_extend,
)
from .registers import (
    SCOPES,
    cbo_list,
    closure_list,
    cpn_list,
    fpn_list,
    index,
    injunction_list,
    pspo_list,
    warning_list,
)
from .shared import PAGE_SIZE, SECTIONS

__all__ = [
    "PAGE_SIZE",
    "SCOPES",
    "SECTIONS",
    "case_enforcement",
    "case_fpn_create",
    "cbo_breach",
    "cbo_create",
    "cbo_detail",
    "cbo_discharge",
    "cbo_list",
    "cbo_review",
    "cbo_vary",
    "closure_adjourn",
    "closure_cancel",
    "closure_create",
    "closure_decision",
    "closure_detail",
    "closure_extend",
    "closure_list",
    "closure_order_breach",
    "closure_order_discharge",
    "closure_order_extend",
    "closure_order_vary",
    "closure_pdf",
    "cpn_appeal",
    "cpn_appeal_decision",
    "cpn_breach_add",
    "cpn_breach_fpn",
    "cpn_breach_prosecute",
    "cpn_create",
    "cpn_detail",
    "cpn_list",
    "cpn_pdf",
    "cpn_status",
    "fpn_cancel",
    "fpn_create",
    "fpn_detail",
    "fpn_list",
    "fpn_payment",
    "fpn_pdf",
    "fpn_prosecute",
    "index",
    "injunction_breach",
    "injunction_create",
    "injunction_detail",
    "injunction_discharge",
    "injunction_list",
    "injunction_review",
    "injunction_vary",
    "pspo_breach_add",
    "pspo_breach_detail",
    "pspo_breach_fpn",
    "pspo_breach_prosecute",
    "pspo_create",
    "pspo_detail",
    "pspo_extend",
    "pspo_list",
    "respect_order_breach",
    "respect_order_create",
    "respect_order_detail",
    "warning_create",
    "warning_detail",
    "warning_list",
    "warning_outcome",
    "warning_pdf",
]

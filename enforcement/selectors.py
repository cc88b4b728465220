"""Every read of enforcement records: already filtered to what the user may see and already joined.

A record with a case is visible exactly when its case is (casework.access.visible_cases). A fixed penalty, PSPO
or PSPO breach without a case is visible to its owner agency's members and to holders of
casework.view_all_cases.
The performance dashboard reads `tools_and_powers_by_month` and `fpns_by_offence_code` from here.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from itertools import chain
from typing import Any

from django.contrib.auth.models import User
from django.db import connections, router
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models import Case as Conditional  # casework's Case is the model
from django.db.models.functions import Cast, RowNumber, TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from casework import access
from casework.calendar import day_bounds
from casework.models import Case, Organisation, Person

from .config import limit
from .models import (
    CivilInjunction,
    ClosureHearingAdjournment,
    ClosureNotice,
    ClosureOrder,
    ClosureOrderStatus,
    ClosureStatus,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CourtOrderStatus,
    CPNBreach,
    CPNStatus,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    FPNStatus,
    OffenceCode,
    OrderBreach,
    OrderVariation,
    PSPOBreach,
    PSPOStatus,
    PublicSpacesProtectionOrder,
    RespectOrder,
    WarningStatus,
)

# --- Visibility -----------------------------------------------------------------------------------------


def warnings_for(user: User) -> QuerySet[CommunityProtectionWarning]:
    return CommunityProtectionWarning.objects.filter(access.through_case(user)).select_related(
        "case", "case__ward", "recipient_person", "recipient_organisation", "served_by", "issuing_agency"
    )


def cpns_for(user: User) -> QuerySet[CommunityProtectionNotice]:
    return CommunityProtectionNotice.objects.filter(access.through_case(user)).select_related(
        "case", "case__ward", "recipient_person", "recipient_organisation", "issued_by", "issuing_agency", "warning"
    )


def cpn_breaches_for(user: User) -> QuerySet[CPNBreach]:
    return CPNBreach.objects.filter(access.through_case(user, "cpn__case")).select_related(
        "cpn", "cpn__case", "recorded_by", "fixed_penalty"
    )


def fpns_for(user: User) -> QuerySet[FixedPenaltyNotice]:
    return FixedPenaltyNotice.objects.filter(access.case_or_owner(user)).select_related(
        "offence", "owner_agency", "case", "ward", "issued_by", "cpn_breach", "pspo_breach"
    )


def pspos_for(user: User) -> QuerySet[PublicSpacesProtectionOrder]:
    """A borough-wide order has no case: its owner agency (the council) and managers/auditors see it."""
    return PublicSpacesProtectionOrder.objects.filter(access.case_or_owner(user)).select_related("owner_agency")


def pspo_breaches_for(user: User) -> QuerySet[PSPOBreach]:
    return PSPOBreach.objects.filter(access.case_or_owner(user)).select_related(
        "pspo", "condition", "owner_agency", "case", "ward", "recorded_by", "fixed_penalty"
    )


def closure_notices_for(user: User) -> QuerySet[ClosureNotice]:
    return ClosureNotice.objects.filter(access.through_case(user)).select_related(
        "case", "case__ward", "served_by", "issuing_agency", "order"
    )


def cbos_for(user: User) -> QuerySet[CriminalBehaviourOrder]:
    return CriminalBehaviourOrder.objects.filter(access.through_case(user)).select_related(
        "case", "case__ward", "subject", "recorded_by"
    )


def injunctions_for(user: User) -> QuerySet[CivilInjunction]:
    return CivilInjunction.objects.filter(access.through_case(user)).select_related(
        "case", "case__ward", "subject", "recorded_by", "applicant_agency"
    )


def respect_orders_for(user: User) -> QuerySet[RespectOrder]:
    """Respect Orders are visible exactly when their case is, like injunctions."""
    return RespectOrder.objects.filter(access.through_case(user)).select_related(
        "case", "case__ward", "subject", "recorded_by", "applicant_agency"
    )


def _get(queryset, pk: int, what: str):
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404(f"No {what} found")
    return record


def get_warning(*, user: User, pk: int) -> CommunityProtectionWarning:
    return _get(warnings_for(user).prefetch_related("cpns"), pk, "warning")


def get_cpn(*, user: User, pk: int) -> CommunityProtectionNotice:
    return _get(cpns_for(user), pk, "notice")


def get_cpn_breach(*, user: User, pk: int) -> CPNBreach:
    return _get(cpn_breaches_for(user), pk, "breach")


def get_fpn(*, user: User, pk: int) -> FixedPenaltyNotice:
    return _get(fpns_for(user).select_related("cpn_breach__cpn", "pspo_breach__pspo"), pk, "notice")


def get_pspo(*, user: User, pk: int) -> PublicSpacesProtectionOrder:
    return _get(pspos_for(user).prefetch_related("conditions", "extensions"), pk, "order")


def get_pspo_breach(*, user: User, pk: int) -> PSPOBreach:
    return _get(pspo_breaches_for(user), pk, "breach")


def get_closure_notice(*, user: User, pk: int) -> ClosureNotice:
    return _get(closure_notices_for(user), pk, "closure notice")


def get_closure_order(*, user: User, pk: int) -> ClosureOrder:
    queryset = ClosureOrder.objects.filter(access.through_case(user)).select_related("notice", "case")
    return _get(queryset, pk, "closure order")


def get_cbo(*, user: User, pk: int) -> CriminalBehaviourOrder:
    return _get(cbos_for(user), pk, "order")


def get_injunction(*, user: User, pk: int) -> CivilInjunction:
    return _get(injunctions_for(user), pk, "injunction")


def get_respect_order(*, user: User, pk: int) -> RespectOrder:
    return _get(respect_orders_for(user), pk, "Respect Order")


def breaches_of_cpn(cpn: CommunityProtectionNotice) -> QuerySet[CPNBreach]:
    return cpn.breaches.select_related("recorded_by", "fixed_penalty").prefetch_related("evidence")


def breaches_of_order(order) -> QuerySet[OrderBreach]:
    return order.breaches.select_related("recorded_by")


def adjournments_of(notice: ClosureNotice) -> QuerySet[ClosureHearingAdjournment]:
    """The notice's hearing adjournments, first first (the caller has resolved the notice through a selector)."""
    return notice.adjournments.select_related("recorded_by").order_by("adjourned_hearing_at", "id")


def variations_of_order(order) -> QuerySet[OrderVariation]:
    """The court's variations and discharge of a closure order, CBO or injunction, oldest first."""
    return order.variations.select_related("recorded_by").order_by("decided_on", "id")


def breaches_of_pspo(*, user: User, pspo: PublicSpacesProtectionOrder) -> QuerySet[PSPOBreach]:
    return pspo_breaches_for(user).filter(pspo=pspo)


# --- A case's enforcement page ---------------------------------------------------------------------------


@dataclass
class CaseEnforcement:
    warnings: list
    cpns: list
    fpns: list
    closure_notices: list
    cbos: list
    injunctions: list
    pspo_breaches: list
    respect_orders: list

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.warnings,
                self.cpns,
                self.fpns,
                self.closure_notices,
                self.cbos,
                self.injunctions,
                self.pspo_breaches,
                self.respect_orders,
            )
        )


def case_enforcement(case: Case) -> CaseEnforcement:
    """Everything enforcement on one case (the caller has resolved the case through case_access_or_404)."""
    people = ("recipient_person", "recipient_organisation")
    return CaseEnforcement(
        warnings=list(case.cpn_warnings.select_related(*people, "served_by")),
        cpns=list(case.cpns.select_related(*people, "issued_by").prefetch_related("breaches")),
        fpns=list(case.fixed_penalties.select_related("offence", "issued_by")),
        closure_notices=list(case.closure_notices.select_related("order", "served_by")),
        cbos=list(case.cbos.select_related("subject")),
        injunctions=list(case.injunctions.select_related("subject")),
        pspo_breaches=list(case.pspo_breaches.select_related("pspo", "condition")),
        respect_orders=list(case.respect_orders.select_related("subject")),
    )


# --- What is due and overdue -----------------------------------------------------------------------------


@dataclass
class Deadline:
    kind: str
    label: str
    due: date
    url: str
    overdue: bool
    due_at: datetime | None = None
    case_reference: str = ""
    agency: str = ""
    officer_id: int | None = None
    sort_key: tuple = field(default=(), repr=False)
    # With scope "mine_or_agency": among the first `limit_each` of the user's own / of their agency's records
    mine: bool = False
    in_agency: bool = False


#: Above any rank a page keeps: what a record outside a scope ranks in that scope.
_OUTSIDE = 10**9


def _scope_filters(user: User, *, officer_field: str, agency_field: str) -> tuple[Q, Q]:
    mine = Q(**{officer_field: user}) | Q(case__officer=user)
    agency = access.agency_of(user)
    return mine, (Q(**{agency_field: agency}) | Q(case__lead_agency=agency)) if agency else Q(pk__in=[])


def _scope(queryset, user: User, scope: str, *, officer_field: str, agency_field: str):
    if scope == "mine_or_agency":  # both of My work's lists in one query, each row marked (see _first)
        mine_q, agency_q = _scope_filters(user, officer_field=officer_field, agency_field=agency_field)
        return queryset.filter(mine_q | agency_q).annotate(
            is_mine=Conditional(When(mine_q, then=Value(True)), default=Value(False), output_field=BooleanField()),
            is_agency=Conditional(When(agency_q, then=Value(True)), default=Value(False), output_field=BooleanField()),
        )
    if scope == "mine":
        return queryset.filter(Q(**{officer_field: user}) | Q(case__officer=user))
    if scope == "agency":
        agency = access.agency_of(user)
        if agency is None:
            return queryset.none()
        return queryset.filter(Q(**{agency_field: agency}) | Q(case__lead_agency=agency))
    return queryset


def _first(queryset, scope: str, order: tuple[str, ...], limit_each: int):
    """The first `limit_each` records in `order`; with scope "mine_or_agency", the first of the user's own and
    the first of their agency's, each row marked with its rank in either (`mine_rank`, `agency_rank`)."""
    order = (*order, "pk")
    if scope != "mine_or_agency":
        return queryset.order_by(*order)[:limit_each]
    by = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in order]
    ranked = queryset.annotate(
        mine_n=Window(RowNumber(), partition_by=[F("is_mine")], order_by=by),
        agency_n=Window(RowNumber(), partition_by=[F("is_agency")], order_by=by),
    ).annotate(
        mine_rank=Conditional(
            When(is_mine=True, then=F("mine_n")), default=Value(_OUTSIDE), output_field=IntegerField()
        ),
        agency_rank=Conditional(
            When(is_agency=True, then=F("agency_n")), default=Value(_OUTSIDE), output_field=IntegerField()
        ),
    )
    return ranked.filter(Q(mine_rank__lte=limit_each) | Q(agency_rank__lte=limit_each)).order_by(*order)


def _warning_due(*, today, soon, now, compliance_deadline):
    return [("Written warning: compliance deadline", compliance_deadline, None, None)]


def _warning_described(w, kind):
    label = f"Check {w.recipient_name} complied; record complied or breached"
    return label, reverse("enforcement:warning_detail", args=[w.pk]), str(w.issuing_agency), w.served_by_id


def _cpn_due(*, today, soon, now, compliance_deadline, appeal_deadline):
    due = []
    if compliance_deadline <= soon:
        due.append(("CPN: compliance deadline", compliance_deadline, None, None))
    if today <= appeal_deadline <= soon:
        due.append(("CPN: appeal window closes", appeal_deadline, False, None))
    return due


def _cpn_described(c, kind):
    if kind == "CPN: compliance deadline":
        label = f"Check {c.recipient_name} complied with the CPN"
    else:
        label = f"Appeals against the CPN to {c.recipient_name} close"
    return label, reverse("enforcement:cpn_detail", args=[c.pk]), str(c.issuing_agency), c.issued_by_id


def _fpn_due(*, today, soon, now, payment_due, early_payment_until):
    due = []
    if payment_due < today:
        due.append(("FPN: unpaid after the payment period", payment_due, None, None))
    elif payment_due <= soon:
        due.append(("FPN: payment due", payment_due, None, None))
    if today <= early_payment_until <= soon:
        due.append(("FPN: early payment ends", early_payment_until, False, None))
    return due


def _fpn_described(f, kind):
    label = {
        "FPN: unpaid after the payment period": f"{f.notice_number} ({f.offence.code}): list for prosecution",
        "FPN: payment due": f"{f.notice_number} ({f.offence.code}): £{f.full_amount} due",
    }.get(kind) or f"{f.notice_number}: £{f.early_payment_amount} if paid by this date"
    return label, reverse("enforcement:fpn_detail", args=[f.pk]), str(f.owner_agency), f.issued_by_id


def _closure_notice_due(*, today, soon, now, hearing_at):
    return [("Closure notice: court hearing", timezone.localtime(hearing_at).date(), hearing_at < now, hearing_at)]


def _closure_notice_described(n, kind):
    label = f"{'Adjourned closure' if n.adjourned else 'Closure'} order hearing at {n.hearing_court}"
    return label, reverse("enforcement:closure_detail", args=[n.pk]), str(n.issuing_agency), n.served_by_id


def _closure_order_due(*, today, soon, now, ends_on):
    return [("Closure order ends", ends_on, False, None)]


def _closure_order_described(o, kind):
    label = "Decide whether to apply for an extension before the order ends"
    return (
        label,
        reverse("enforcement:closure_detail", args=[o.notice_id]),
        str(o.notice.issuing_agency),
        o.recorded_by_id,
    )


def _court_order_due(label, *, today, soon, now, next_review_on, ends_on):
    due = []
    if next_review_on and next_review_on <= soon:
        due.append((f"{label}: annual review (under 18)", next_review_on, None, None))
    if ends_on and today <= ends_on <= soon:
        due.append((f"{label} ends", ends_on, False, None))
    return due


def _court_order_described(label, url_name, order, kind):
    text = (
        f"Review the {label} on {order.subject}"
        if kind.endswith("(under 18)")
        else f"The {label} on {order.subject} ends"
    )
    return text, reverse(url_name, args=[order.pk]), "", order.recorded_by_id


def _due_warnings(user, today, soon):
    return warnings_for(user).filter(status=WarningStatus.SERVED, compliance_deadline__lte=soon)


def _due_cpns(user, today, soon):
    return cpns_for(user).filter(
        Q(status=CPNStatus.IN_FORCE, compliance_deadline__lte=soon)
        | Q(status=CPNStatus.IN_FORCE, appeal_deadline__gte=today, appeal_deadline__lte=soon)
    )


def _due_fpns(user, today, soon):
    return (
        fpns_for(user)
        .filter(status=FPNStatus.ISSUED)
        .filter(Q(payment_due__lte=soon) | Q(early_payment_until__gte=today, early_payment_until__lte=soon))
    )


def _due_closure_notices(user, today, soon):
    return (
        closure_notices_for(user)
        .filter(status=ClosureStatus.IN_FORCE)
        .annotate(adjourned=Exists(ClosureHearingAdjournment.objects.filter(notice=OuterRef("pk"))))
    )


def _due_closure_orders(user, today, soon):
    return ClosureOrder.objects.filter(
        access.through_case(user), status=ClosureOrderStatus.IN_FORCE, ends_on__lte=soon, ends_on__gte=today
    ).select_related("case", "notice__issuing_agency")


def _due_court_orders(visible, user, today, soon):
    return (
        visible(user)
        .filter(status__in=[CourtOrderStatus.IN_FORCE, CourtOrderStatus.VARIED])
        .filter(Q(next_review_on__lte=soon) | Q(ends_on__gte=today, ends_on__lte=soon))
    )


@dataclass(frozen=True)
class _Kind:
    """A kind of record with deadlines. `due(today=, soon=, now=, **dates)` gives (kind, due date, overdue or None
    for "before today", due time) from the record's `dates` alone, so My work can choose the deadlines it shows
    before loading any record; `described(record, kind)` gives (label, url, agency, officer id)."""

    code: str
    records: Callable  # (user, today, soon) -> the user's records with a deadline due soon or passed
    officer_field: str
    agency_field: str
    order: tuple[str, ...]
    dates: tuple[str, ...]
    due: Callable
    described: Callable
    moment: bool = False  # `dates` is one date and time (a hearing), not dates


_KINDS: tuple[_Kind, ...] = (
    _Kind(
        "warning",
        _due_warnings,
        "served_by",
        "issuing_agency",
        ("compliance_deadline",),
        ("compliance_deadline",),
        _warning_due,
        _warning_described,
    ),
    _Kind(
        "cpn",
        _due_cpns,
        "issued_by",
        "issuing_agency",
        ("compliance_deadline",),
        ("compliance_deadline", "appeal_deadline"),
        _cpn_due,
        _cpn_described,
    ),
    _Kind(
        "fpn",
        _due_fpns,
        "issued_by",
        "owner_agency",
        ("payment_due",),
        ("payment_due", "early_payment_until"),
        _fpn_due,
        _fpn_described,
    ),
    _Kind(
        "closure_notice",
        _due_closure_notices,
        "served_by",
        "issuing_agency",
        ("hearing_deadline",),
        ("hearing_at",),
        _closure_notice_due,
        _closure_notice_described,
        moment=True,
    ),
    _Kind(
        "closure_order",
        _due_closure_orders,
        "recorded_by",
        "notice__issuing_agency",
        ("ends_on",),
        ("ends_on",),
        _closure_order_due,
        _closure_order_described,
    ),
)
_PSPO_POSITION = len(_KINDS)  # borough-wide orders come after the closure orders, before the court orders
_KINDS += tuple(
    _Kind(
        code,
        partial(_due_court_orders, visible),
        "recorded_by",
        agency_field,
        tuple(str(name) for name in model._meta.ordering or ()),
        ("next_review_on", "ends_on"),
        partial(_court_order_due, label),
        partial(_court_order_described, label, url_name),
    )
    for code, label, visible, model, url_name, agency_field in (
        ("cbo", "CBO", cbos_for, CriminalBehaviourOrder, "enforcement:cbo_detail", "case__lead_agency"),
        (
            "injunction",
            "Injunction",
            injunctions_for,
            CivilInjunction,
            "enforcement:injunction_detail",
            "applicant_agency",
        ),
    )
)


def _deadline(kind_spec, record, kind, due, overdue, due_at, *, today, mine=False, in_agency=False) -> Deadline:
    label, url, agency, officer_id = kind_spec.described(record, kind)
    return Deadline(
        kind=kind,
        label=label,
        due=due,
        url=url,
        overdue=(due < today) if overdue is None else overdue,
        due_at=due_at,
        case_reference=record.case.reference if record.case_id else "",
        agency=agency,
        officer_id=officer_id,
        mine=mine,
        in_agency=in_agency,
    )


def _oldest_first(items: list[Deadline]) -> list[Deadline]:
    items.sort(key=lambda d: (not d.overdue, d.due_at or datetime.combine(d.due, datetime.min.time()).astimezone()))
    return items


def deadlines(*, user: User, today: date | None = None, scope: str = "all", limit_each: int = 50) -> list[Deadline]:
    """Compliance, appeal, payment, hearing, expiry and review dates due soon or overdue, oldest first.

    `scope` is "mine" (records the user issued or on their cases), "agency" (their agency's) or "all" (every
    record they may see). One query per kind of record, whatever the number of rows.
    """
    today = today or timezone.localdate()
    soon = today + timedelta(days=limit("DUE_SOON_DAYS"))
    now = timezone.now()
    items: list[Deadline] = []
    for position, spec in enumerate(_KINDS):
        if position == _PSPO_POSITION:
            items.extend(_expiring_pspos(user, today, scope, limit_each))
        records = _scope(
            spec.records(user, today, soon),
            user,
            scope,
            officer_field=spec.officer_field,
            agency_field=spec.agency_field,
        )
        for record in _first(records, scope, spec.order, limit_each):
            marks = {
                "mine": getattr(record, "mine_rank", _OUTSIDE) <= limit_each,
                "in_agency": getattr(record, "agency_rank", _OUTSIDE) <= limit_each,
            }
            dates = {name: getattr(record, name) for name in spec.dates}
            for due in spec.due(today=today, soon=soon, now=now, **dates):
                items.append(_deadline(spec, record, *due, today=today, **marks))
    return _oldest_first(items)


def _expiring_pspos(user: User, today: date, scope: str, limit_each: int) -> list[Deadline]:
    """A PSPO is an agency's, never one officer's: none in "mine"; and none on My work's lists (no mark)."""
    if scope == "mine":
        return []
    expiring = pspos_for(user).filter(
        status=PSPOStatus.IN_FORCE,
        expires_on__gte=today,
        expires_on__lte=today + timedelta(days=limit("PSPO_EXPIRY_WARNING_DAYS")),
    )
    if scope in ("agency", "mine_or_agency"):
        expiring = expiring.filter(owner_agency=access.agency_of(user))
    return [
        Deadline(
            kind="PSPO expires",
            label=f"{p.title}: consult on an extension before it expires",
            due=p.expires_on,
            url=reverse("enforcement:pspo_detail", args=[p.pk]),
            overdue=False,
            agency=str(p.owner_agency),
        )
        for p in expiring.order_by("expires_on")[:limit_each]
    ]


def fpns_for_prosecution(*, user: User, today: date | None = None) -> QuerySet[FixedPenaltyNotice]:
    """Unpaid notices whose payment period has ended: the prosecution list."""
    today = today or timezone.localdate()
    return fpns_for(user).filter(status=FPNStatus.ISSUED, payment_due__lt=today).order_by("payment_due")


@dataclass
class _Due:
    """A deadline chosen from the dates alone (My work's first query), described once its record is loaded."""

    spec: _Kind
    record_id: int
    kind: str
    due: date
    overdue: bool
    due_at: datetime | None
    mine: bool
    in_agency: bool


def _ranked_dates(spec: _Kind, user: User, today: date, soon: date, limit_each: int):
    """One part of My work's UNION ALL: the kind's first `limit_each` records of the user's and of their agency's
    (as `deadlines(scope="mine_or_agency")` reads them), as (kind, id, position in the kind's order, dates, ranks)."""
    records = _scope(
        spec.records(user, today, soon),
        user,
        "mine_or_agency",
        officer_field=spec.officer_field,
        agency_field=spec.agency_field,
    )
    order = [F(name[1:]).desc() if name.startswith("-") else F(name).asc() for name in (*spec.order, "pk")]
    dates: list[F | Cast] = [F(name) for name in spec.dates] if not spec.moment else []
    # typed NULLs: PostgreSQL reads an untyped NULL in a part's subquery as text, which no date column matches
    dates += [Cast(Value(None), DateField())] * (2 - len(dates))
    moment = F(spec.dates[0]) if spec.moment else Cast(Value(None), DateTimeField())
    return (
        _first(records.annotate(position=Window(RowNumber(), order_by=order)), "mine_or_agency", spec.order, limit_each)
        .order_by()
        .values_list(
            Value(spec.code, output_field=CharField()), "pk", "position", *dates, moment, "mine_rank", "agency_rank"
        )
    )


#: My work's UNION ALL compiled, by everything its SQL is built from (`_union_key`): building and compiling its
#: parts cost about 50 ms of CPU a request (the query itself runs in about 1 ms at 10,000 cases); issue 23.
_COMPILED_UNIONS: dict[tuple, tuple[str, tuple, Any]] = {}
_COMPILED_UNIONS_KEPT = 512


def _union_key(user: User, today: date, soon: date, limit_each: int, using: str) -> tuple | None:
    """Every value the UNION's SQL is built from in Python: who the user is, what access.visible_cases /
    through_case / case_or_owner and _scope_filters read of them (active, sees every case, group ids, user-level
    case permissions, agency) and the dates. Which cases a group may see is read by the SQL itself, when it runs,
    so it is never stale. None (not cached) for anyone not signed in."""
    if not getattr(user, "is_authenticated", False) or not user.pk:
        return None
    agency = access.agency_of(user)
    sees_all = access.sees_all_cases(user)
    return (
        using,
        user.pk,
        user.is_active,
        sees_all,
        tuple(access.group_ids_of(user)) if not sees_all else (),
        access.holds_user_level_case_permissions(user) if not sees_all else False,
        agency.pk if agency is not None else None,
        today,
        soon,
        limit_each,
    )


def _ranked_dates_rows(user: User, today: date, soon: date, limit_each: int) -> list[tuple]:
    """The rows of My work's UNION ALL (`_ranked_dates`, one part per kind); its SQL compiled once per key
    (`_union_key`) per process, then only run, its values converted by Django's own compiler as before."""
    using = router.db_for_read(CommunityProtectionWarning)
    key = _union_key(user, today, soon, limit_each, using)
    compiled = _COMPILED_UNIONS.get(key) if key is not None else None
    if compiled is None:
        parts = [_ranked_dates(spec, user, today, soon, limit_each) for spec in _KINDS]
        union = parts[0].union(*parts[1:], all=True)
        compiler = union.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        compiled = (sql, tuple(params), compiler)
        if key is not None:
            if len(_COMPILED_UNIONS) >= _COMPILED_UNIONS_KEPT:
                _COMPILED_UNIONS.pop(next(iter(_COMPILED_UNIONS)), None)
            _COMPILED_UNIONS[key] = compiled
    sql, params, compiler = compiled
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return list(compiler.results_iter(results=[fetched], tuple_expected=True))


def my_work_deadlines(*, user: User, today: date | None = None, shown: int | None = None) -> dict[str, list[Deadline]]:
    """For My work: the deadlines on the user's own records and cases, and the rest of their agency's, each list
    exactly as `deadlines(scope="mine_or_agency")` marks them, the first `shown` of each (all when None).

    One UNION ALL query (one part per kind) reads each candidate's dates and ranks; then only the records of the
    deadlines shown are loaded, one query per kind among them (issue 23)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=limit("DUE_SOON_DAYS"))
    now = timezone.now()
    limit_each = 50
    order = {spec.code: position for position, spec in enumerate(_KINDS)}
    rows = sorted(_ranked_dates_rows(user, today, soon, limit_each), key=lambda row: (order[row[0]], row[2]))
    codes = {spec.code: spec for spec in _KINDS}
    candidates: list[_Due] = []
    for code, record_id, _position, first, second, moment, mine_rank, agency_rank in rows:
        spec = codes[code]
        values = (moment,) if spec.moment else (first, second)[: len(spec.dates)]
        for kind, due, overdue, due_at in spec.due(
            today=today, soon=soon, now=now, **dict(zip(spec.dates, values, strict=True))
        ):
            candidates.append(
                _Due(
                    spec,
                    record_id,
                    kind,
                    due,
                    (due < today) if overdue is None else overdue,
                    due_at,
                    mine_rank <= limit_each,
                    agency_rank <= limit_each,
                )
            )
    candidates.sort(
        key=lambda d: (not d.overdue, d.due_at or datetime.combine(d.due, datetime.min.time()).astimezone())
    )
    mine = [d for d in candidates if d.mine]
    mine_keys = {(d.spec.code, d.record_id, d.kind) for d in mine}
    agency = [d for d in candidates if d.in_agency and (d.spec.code, d.record_id, d.kind) not in mine_keys]
    mine, agency = mine[:shown], agency[:shown]
    wanted: dict[str, set[int]] = {}
    for d in chain(mine, agency):
        wanted.setdefault(d.spec.code, set()).add(d.record_id)
    loaded = {
        (code, record.pk): record
        for code, ids in wanted.items()
        for record in codes[code].records(user, today, soon).filter(pk__in=ids)
    }

    def described(items: list[_Due]) -> list[Deadline]:
        return [
            _deadline(
                d.spec,
                loaded[(d.spec.code, d.record_id)],
                d.kind,
                d.due,
                d.overdue,
                d.due_at,
                today=today,
                mine=d.mine,
                in_agency=d.in_agency,
            )
            for d in items
        ]

    return {"mine": described(mine), "agency": described(agency)}


# --- Counts for the performance dashboard ----------------------------------------------------------------

TOOLS_AND_POWERS = (
    ("injunction", "Injunction"),
    ("cbo", "CBO"),
    ("cpn_warning", "CPN Written Warning"),
    ("cpn", "CPN"),
    ("cpn_breached", "CPN Breached"),
    ("pspo", "PSPO"),
    ("pco", "PCO"),
)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _months(start: date, end: date) -> list[date]:
    months = []
    current = _month_start(start)
    while current <= end:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months


def _monthly(queryset, date_field: str) -> dict[date, int]:
    rows = queryset.annotate(month=TruncMonth(date_field)).values("month").annotate(n=Count("id")).order_by()
    result: dict[date, int] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        result[month] = result.get(month, 0) + row["n"]
    return result


def tools_and_powers_by_month(*, user: User, start: date, end: date) -> dict:
    """Monthly counts of the powers used (seed 003's "ASB Tools and Powers Outcomes" table), in SQL.

    Returns {"columns": [(key, label), ...], "months": [{"month": date, "counts": {key: n}}, ...],
    "totals": {key: n}}. Each count is by the date the power was used: injunctions and CBOs by the day made,
    written warnings by service, CPNs by issue, "CPN Breached" by breaches recorded (by the day they happened),
    "PSPO" by PSPO breaches dealt with (recorded), "PCO" by premises closure orders granted (by start).
    Only records the user may see are counted.
    """
    visible = access.through_case(user)
    since, until = day_bounds(start, end)

    def dated(field_name: str, is_datetime: bool = False) -> dict:
        # Datetimes by a half-open range of aware bounds, not `__date` (which defeats the column's index).
        if is_datetime:
            return {f"{field_name}__gte": since, f"{field_name}__lt": until}
        return {f"{field_name}__gte": start, f"{field_name}__lte": end}

    series = {
        "injunction": _monthly(injunctions_for(user).filter(**dated("made_on")), "made_on"),
        "cbo": _monthly(cbos_for(user).filter(**dated("made_on")), "made_on"),
        "cpn_warning": _monthly(
            CommunityProtectionWarning.objects.filter(visible, **dated("served_at", True)), "served_at"
        ),
        "cpn": _monthly(CommunityProtectionNotice.objects.filter(visible, **dated("issued_on")), "issued_on"),
        "cpn_breached": _monthly(
            CPNBreach.objects.filter(access.through_case(user, "cpn__case"), **dated("occurred_on")), "occurred_on"
        ),
        "pspo": _monthly(
            PSPOBreach.objects.filter(access.case_or_owner(user), **dated("occurred_at", True)), "occurred_at"
        ),
        "pco": _monthly(ClosureOrder.objects.filter(visible, **dated("starts_on")), "starts_on"),
    }
    months = [
        {"month": m, "counts": {key: series[key].get(m, 0) for key, _ in TOOLS_AND_POWERS}} for m in _months(start, end)
    ]
    totals = {key: sum(series[key].values()) for key, _ in TOOLS_AND_POWERS}
    return {"columns": list(TOOLS_AND_POWERS), "months": months, "totals": totals}


def fpns_by_offence_code(*, user: User, start: date, end: date) -> list[dict]:
    """Fixed penalties issued between two dates per offence code, with how many were paid, unpaid, cancelled.

    One row per offence code (codes with none issued included, so the table is complete): {"code",
    "description", "issued", "paid", "unpaid", "cancelled", "prosecution"}; "unpaid" counts notices still
    awaiting payment plus those listed for prosecution, and "prosecution" is the part of them listed.
    """
    since, until = day_bounds(start, end)
    rows = (
        fpns_for(user)
        .filter(issued_at__gte=since, issued_at__lt=until)
        .values("offence__code")
        .annotate(
            issued=Count("id"),
            paid=Count("id", filter=Q(status=FPNStatus.PAID)),
            unpaid=Count("id", filter=Q(status__in=[FPNStatus.ISSUED, FPNStatus.PROSECUTION])),
            cancelled=Count("id", filter=Q(status=FPNStatus.CANCELLED)),
            prosecution=Count("id", filter=Q(status=FPNStatus.PROSECUTION)),
        )
        .order_by()
    )
    counts = {row["offence__code"]: row for row in rows}
    descriptions: dict[str, str] = {}
    for code, description in OffenceCode.objects.order_by("code", "effective_from").values_list("code", "description"):
        descriptions[code] = description
    result = []
    for code in sorted(set(descriptions) | set(counts), key=_code_sort_key):
        row = counts.get(code, {})
        result.append(
            {
                "code": code,
                "description": descriptions.get(code, ""),
                **{k: row.get(k, 0) for k in ("issued", "paid", "unpaid", "cancelled", "prosecution")},
            }
        )
    return result


def _code_sort_key(code: str) -> tuple:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 0, code)


# --- The case timeline ------------------------------------------------------------------------------------


@dataclass
class TimelineEvent:
    title: str
    when: datetime
    byline: str
    description: str


def case_timeline_events(case: Case) -> list[TimelineEvent]:
    """What happened to the case's enforcement records, newest first, from their history (one query each),
    each said as what happened ("CPN issued to Sam Smith", "Written warning: breach recorded")."""
    from audit.history import entry_title, labelled_entries, readable

    cpn_ids = list(case.cpns.values_list("id", flat=True))
    order_filter = (
        Q(closure_order__case=case) | Q(cbo__case=case) | Q(injunction__case=case) | Q(respect_order__case=case)
    )
    breach_ids = list(OrderBreach.objects.filter(order_filter).values_list("id", flat=True))
    sources = (
        ("Written warning", CommunityProtectionWarning.history.filter(case_id=case.pk)),
        ("CPN", CommunityProtectionNotice.history.filter(case_id=case.pk)),
        ("CPN breach", CPNBreach.history.filter(cpn_id__in=cpn_ids)),
        ("Fixed penalty", FixedPenaltyNotice.history.filter(case_id=case.pk)),
        ("Closure notice", ClosureNotice.history.filter(case_id=case.pk)),
        ("Closure order", ClosureOrder.history.filter(case_id=case.pk)),
        ("CBO", CriminalBehaviourOrder.history.filter(case_id=case.pk)),
        ("Injunction", CivilInjunction.history.filter(case_id=case.pk)),
        ("Respect Order", RespectOrder.history.filter(case_id=case.pk)),
        ("Order breach", OrderBreach.history.filter(id__in=breach_ids)),
        ("Closure hearing adjournment", ClosureHearingAdjournment.history.filter(case_id=case.pk)),
        ("Order variation or discharge", OrderVariation.history.filter(case_id=case.pk)),
    )
    collected = readable(labelled_entries(sources))
    subjects = _subjects(collected)
    events = []
    for entry in collected:
        user = entry.user
        byline = (user.get_full_name() or user.get_username()) if user else "System"
        title = entry_title(entry, created=CREATED_WORDS.get(entry.model_label, "recorded"), subject=subjects(entry))
        events.append(
            TimelineEvent(
                title=title,
                when=entry.when,
                byline=byline,
                description="\n".join(
                    f"{c.label}: {c.after or '(blank)'}" if c.before is None else f"{c.label}: {c.before} → {c.after}"
                    for c in entry.changes
                    if entry.kind != "created"
                ),
            )
        )
    events.sort(key=lambda e: e.when, reverse=True)
    return events


# What creating each kind of record means ("CPN issued to Sam Smith"); used by audit.history.entry_title.
CREATED_WORDS = {
    "Written warning": "served to",
    "CPN": "issued to",
    "CPN breach": "recorded",
    "Fixed penalty": "issued to",
    "Closure notice": "served",
    "Closure order": "made",
    "CBO": "made against",
    "Injunction": "granted against",
    "Respect Order": "made against",
    "Order breach": "recorded",
    "Closure hearing adjournment": "recorded",
    "Order variation or discharge": "recorded",
}


def _subjects(collected):
    """Who each new record is about (recipient or subject), named with one query per kind of party."""
    people = {i for e in collected for i in (_attr(e, "recipient_person_id"), _attr(e, "subject_id")) if i}
    bodies = {i for e in collected if (i := _attr(e, "recipient_organisation_id"))}
    person_names = {p.pk: str(p) for p in Person.objects.filter(pk__in=people)} if people else {}
    body_names = {o.pk: str(o) for o in Organisation.objects.filter(pk__in=bodies)} if bodies else {}

    def subject(entry) -> str:
        if entry.kind != "created":
            return ""
        return (
            person_names.get(_attr(entry, "recipient_person_id"))
            or body_names.get(_attr(entry, "recipient_organisation_id"))
            or person_names.get(_attr(entry, "subject_id"))
            or str(_attr(entry, "recipient_name") or "")
        )

    return subject


def _attr(entry, name: str):
    return getattr(entry.record, name, None)


def case_deadline_events(case: Case, *, user: User) -> list[Deadline]:
    """The case's own upcoming and overdue enforcement deadlines (for the case timeline)."""
    return [d for d in deadlines(user=user, scope="all", limit_each=500) if d.case_reference == case.reference]

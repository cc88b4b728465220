"""Every read of enforcement records: already filtered to what the user may see and already joined.

A record with a case is visible exactly when its case is (casework.access.visible_cases). A fixed penalty, PSPO
or PSPO breach without a case is visible to its owner agency's members and to holders of
casework.view_all_cases.
The performance dashboard reads `tools_and_powers_by_month` and `fpns_by_offence_code` from here.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.contrib.auth.models import User
from django.db.models import BooleanField, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models import Case as Conditional  # casework's Case is the model
from django.db.models.functions import RowNumber, TruncMonth
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


def deadlines(*, user: User, today: date | None = None, scope: str = "all", limit_each: int = 50) -> list[Deadline]:
    """Compliance, appeal, payment, hearing, expiry and review dates due soon or overdue, oldest first.

    `scope` is "mine" (records the user issued or on their cases), "agency" (their agency's) or "all" (every
    record they may see). One query per kind of record, whatever the number of rows.
    """
    today = today or timezone.localdate()
    soon = today + timedelta(days=limit("DUE_SOON_DAYS"))
    now = timezone.now()
    items: list[Deadline] = []

    def add(
        kind, label, due, url, *, record=None, record_case=None, due_at=None, overdue=None, agency="", officer_id=None
    ):
        items.append(
            Deadline(
                kind=kind,
                label=label,
                due=due,
                url=url,
                overdue=(due < today) if overdue is None else overdue,
                due_at=due_at,
                case_reference=record_case.reference if record_case else "",
                agency=agency,
                officer_id=officer_id,
                mine=getattr(record, "mine_rank", _OUTSIDE) <= limit_each,
                in_agency=getattr(record, "agency_rank", _OUTSIDE) <= limit_each,
            )
        )

    warnings = _scope(
        warnings_for(user).filter(status=WarningStatus.SERVED, compliance_deadline__lte=soon),
        user,
        scope,
        officer_field="served_by",
        agency_field="issuing_agency",
    )
    for w in _first(warnings, scope, ("compliance_deadline",), limit_each):
        add(
            "Written warning: compliance deadline",
            f"Check {w.recipient_name} complied; record complied or breached",
            w.compliance_deadline,
            reverse("enforcement:warning_detail", args=[w.pk]),
            record=w,
            record_case=w.case,
            agency=str(w.issuing_agency),
            officer_id=w.served_by_id,
        )
    cpns = _scope(
        cpns_for(user).filter(
            Q(status=CPNStatus.IN_FORCE, compliance_deadline__lte=soon)
            | Q(status=CPNStatus.IN_FORCE, appeal_deadline__gte=today, appeal_deadline__lte=soon)
        ),
        user,
        scope,
        officer_field="issued_by",
        agency_field="issuing_agency",
    )
    for c in _first(cpns, scope, ("compliance_deadline",), limit_each):
        add_cpn = partial(
            add,
            url=reverse("enforcement:cpn_detail", args=[c.pk]),
            record=c,
            record_case=c.case,
            agency=str(c.issuing_agency),
            officer_id=c.issued_by_id,
        )
        if c.compliance_deadline <= soon:
            add_cpn(
                "CPN: compliance deadline", f"Check {c.recipient_name} complied with the CPN", c.compliance_deadline
            )
        if today <= c.appeal_deadline <= soon:
            add_cpn(
                "CPN: appeal window closes",
                f"Appeals against the CPN to {c.recipient_name} close",
                c.appeal_deadline,
                overdue=False,
            )
    fpns = _scope(
        fpns_for(user)
        .filter(status=FPNStatus.ISSUED)
        .filter(Q(payment_due__lte=soon) | Q(early_payment_until__gte=today, early_payment_until__lte=soon)),
        user,
        scope,
        officer_field="issued_by",
        agency_field="owner_agency",
    )
    for f in _first(fpns, scope, ("payment_due",), limit_each):
        add_fpn = partial(
            add,
            url=reverse("enforcement:fpn_detail", args=[f.pk]),
            record=f,
            record_case=f.case,
            agency=str(f.owner_agency),
            officer_id=f.issued_by_id,
        )
        if f.payment_due < today:
            add_fpn(
                "FPN: unpaid after the payment period",
                f"{f.notice_number} ({f.offence.code}): list for prosecution",
                f.payment_due,
            )
        elif f.payment_due <= soon:
            add_fpn("FPN: payment due", f"{f.notice_number} ({f.offence.code}): £{f.full_amount} due", f.payment_due)
        if today <= f.early_payment_until <= soon:
            add_fpn(
                "FPN: early payment ends",
                f"{f.notice_number}: £{f.early_payment_amount} if paid by this date",
                f.early_payment_until,
                overdue=False,
            )
    notices = _scope(
        closure_notices_for(user)
        .filter(status=ClosureStatus.IN_FORCE)
        .annotate(adjourned=Exists(ClosureHearingAdjournment.objects.filter(notice=OuterRef("pk")))),
        user,
        scope,
        officer_field="served_by",
        agency_field="issuing_agency",
    )
    for n in _first(notices, scope, ("hearing_deadline",), limit_each):
        add(
            "Closure notice: court hearing",
            f"{'Adjourned closure' if n.adjourned else 'Closure'} order hearing at {n.hearing_court}",
            timezone.localtime(n.hearing_at).date(),
            reverse("enforcement:closure_detail", args=[n.pk]),
            record=n,
            record_case=n.case,
            due_at=n.hearing_at,
            overdue=n.hearing_at < now,
            agency=str(n.issuing_agency),
            officer_id=n.served_by_id,
        )
    orders = _scope(
        ClosureOrder.objects.filter(
            access.through_case(user),
            status=ClosureOrderStatus.IN_FORCE,
            ends_on__lte=soon,
            ends_on__gte=today,
        ).select_related("case", "notice__issuing_agency"),
        user,
        scope,
        officer_field="recorded_by",
        agency_field="notice__issuing_agency",
    )
    for o in _first(orders, scope, ("ends_on",), limit_each):
        add(
            "Closure order ends",
            "Decide whether to apply for an extension before the order ends",
            o.ends_on,
            reverse("enforcement:closure_detail", args=[o.notice_id]),
            record=o,
            record_case=o.case,
            overdue=False,
            agency=str(o.notice.issuing_agency),
            officer_id=o.recorded_by_id,
        )
    if scope != "mine":
        expiring = pspos_for(user).filter(
            status=PSPOStatus.IN_FORCE,
            expires_on__gte=today,
            expires_on__lte=today + timedelta(days=limit("PSPO_EXPIRY_WARNING_DAYS")),
        )
        if scope in ("agency", "mine_or_agency"):  # a PSPO is an agency's, never one officer's
            expiring = expiring.filter(owner_agency=access.agency_of(user)).annotate(agency_rank=Value(1))
        for p in expiring.order_by("expires_on")[:limit_each]:
            add(
                "PSPO expires",
                f"{p.title}: consult on an extension before it expires",
                p.expires_on,
                reverse("enforcement:pspo_detail", args=[p.pk]),
                overdue=False,
                agency=str(p.owner_agency),
            )
    for label, queryset, url_name in (
        ("CBO", cbos_for(user), "enforcement:cbo_detail"),
        ("Injunction", injunctions_for(user), "enforcement:injunction_detail"),
    ):
        agency_field = "applicant_agency" if label == "Injunction" else "case__lead_agency"
        due = _scope(
            queryset.filter(status__in=[CourtOrderStatus.IN_FORCE, CourtOrderStatus.VARIED]).filter(
                Q(next_review_on__lte=soon) | Q(ends_on__gte=today, ends_on__lte=soon)
            ),
            user,
            scope,
            officer_field="recorded_by",
            agency_field=agency_field,
        )
        ordering = tuple(str(name) for name in (queryset.query.order_by or queryset.model._meta.ordering or ()))
        for order in _first(due, scope, ordering, limit_each):
            add_order = partial(
                add,
                url=reverse(url_name, args=[order.pk]),
                record=order,
                record_case=order.case,
                officer_id=order.recorded_by_id,
            )
            if order.next_review_on and order.next_review_on <= soon:
                add_order(
                    f"{label}: annual review (under 18)", f"Review the {label} on {order.subject}", order.next_review_on
                )
            if order.ends_on and today <= order.ends_on <= soon:
                add_order(f"{label} ends", f"The {label} on {order.subject} ends", order.ends_on, overdue=False)
    items.sort(key=lambda d: (not d.overdue, d.due_at or datetime.combine(d.due, datetime.min.time()).astimezone()))
    return items


def fpns_for_prosecution(*, user: User, today: date | None = None) -> QuerySet[FixedPenaltyNotice]:
    """Unpaid notices whose payment period has ended: the prosecution list."""
    today = today or timezone.localdate()
    return fpns_for(user).filter(status=FPNStatus.ISSUED, payment_due__lt=today).order_by("payment_due")


def my_work_deadlines(*, user: User, today: date | None = None) -> dict[str, list[Deadline]]:
    """For My work: the deadlines on the user's own records and cases, and the rest of their agency's."""
    both = deadlines(user=user, today=today, scope="mine_or_agency")  # one query per kind of record, not two
    mine = [d for d in both if d.mine]
    mine_keys = {(d.url, d.kind) for d in mine}
    agency = [d for d in both if d.in_agency and (d.url, d.kind) not in mine_keys]
    return {"mine": mine, "agency": agency}


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
    from audit.history import entries, entry_title, readable

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
    collected = [
        entry
        for label, records in sources
        for entry in entries(records.select_related("history_user"), model_label=label)
    ]
    readable(collected)
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

"""How enforcement records read on screen: summary-list rows and register rows, in the officers' words.

Kept out of views (which stay thin) and out of templates (which would otherwise repeat every field).
Nothing here queries the database: selectors have already joined what is shown.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from common.dates import govuk_datetime
from statutory.selectors import rule as law_rule
from statutory.selectors import value as law

STATUS_COLOURS = {
    "served": "blue",
    "in_force": "blue",
    "issued": "blue",
    "appealed": "purple",
    "breached": "red",
    "complied": "green",
    "paid": "green",
    "withdrawn": "grey",
    "cancelled": "grey",
    "quashed": "grey",
    "discharged": "grey",
    "varied": "turquoise",
    "prosecution": "orange",
    "order_granted": "red",
    "order_refused": "grey",
}


def colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "grey")


def _served_on(notice) -> date:
    return timezone.localtime(notice.served_at).date()


def _appeal_window(issued_on: date) -> str:
    """The CPN appeal window in the words and section of the rule in force on the day of issue."""
    rule = law_rule("cpn.appeal_days", on=issued_on)
    return f"{rule.value} {rule.unit}, {rule.citation.split(' of the ')[0]}"


def d(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = timezone.localtime(value)
        return govuk_datetime(local)
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return str(value)


def who(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def money(value) -> str:
    return f"£{value:,.2f}" if value is not None else ""


def warning_rows(w) -> list[tuple[str, str]]:
    return [
        ("Recipient", w.recipient_name),
        ("Recipient's address", w.recipient_address),
        ("Conduct", w.conduct),
        ("What must stop or be done", w.requirements),
        ("Compliance deadline", d(w.compliance_deadline)),
        ("Served", f"{d(w.served_at)} – {w.get_served_how_display().lower()}"),
        ("Served by", f"{who(w.served_by)}, {w.issuing_agency}"),
        ("Status", w.get_status_display()),
        ("Outcome recorded", f"{d(w.outcome_on)}: {w.outcome_notes}" if w.outcome_on else ""),
        ("Appeal", "A written warning cannot be appealed."),
    ]


def cpn_rows(c) -> list[tuple[str, str]]:
    appeal = "No appeal lodged"
    if c.appeal_lodged_on:
        appeal = f"Lodged {d(c.appeal_lodged_on)}: {c.appeal_grounds}"
        if c.appeal_outcome:
            appeal += f" – {c.get_appeal_outcome_display()} on {d(c.appeal_decided_on)}"
    return [
        ("Recipient", c.recipient_name),
        ("Recipient's address", c.recipient_address),
        ("Conduct", c.conduct),
        ("Requirements", c.requirements),
        ("Compliance deadline", d(c.compliance_deadline)),
        ("Issued", f"{d(c.issued_on)} – {c.get_served_how_display().lower()}"),
        ("Issued by", f"{who(c.issued_by)}, {c.issuing_agency}"),
        ("Appeal deadline", f"{d(c.appeal_deadline)} ({_appeal_window(c.issued_on)})"),
        ("Appeal", appeal),
        ("Status", c.get_status_display()),
    ]


def fpn_rows(f) -> list[tuple[str, str]]:
    source = "Issued on the street"
    if f.cpn_breach_id:
        source = f"Breach of CPN {f.cpn_breach.cpn_id}"
    elif f.pspo_breach_id:
        source = f"Breach of the PSPO '{f.pspo_breach.pspo}'"
    rows = [
        ("Notice number", f.notice_number),
        ("Offence", f"{f.offence.code} – {f.offence.description} ({f.offence.statute})"),
        ("Description of the offence", f.offence_description),
        ("Date and time of the offence", d(f.offence_at)),
        ("Location", f.location + (f", {f.ward}" if f.ward_id else "")),
        ("Recipient", f.recipient_name),
        ("Recipient's date of birth", d(f.recipient_date_of_birth)),
        ("Recipient's address", f.recipient_address),
        ("Issued", f"{d(f.issued_at)} by {who(f.issued_by)}, {f.owner_agency}"),
        ("Reason", source),
        ("Amount", f"{money(f.full_amount)}, or {money(f.early_payment_amount)} if paid by {d(f.early_payment_until)}"),
        ("Payment due by", d(f.payment_due)),
        ("No proceedings before", d(f.no_proceedings_before)),
        ("Status", f.get_status_display()),
    ]
    if f.paid_on:
        rows.append(("Paid", f"{money(f.amount_paid)} on {d(f.paid_on)} {f.payment_reference}".strip()))
    if f.cancelled_reason:
        rows.append(("Cancelled because", f.cancelled_reason))
    if f.prosecution_listed_on:
        rows.append(("Listed for prosecution", d(f.prosecution_listed_on)))
    return rows


def pspo_rows(p) -> list[tuple[str, str]]:
    return [
        ("Area", p.area_description),
        ("Made", d(p.made_on)),
        ("In force", f"{d(p.in_force_from)} to {d(p.expires_on)}"),
        ("Consultation", f"{d(p.consultation_started_on)} to {d(p.consultation_ended_on)}"),
        ("Consulted", p.consultees),
        ("Consultation summary", p.consultation_summary),
        ("Owner", str(p.owner_agency)),
        ("Status", p.get_status_display()),
    ]


def pspo_breach_rows(b) -> list[tuple[str, str]]:
    return [
        ("Order", str(b.pspo)),
        ("Condition breached", str(b.condition)),
        ("When", d(b.occurred_at)),
        ("Location", b.location + (f", {b.ward}" if b.ward_id else "")),
        ("Offender", b.offender_name),
        ("Offender's address", b.offender_address),
        ("What happened", b.description),
        ("Recorded by", f"{who(b.recorded_by)}, {b.owner_agency}"),
        ("Outcome", b.get_outcome_display()),
    ]


def closure_rows(n, *, adjourned: bool = False) -> list[tuple[str, str]]:
    """The notice as it stands; after an adjournment the hearing is the adjourned one (s81(3))."""
    lasts_until = n.served_at + timedelta(hours=n.duration_hours)
    rows = [
        ("Premises", n.premises),
        ("Who is prohibited", n.prohibition),
        ("Authorised by", f"{n.authorised_by_name} – {n.get_authorised_by_role_display().lower()}"),
        ("Consulted", n.consultation),
        ("People informed", n.people_informed),
        ("Served", f"{d(n.served_at)} by {who(n.served_by)}, {n.issuing_agency}"),
        ("Notice lasts", f"{n.duration_hours} hours, until {d(lasts_until)}"),
    ]
    if n.extended_by_role:
        rows.append(("Extended by", f"{n.extended_by_name} – {n.get_extended_by_role_display().lower()}"))
    if n.expires_at > lasts_until:
        rows.append(("Continued in force by the court", f"Until {d(n.expires_at)}, the adjourned hearing"))
    if adjourned:
        hearing = [
            ("Hearing", f"Adjourned to {d(n.hearing_at)} at {n.hearing_court}"),
            (
                "Adjourned hearing must be by",
                f"{d(n.hearing_deadline)} ({law('closure.adjournment_max_days', on=_served_on(n))} days from the "
                "hearing it adjourned)",
            ),
        ]
    else:
        hearing = [
            ("Hearing", f"{d(n.hearing_at)} at {n.hearing_court}"),
            (
                "Hearing must be by",
                f"{d(n.hearing_deadline)} ({law('closure.hearing_within_hours', on=_served_on(n))} hours from "
                "service, Christmas Day disregarded)",
            ),
        ]
    rows += [
        *hearing,
        ("Housing advice", n.housing_advice),
        ("Legal advice", n.legal_advice),
        ("Status", n.get_status_display()),
    ]
    return rows


def closure_order_rows(o) -> list[tuple[str, str]]:
    return [
        ("Court", o.court),
        ("Heard", d(o.heard_at)),
        ("Extent", o.get_scope_display()),
        ("Terms", o.terms),
        ("In force", f"{d(o.starts_on)} to {d(o.ends_on)}"),
        ("Originally to", d(o.original_ends_on)),
        ("Appeal deadline", d(o.appeal_deadline)),
        ("Status", o.get_status_display()),
    ]


def court_order_rows(o, *, kind: str) -> list[tuple[str, str]]:
    rows = [
        ("Subject", f"{o.subject} (born {d(o.subject_date_of_birth)})"),
        ("Under 18 when made", "Yes" if o.is_youth else "No"),
        ("Court", o.court),
        ("Application heard", d(o.application_heard_on)),
        ("Made", d(o.made_on)),
        ("In force", f"{d(o.starts_on)} to {d(o.ends_on) if o.ends_on else 'indefinite'}"),
        ("Prohibitions", o.prohibitions),
        ("Requirements", o.requirements),
        ("Next hearing", d(o.next_hearing_on)),
        ("Next review", d(o.next_review_on)),
        ("Status", o.get_status_display()),
    ]
    if kind == "cbo":
        rows.insert(2, ("Offence convicted of", o.conviction_offence))
        rows.insert(3, ("Convicted", d(o.convicted_on)))
        rows.insert(4, ("Made under", o.made_under))
    else:
        rows.insert(2, ("Applicant", str(o.applicant_agency)))
        rows.append(("Power of arrest", o.power_of_arrest_terms if o.power_of_arrest else "None attached"))
        if kind == "injunction" and o.power_of_arrest:
            rows.append(("Ground for the power of arrest", o.get_power_of_arrest_ground_display() or "Not recorded"))
        assessed = f"{d(o.risk_assessed_on)}: {o.risk_assessment}" if o.risk_assessed_on else "None recorded"
        rows.append(("Risk assessment of the respondent", assessed))
    if kind == "respect_order":
        rows.insert(0, ("Made under", "Part A1 of the 2014 Act, inserted by the Crime and Policing Act 2026"))
    return rows


# --- Registers ------------------------------------------------------------------------------------------


@dataclass
class RegisterRow:
    url: str
    link_text: str
    cells: list[str]
    status: str
    status_label: str
    overdue: bool = False


def _case(record) -> str:
    return record.case.reference if getattr(record, "case_id", None) else "No case"


def _row(record, url_name: str, label: str, cells: list[str], overdue: bool, status=None) -> RegisterRow:
    """A record's register row: its page, and its status (as stored, and in words) unless given."""
    value, words = status or (record.status, record.get_status_display())
    return RegisterRow(reverse(url_name, args=[record.pk]), label, cells, value, words, overdue)


def warning_register_row(w, today: date) -> RegisterRow:
    return _row(
        w,
        "enforcement:warning_detail",
        f"Warning {w.pk}",
        [
            w.recipient_name,
            _case(w),
            w.case.ward.name,
            d(timezone.localtime(w.served_at).date()),
            d(w.compliance_deadline),
            who(w.served_by),
        ],
        w.status == "served" and w.compliance_deadline < today,
    )


def cpn_register_row(c, today: date) -> RegisterRow:
    return _row(
        c,
        "enforcement:cpn_detail",
        f"CPN {c.pk}",
        [c.recipient_name, _case(c), c.case.ward.name, d(c.issued_on), d(c.compliance_deadline), d(c.appeal_deadline)],
        c.status == "in_force" and c.compliance_deadline < today,
    )


def fpn_register_row(f, today: date) -> RegisterRow:
    return _row(
        f,
        "enforcement:fpn_detail",
        f.notice_number,
        [
            f.offence.code,
            f.recipient_name,
            _case(f),
            d(timezone.localtime(f.issued_at).date()),
            d(f.payment_due),
            who(f.issued_by),
        ],
        f.status == "issued" and f.payment_due < today,
    )


def closure_status(n) -> tuple[str, str]:
    """The notice's status, or its order's once the court has discharged it (the selector joins the order)."""
    order = getattr(n, "order", None) if n.status == "order_granted" else None
    if order is not None and order.status == "discharged":
        return "discharged", "Closure order discharged"
    return n.status, n.get_status_display()


def closure_register_row(n, today: date) -> RegisterRow:
    return _row(
        n,
        "enforcement:closure_detail",
        f"Closure notice {n.pk}",
        [n.premises.splitlines()[0], _case(n), d(n.served_at), d(n.hearing_at)],
        n.status == "in_force" and n.hearing_deadline < timezone.now(),
        status=closure_status(n),
    )


def adjournment_text(a) -> str:
    continued = "the notice continues in force until then" if a.notice_continues else "the notice was not continued"
    return (
        f"Adjourned on {d(a.adjourned_on)}: the hearing of {d(a.adjourned_hearing_at)} moved to "
        f"{d(a.new_hearing_at)}; {continued}. Court's reason: {a.reason}"
    )


def order_decision_text(v) -> str:
    """One variation or discharge, in the order it was decided: what the court changed."""
    if v.decision == "discharged":
        ended = f" The order ended on {d(v.new_ends_on)}." if v.new_ends_on else ""
        return f"Discharged on {d(v.decided_on)} by {v.court}: {v.reason.rstrip('.')}.{ended}"
    changes = []
    if v.new_ends_on:
        changes.append(f"last day changed from {d(v.previous_ends_on) or 'indefinite'} to {d(v.new_ends_on)}")
    for label, text in (
        ("terms", v.new_terms),
        ("prohibitions", v.new_prohibitions),
        ("requirements", v.new_requirements),
    ):
        if text:
            changes.append(f"new {label}: {text}")
    notes = f" ({v.reason})" if v.reason else ""
    return f"Varied on {d(v.decided_on)} by {v.court}: {'; '.join(changes)}{notes}"


def court_order_register_row(o, today: date, *, url_name: str, label: str) -> RegisterRow:
    return _row(
        o,
        url_name,
        f"{label} {o.pk}",
        [str(o.subject), _case(o), d(o.made_on), d(o.ends_on) if o.ends_on else "Indefinite", d(o.next_review_on)],
        bool(o.next_review_on and o.next_review_on < today),
    )


def pspo_register_row(p, today: date) -> RegisterRow:
    return _row(
        p,
        "enforcement:pspo_detail",
        p.title,
        [d(p.made_on), d(p.in_force_from), d(p.expires_on), str(p.owner_agency)],
        False,
    )


REGISTERS = {
    "warnings": (
        "CPN written warnings",
        ["Recipient", "Case", "Ward", "Served", "Comply by", "Officer"],
        warning_register_row,
    ),
    "cpns": (
        "Community Protection Notices",
        ["Recipient", "Case", "Ward", "Issued", "Comply by", "Appeal by"],
        cpn_register_row,
    ),
    "fpns": (
        "Fixed penalty notices",
        ["Offence", "Recipient", "Case", "Issued", "Payment due", "Officer"],
        fpn_register_row,
    ),
    "closures": ("Closure notices and orders", ["Premises", "Case", "Served", "Hearing"], closure_register_row),
    "pspos": ("Public Spaces Protection Orders", ["Made", "In force from", "Last day", "Owner"], pspo_register_row),
}

"""Reasoned closure: an outcome, the reasons and, from a configurable risk level, a manager's sign-off; then the
victim's closure letter and a one-use satisfaction survey link whose answers feed the dashboard. No case closes
itself. docs/victim-journey.md.
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from common.client_ip import client_ip

from . import access
from .errors import InvalidTransition, NotAllowed
from .extensions import emit
from .models import Case, CaseClosure, CaseOutcome, CaseStatus, ClosureStatus, RiskLevel, SatisfactionSurvey

SIGN_OFF_PERMISSION = "casework.sign_off_closure"
RISK_ORDER = [RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH]
DEFAULTS = {
    # Closing a case at or above this risk needs a manager's sign-off ("" for never).
    "CLOSURE_SIGN_OFF_FROM_RISK": RiskLevel.HIGH,
    "SURVEY_VALID_DAYS": 28,
    # Public survey posts allowed per client address per window (like the public Case Review form).
    "SURVEY_RATE_LIMIT": {"POSTS": 20, "WINDOW_SECONDS": 3600},
}


def conf(name: str):
    return getattr(settings, "CASEWORK", {}).get(name, DEFAULTS[name])


def needs_sign_off(case: Case) -> bool:
    level = conf("CLOSURE_SIGN_OFF_FROM_RISK")
    if not level or case.risk_level not in RISK_ORDER:
        return False
    return RISK_ORDER.index(case.risk_level) >= RISK_ORDER.index(level)


def _close(case: Case, *, by, outcome: str, reasons: str, reason: str) -> Case:
    from .services import TRANSITIONS, write_case

    current = Case.objects.select_for_update().get(pk=case.pk)
    if CaseStatus.CLOSED not in TRANSITIONS.get(current.status, set()):
        raise InvalidTransition("This case cannot be closed from its current status.")
    return write_case(
        current,
        by=by,
        reason=reason,
        status=CaseStatus.CLOSED,
        outcome=outcome,
        outcome_notes=reasons,
        closed_at=timezone.now(),
    )


@transaction.atomic
def request_closure(*, case: Case, by, outcome: str, reasons: str) -> CaseClosure:
    """The lead agency closes the case with an outcome and its reasons; at or above the sign-off risk the case
    stays open until a manager signs the closure off."""
    from .services import _require_lead

    _require_lead(by, case)
    if outcome not in CaseOutcome.values or not reasons.strip():
        raise NotAllowed("Give the outcome and the reasons for closing the case.")
    if CaseClosure.objects.filter(case=case, status=ClosureStatus.AWAITING_SIGN_OFF).exists():
        raise NotAllowed("A closure of this case is already waiting for a manager's sign-off.")
    current = Case.objects.select_for_update().get(pk=case.pk)
    closure = CaseClosure(
        case=current,
        outcome=outcome,
        reasons=reasons.strip(),
        risk_level=current.risk_level,
        requested_by=by,
        requested_at=timezone.now(),
        status=ClosureStatus.AWAITING_SIGN_OFF,
    )
    from .services import save_with_history

    if needs_sign_off(current):
        save_with_history(closure, by, "Closure asked for, awaiting a manager's sign-off")
        emit("closure_sign_off_requested", closure=closure, by=by)
        return closure
    _close(current, by=by, outcome=outcome, reasons=closure.reasons, reason="Case closed with reasons")
    closure.status = ClosureStatus.CLOSED
    save_with_history(closure, by, "Case closed")
    return closure


@transaction.atomic
def decide_closure(*, closure: CaseClosure, by, approve: bool, notes: str = "") -> CaseClosure:
    """A manager signs off (the case closes) or refuses (the case stays open; say why)."""
    from .services import save_with_history

    locked = CaseClosure.objects.select_for_update().select_related("case").get(pk=closure.pk)
    if not access.has_permission(by, SIGN_OFF_PERMISSION) or not access.can_view(by, locked.case):
        raise NotAllowed("Only a community safety manager can sign off a closure.")
    if locked.status != ClosureStatus.AWAITING_SIGN_OFF:
        raise InvalidTransition("This closure has already been decided.")
    if locked.requested_by_id == by.pk:
        raise NotAllowed("Someone other than the officer who asked must sign the closure off.")
    if not approve and not notes.strip():
        raise NotAllowed("Say why the closure is refused.")
    locked.decided_by, locked.decided_at, locked.decision_notes = by, timezone.now(), notes.strip()
    if approve:
        _close(locked.case, by=by, outcome=locked.outcome, reasons=locked.reasons, reason="Closure signed off")
        locked.status = ClosureStatus.SIGNED_OFF
    else:
        locked.status = ClosureStatus.REFUSED
    save_with_history(locked, by, "Closure signed off" if approve else "Closure sign-off refused")
    return locked


def pending_closure(case: Case) -> CaseClosure | None:
    """The closure awaiting sign-off; no query when the case was read with the summary and none awaits."""
    if getattr(case, "cw_pending_closure_id", 0) is None:  # casework.selectors.with_summary found none
        return None
    return (
        CaseClosure.objects.filter(case=case, status=ClosureStatus.AWAITING_SIGN_OFF)
        .select_related("requested_by")
        .first()
    )


def latest_closure(case: Case) -> CaseClosure | None:
    return CaseClosure.objects.filter(case=case).select_related("requested_by", "decided_by").first()


# --- The satisfaction survey ---------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_survey(*, case: Case, by) -> tuple[SatisfactionSurvey, str]:
    """A new one-use link for the victim of a closed case; earlier unanswered links stop working. The token is
    returned once (for the letter) and only its hash is kept."""
    from .services import _require_lead, save_with_history

    _require_lead(by, case)
    if case.status != CaseStatus.CLOSED:
        raise InvalidTransition("The survey is sent when the case is closed.")
    now = timezone.now()
    SatisfactionSurvey.objects.filter(case=case, answered_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    survey = SatisfactionSurvey(
        case=case,
        token_hash=_hash(token),
        issued_at=now,
        expires_at=now + timedelta(days=conf("SURVEY_VALID_DAYS")),
        issued_by=by,
    )
    save_with_history(survey, by, "Satisfaction survey sent")
    return survey, token


def email_recipient(case: Case):
    """The victim the closure letter can go to by email: one whose contact plan says email and who gave an
    address. Anyone else agreed another channel (or gave none), so their letter is printed and posted."""
    from .models import ContactChannel
    from .victim import victims_on

    for party in victims_on(case):
        plan = getattr(party, "contact_plan", None)
        if plan is not None and plan.channel == ContactChannel.EMAIL and party.person and party.person.email:
            return party
    return None


@transaction.atomic
def email_closure_letter(*, case: Case, by, survey_url_for) -> SatisfactionSurvey:
    """Send the closure letter, with a new one-use survey link, by the email the victim agreed, through the delivery
    log, and log it as a contact with the victim. `survey_url_for(token)` makes the absolute link (the view knows
    the host). The email says the outcome and the reasons recorded for the victim: nothing else from the case."""
    from django.template.loader import render_to_string

    from .models import ContactChannel, VictimContact
    from .services import save_with_history

    party = email_recipient(case)
    if party is None:
        raise NotAllowed(
            "No victim on this case agreed to be contacted by email: print the closure letter and post it."
        )
    survey, token = issue_survey(case=case, by=by)
    body = render_to_string(
        "casework/email/closure_letter.txt",
        {"case": case, "survey": survey, "survey_url": survey_url_for(token), "officer": by},
    )
    contact = VictimContact(
        case=case,
        party=party,
        contacted_at=timezone.now(),
        channel=ContactChannel.EMAIL,
        summary="Closure letter emailed, with the satisfaction survey link",
        contacted_by=by,
        agency=access.agency_of(by),
    )
    save_with_history(contact, by, "Closure letter emailed to the victim")
    emit(
        "victim_update",
        channel=ContactChannel.EMAIL,
        recipient=party.person.email,
        subject=f"Your case {case.reference} has been closed",
        body=body,
    )
    return survey


def open_survey(token: str) -> SatisfactionSurvey | None:
    """The survey a link opens: unanswered and unexpired, else None (the page says the link no longer works)."""
    return SatisfactionSurvey.objects.filter(
        token_hash=_hash(token), answered_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


@transaction.atomic
def answer_survey(*, token: str, satisfaction: int, kept_informed: bool | None, comments: str = "") -> None:
    """The victim's answers, once. No user: the public answer is attributed to nobody in history."""
    survey = (
        SatisfactionSurvey.objects.select_for_update()
        .filter(token_hash=_hash(token), answered_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if survey is None:
        raise NotAllowed("This survey link has been used or has expired.")
    if satisfaction not in range(1, 6):
        raise NotAllowed("Choose how satisfied you are.")
    survey.satisfaction, survey.kept_informed, survey.comments = satisfaction, kept_informed, comments.strip()
    survey.answered_at = timezone.now()
    survey._change_reason = "Survey answered by the victim"  # type: ignore[attr-defined]
    survey.save()


def allow_survey_post(request) -> bool:
    """Count one public post for this client; False once over the limit (fixed window on the cache)."""
    limits = conf("SURVEY_RATE_LIMIT")
    key = f"casework:survey:{client_ip(request) or 'unknown'}"
    cache.add(key, 0, timeout=int(limits["WINDOW_SECONDS"]))
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=int(limits["WINDOW_SECONDS"]))
        count = 1
    return count <= int(limits["POSTS"])


def satisfaction(*, user, start: date, end: date) -> dict[str, int]:
    """Survey answers in a period on the cases the user's reports cover: answers, satisfied (4 or 5), kept informed."""
    from .calendar import day_bounds
    from .selectors import reporting_scope

    since, until = day_bounds(start, end)
    return SatisfactionSurvey.objects.filter(
        case__in=reporting_scope(user), answered_at__gte=since, answered_at__lt=until
    ).aggregate(
        answers=Count("id"),
        satisfied=Count("id", filter=Q(satisfaction__gte=4)),
        kept_informed=Count("id", filter=Q(kept_informed=True)),
    )

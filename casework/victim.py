"""The victim's journey on a case: what the risk asks of the case (priority, response target, review and
contact frequency), the victim's contact plan and contact log, and the reads My work and the daily reminders
need. Writes are `@transaction.atomic` services with keyword arguments; reads are selectors. docs/victim-journey.md.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import IntegerField, Max, QuerySet
from django.utils import timezone

from common.compiled_sql import ShapedQuery

from . import access, extensions
from .errors import NotAllowed
from .models import (
    Case,
    CaseParty,
    CaseReviewExplained,
    CaseReviewToldBy,
    CaseSchedule,
    CaseStatus,
    ContactChannel,
    PartyRole,
    ProgressReview,
    VictimConsent,
    VictimContact,
    VictimContactPlan,
)

#: What each risk level asks of the case. Local practice, not law: override in settings.CASEWORK["RISK_RESPONSE"].
DEFAULT_RISK_RESPONSE: dict[str, dict[str, int]] = {
    "high": {"priority": 1, "contact_within_hours": 24, "contact_every_days": 7, "review_every_days": 7},
    "medium": {"priority": 2, "contact_within_hours": 72, "contact_every_days": 14, "review_every_days": 14},
    "standard": {"priority": 3, "contact_within_hours": 120, "contact_every_days": 28, "review_every_days": 28},
}
#: Who "the victim" is for contact plans: the people the ASB is done to and the people who report it.
VICTIM_ROLES = (PartyRole.VICTIM, PartyRole.COMPLAINANT)


def risk_response(level: str) -> dict[str, int]:
    """The row of the configured table for a risk level (settings override the defaults key by key)."""
    table = getattr(settings, "CASEWORK", {}).get("RISK_RESPONSE", {})
    return {**DEFAULT_RISK_RESPONSE[level], **table.get(level, {})}


def _require_change(user, case: Case) -> None:
    if not access.can_change(user, case):
        raise NotAllowed("You do not have permission to change this case.")


def _save(instance, by, reason: str) -> None:
    from .services import save_with_history

    save_with_history(instance, by, reason)


# --- Writes --------------------------------------------------------------------------------------------------


def _next_contact_due(case: Case, schedule: CaseSchedule) -> datetime:
    """The response target until the victim is first contacted; then the last contact plus the most frequent
    agreed plan (or the risk's frequency when nothing was agreed)."""
    last = VictimContact.objects.filter(case=case, contacted_at__gte=schedule_started(schedule)).aggregate(
        last=Max("contacted_at")
    )["last"]
    if last is None:
        return schedule.response_due_at
    agreed = list(VictimContactPlan.objects.filter(case=case).values_list("every_days", flat=True))
    return last + timedelta(days=min([*agreed, schedule.contact_every_days]))


def schedule_started(schedule: CaseSchedule) -> datetime:
    """When the current response target was set (contact counts from then)."""
    row = risk_response(schedule.risk_level)
    return schedule.response_due_at - timedelta(hours=row["contact_within_hours"])


@transaction.atomic
def apply_risk(*, case: Case, by, level: str, assessed_at: datetime) -> CaseSchedule:
    """Set the case's priority, response target and review and contact frequencies from its risk level.

    Called by casework.services.record_risk_assessment inside its transaction. A new assessment at the same
    level does not move a response target that is already running; a change of level sets a new one."""
    row = risk_response(level)
    schedule = CaseSchedule.objects.select_for_update().filter(case=case).first()
    restart = schedule is None or schedule.risk_level != level
    if schedule is None:
        schedule = CaseSchedule(case=case)
    schedule.risk_level = level
    schedule.priority = row["priority"]
    schedule.contact_every_days = row["contact_every_days"]
    schedule.review_every_days = row["review_every_days"]
    if restart:
        schedule.response_due_at = assessed_at + timedelta(hours=row["contact_within_hours"])
    schedule.next_review_due = timezone.localdate(assessed_at) + timedelta(days=row["review_every_days"])
    schedule.next_contact_due_at = _next_contact_due(case, schedule)
    _save(schedule, by, f"Priority {row['priority']} from {level} risk")
    return schedule


def _refresh_contact_due(case: Case, by) -> None:
    schedule = CaseSchedule.objects.select_for_update().filter(case=case).first()
    if schedule is None:
        return
    due = _next_contact_due(case, schedule)
    if due != schedule.next_contact_due_at:
        schedule.next_contact_due_at = due
        _save(schedule, by, "Next victim contact due moved")


@transaction.atomic
def record_progress_review(*, case: Case, by, notes: str, reviewed_at: datetime | None = None) -> ProgressReview:
    """A review of the case at the frequency its risk sets; moves the next review on by that frequency."""
    _require_change(by, case)
    if not notes.strip():
        raise NotAllowed("Say what the review found and what happens next.")
    reviewed_at = reviewed_at or timezone.now()
    review = ProgressReview(case=case, reviewed_at=reviewed_at, reviewed_by=by, notes=notes.strip())
    _save(review, by, "Case reviewed")
    schedule = CaseSchedule.objects.select_for_update().filter(case=case).first()
    if schedule is not None:
        schedule.next_review_due = timezone.localdate(reviewed_at) + timedelta(days=schedule.review_every_days)
        _save(schedule, by, "Next review due moved")
    return review


def _victim_party(case: Case, party: CaseParty) -> None:
    if party.case_id != case.pk or party.role not in VICTIM_ROLES:
        raise NotAllowed("Choose a victim or complainant on this case.")


@transaction.atomic
def set_contact_plan(
    *,
    case: Case,
    party: CaseParty,
    by,
    every_days: int,
    channel: str,
    safe_contact: str = "",
    consents_to_sharing: str = VictimConsent.NOT_ASKED,
    agreed_on: date | None = None,
) -> VictimContactPlan:
    """Record (or change) how often and how the victim agreed to be kept updated."""
    _require_change(by, case)
    _victim_party(case, party)
    if every_days < 1 or channel not in ContactChannel.values or consents_to_sharing not in VictimConsent.values:
        raise NotAllowed("Give how often (at least every day), the channel and whether they consent to sharing.")
    plan = VictimContactPlan.objects.select_for_update().filter(party=party).first() or VictimContactPlan(
        party=party, case=case
    )
    plan.every_days, plan.channel, plan.safe_contact = every_days, channel, safe_contact.strip()
    plan.consents_to_sharing = consents_to_sharing
    plan.agreed_on, plan.agreed_by = agreed_on or timezone.localdate(), by
    _save(plan, by, "Contact plan agreed with the victim")
    _refresh_contact_due(case, by)
    return plan


@transaction.atomic
def log_contact(
    *, case: Case, party: CaseParty, by, contacted_at: datetime, channel: str, summary: str
) -> VictimContact:
    """Every contact with the victim: when, how, by whom and what was said. Anyone who may change the case."""
    _require_change(by, case)
    _victim_party(case, party)
    if contacted_at > timezone.now():
        raise NotAllowed("A contact cannot be logged in the future.")
    if channel not in ContactChannel.values or not summary.strip():
        raise NotAllowed("Give how the victim was contacted and a summary of what was said.")
    contact = VictimContact(
        case=case,
        party=party,
        contacted_at=contacted_at,
        channel=channel,
        summary=summary.strip(),
        contacted_by=by,
        agency=access.agency_of(by),
    )
    _save(contact, by, "Contact with the victim logged")
    _refresh_contact_due(case, by)
    return contact


# The victim's own channel, as the notification service sends it (notifications.events.victim_update).
SENDABLE_CHANNELS = {"email": "email", "text": "text message"}
VICTIM_UPDATE_FOOTER = (
    "This message is from the London Borough of Barnet community safety team, about the report you made to us. "
    "Please do not reply to it: contact your officer in the way you agreed."
)


def updatable_victims(case: Case) -> list[CaseParty]:
    """The case's victims whose contact plan names a channel an update can be sent by (one query for the plans)."""
    parties = list(victims_on(case))
    sendable = set(
        VictimContactPlan.objects.filter(party__in=parties, channel__in=SENDABLE_CHANNELS).values_list(
            "party_id", flat=True
        )
    )
    return [party for party in parties if party.pk in sendable]


@transaction.atomic
def send_update(*, case: Case, party: CaseParty, by, message: str) -> VictimContact:
    """Send the victim an update by the channel their contact plan names (email, or a text message), through the
    notification service's delivery log, and log it as a contact. The message is the officer's own words: nothing
    from the case is added, because the victim agreed what may be said and who else may read their messages."""
    _require_change(by, case)
    _victim_party(case, party)
    plan = VictimContactPlan.objects.filter(party=party).first()
    if plan is None:
        raise NotAllowed("Agree a contact plan with the victim first: it says how they want to be updated.")
    if plan.channel not in SENDABLE_CHANNELS:
        raise NotAllowed(
            f"The victim asked to be contacted by {plan.get_channel_display().lower()}: make that contact and log it."
        )
    text = message.strip()
    if not text:
        raise NotAllowed("Write the update for the victim.")
    if len(text) > (600 if plan.channel == ContactChannel.TEXT else 5000):
        raise NotAllowed("The update is too long: a text message can be 600 characters at most, an email 5,000.")
    person = party.person
    recipient = (person.email if plan.channel == ContactChannel.EMAIL else person.phone) if person else ""
    if not recipient:
        kind = "email address" if plan.channel == ContactChannel.EMAIL else "phone number"
        raise NotAllowed(f"We have no {kind} for the victim: add it to their details, or contact them another way.")
    contact = VictimContact(
        case=case,
        party=party,
        contacted_at=timezone.now(),
        channel=plan.channel,
        summary=f"Update sent by {SENDABLE_CHANNELS[plan.channel]}: {text}",
        contacted_by=by,
        agency=access.agency_of(by),
    )
    _save(contact, by, "Update sent to the victim")
    _refresh_contact_due(case, by)
    extensions.emit(
        "victim_update",
        channel=plan.channel,
        recipient=recipient,
        subject="An update on your report",
        body=f"{text}\n\n{VICTIM_UPDATE_FOOTER}\n",
    )
    return contact


# --- Reads ---------------------------------------------------------------------------------------------------


@dataclass
class Due:
    """The case's schedule as the summary and the victim page show it."""

    schedule: CaseSchedule | None
    contact_overdue: bool
    review_overdue: bool


def due_on(case: Case, *, now: datetime | None = None) -> Due:
    now = now or timezone.now()
    if case.status == CaseStatus.CLOSED:
        schedule = None
    elif Case.schedule.related.is_cached(case):  # read with the case (casework.selectors.with_summary)
        schedule = getattr(case, "schedule", None)
    else:
        schedule = CaseSchedule.objects.filter(case=case).first()
    if schedule is None:
        return Due(None, False, False)
    contact_overdue = schedule.next_contact_due_at is not None and schedule.next_contact_due_at < now
    review_overdue = schedule.next_review_due is not None and schedule.next_review_due < timezone.localdate(now)
    return Due(schedule, contact_overdue, review_overdue)


def victims_on(case: Case) -> QuerySet[CaseParty]:
    return (
        case.parties.filter(role__in=VICTIM_ROLES)
        .select_related("person", "organisation", "contact_plan")
        .order_by("id")
    )


def sharing_consent(case: Case) -> str:
    """ "yes" or "no" when every victim with a contact plan answered alike ("no" wins), else ""."""
    answers = set(
        VictimContactPlan.objects.filter(case=case)
        .exclude(consents_to_sharing=VictimConsent.NOT_ASKED)
        .values_list("consents_to_sharing", flat=True)
    )
    if VictimConsent.NO in answers:
        return VictimConsent.NO
    return VictimConsent.YES if answers else ""


@dataclass
class SecondReport:
    """A victim on this case who was also a victim or complainant on another case opened within the window
    (any agency: the count never names the other case, which the user may not be allowed to see)."""

    party: CaseParty
    other_reports: int
    months: int
    told: "CaseReviewExplained | None"


def second_report_annotations(case: Case) -> dict[str, Any]:
    """For each party of `case`: on how many other cases opened within the window before this one (any agency)
    its person was a victim or complainant, and the id of the latest record that they were told about the ASB
    Case Review. Annotations, so the case page reads them with its parties (selectors.case_parties)."""
    since, until = second_report_window(case)
    return second_report_sql(case_id=case.pk, since=since, until=until)


def second_report_window(case: Case) -> tuple[datetime, datetime]:
    """The window second_report_annotations counts other cases in: from `months` before the case opened to then."""
    from dateutil.relativedelta import relativedelta

    months = _second_report_months(case)
    return case.opened_at - relativedelta(months=months), case.opened_at


def second_report_sql(*, case_id: int, since: datetime, until: datetime) -> dict[str, Any]:
    """second_report_annotations for these values (the case page compiles them once, selectors.summary_parties).

    Written as the SQL the ORM's Subquery(... OuterRef ...) would write, for any query on the party table: building
    and compiling those cost more CPU on every case page than running them (issue 23)."""
    from django.db import connection
    from django.db.models.expressions import RawSQL

    opened_at = Case._meta.get_field("opened_at")
    party = f'"{CaseParty._meta.db_table}"'
    roles = ", ".join(["%s"] * len(VICTIM_ROLES))
    other_reports = RawSQL(
        f'SELECT COUNT(DISTINCT U0."case_id") FROM {party} U0 INNER JOIN "{Case._meta.db_table}" U1 '
        f'ON U0."case_id" = U1."id" WHERE U1."opened_at" >= %s AND U1."opened_at" <= %s '
        f'AND U0."person_id" = {party}."person_id" AND U0."role" IN ({roles}) AND NOT (U0."case_id" = %s)',
        (
            opened_at.get_db_prep_value(since, connection),
            opened_at.get_db_prep_value(until, connection),
            *(str(role) for role in VICTIM_ROLES),
            case_id,
        ),
        output_field=IntegerField(),
    )
    told = RawSQL(
        f'SELECT U0."id" FROM "{CaseReviewExplained._meta.db_table}" U0 WHERE U0."case_id" = %s '
        f'AND U0."party_id" = {party}."id" ORDER BY U0."told_on" DESC, U0."id" DESC LIMIT 1',
        (case_id,),
        output_field=IntegerField(),
    )
    return {"cw_other_reports": other_reports, "cw_told_id": told}


def _second_report_months(case: Case) -> int:
    from statutory.selectors import rule

    return rule("case_review.explain_at_second_report_months", on=timezone.localdate(case.opened_at)).value


def _explaining_applies(case: Case) -> bool:
    """Whether the guidance that asks for the explanation was in force when this (second) report was made: the rule
    table gives a date before the guidance its earliest version, so its start date is checked here."""
    from statutory.selectors import rule, starts_on

    opened_on = timezone.localdate(case.opened_at)
    start = starts_on(rule("case_review.explain_at_second_report_months", on=opened_on))
    return start is not None and start <= opened_on


def second_reports(case: Case, parties: list[CaseParty] | None = None) -> list[SecondReport]:
    """Victims reporting for the second time in six months (statutory guidance, July 2025: tell them about the
    ASB Case Review). Earlier cases opened within the window before this one count, whoever leads them.

    `parties`: the case's parties read with second_report_annotations (the case page); otherwise they are read
    here. One more query only where a victim was told."""
    if not _explaining_applies(case):
        return []
    if parties is None:
        parties = list(victims_on(case).annotate(**second_report_annotations(case)))
    victims = sorted((p for p in parties if p.role in VICTIM_ROLES and p.person_id), key=lambda p: p.pk)
    reports = [p for p in victims if p.cw_other_reports]
    if not reports:
        return []
    told_ids = [p.cw_told_id for p in reports if p.cw_told_id]
    told = CaseReviewExplained.objects.in_bulk(told_ids) if told_ids else {}
    months = _second_report_months(case)
    return [SecondReport(p, p.cw_other_reports, months, told.get(p.cw_told_id)) for p in reports]


@transaction.atomic
def record_case_review_explained(
    *, case: Case, party: CaseParty, by, told_on: date, told_by: str
) -> CaseReviewExplained:
    """The victim was told about the ASB Case Review: when, how (letter or email, from the template), by whom."""
    _require_change(by, case)
    _victim_party(case, party)
    if told_by not in CaseReviewToldBy.values:
        raise NotAllowed("Say whether they were told by letter or by email.")
    if told_on > timezone.localdate() or told_on < timezone.localdate(case.opened_at):
        raise NotAllowed("The date they were told must be between the case opening and today.")
    explained = CaseReviewExplained(case=case, party=party, told_on=told_on, told_by=told_by, recorded_by=by)
    _save(explained, by, f"Victim told about the ASB Case Review by {CaseReviewToldBy(told_by).label.lower()}")
    return explained


def contacts_on(case: Case) -> QuerySet[VictimContact]:
    return case.victim_contacts.select_related("party__person", "party__organisation", "contacted_by", "agency")


def reviews_on(case: Case) -> QuerySet[ProgressReview]:
    return case.progress_reviews.select_related("reviewed_by")


def due_schedules(*, cases: QuerySet[Case], today: date, horizon_days: int = 0) -> QuerySet[CaseSchedule]:
    """Schedules of open cases among `cases` with a contact or review due by today + horizon_days."""
    until = today + timedelta(days=horizon_days)
    return _due_by(cases, until, _end_of(until))


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))


def _due_by(cases: QuerySet[Case], until: date, end: datetime) -> QuerySet[CaseSchedule]:
    """due_schedules for contacts due before `end` and reviews due by `until`."""
    from django.db.models import Q

    return (
        CaseSchedule.objects.filter(case__in=cases)
        .exclude(case__status=CaseStatus.CLOSED)
        .filter(Q(next_contact_due_at__lt=end) | Q(next_review_due__lte=until))
        .select_related("case", "case__officer", "case__lead_agency")
        .order_by("next_contact_due_at", "next_review_due", "pk")
    )


def my_work_sections(*, user, today: date, work=None) -> list[extensions.WorkSection]:
    """My work: contacts with victims and reviews due within two days or overdue, on the user's own cases."""
    from .templatetags.my_work import link_to

    victim_page = link_to("casework:case_victim")  # one reverse() for the list, not one per row
    contacts = extensions.WorkSection("Victim contacts due", empty="No victim contacts due.")
    reviews = extensions.WorkSection("Case reviews due", empty="No case reviews due.")
    now = timezone.now()
    for schedule in _my_due_schedules(user, today + timedelta(days=2)):
        href = victim_page(schedule.case.reference)
        label = f"{schedule.case.reference} (priority {schedule.priority})"
        if schedule.next_contact_due_at and timezone.localdate(schedule.next_contact_due_at) <= today + timedelta(2):
            contacts.items.append(
                extensions.WorkItem(
                    text=f"Contact the victim: {label}",
                    href=href,
                    due=timezone.localdate(schedule.next_contact_due_at),
                    overdue=schedule.next_contact_due_at < now,
                )
            )
        if schedule.next_review_due and schedule.next_review_due <= today + timedelta(2):
            reviews.items.append(
                extensions.WorkItem(
                    text=f"Review the case: {label}",
                    href=href,
                    due=schedule.next_review_due,
                    overdue=schedule.next_review_due < today,
                )
            )
    return [contacts, reviews]


def _my_due_query(shape, *values) -> QuerySet[CaseSchedule]:
    *ids, officer_id, until, end = values
    return _due_by(access.shaped_visible_cases(shape, ids).filter(officer=officer_id), until, end)[:50]


# My work's schedules due, compiled once per thread, connection and visibility shape (common.compiled_sql, issue
# 23), then run with the user's values; not prepared, like My work's other lists (selectors.my_work)
_MY_DUE = ShapedQuery(_my_due_query, prepare=False)


def _my_due_schedules(user, until: date) -> list[CaseSchedule]:
    """The first 50 schedules of the user's own cases (among those they may see) due by `until`."""
    compiled = access.visibility_shape(user)  # asked as visible_cases asks: the same queries, in the same order
    if compiled is None:
        mine = access.visible_cases(user).filter(officer=user)
        return list(_due_by(mine, until, _end_of(until))[:50])
    shape, ids, fields = compiled
    schedule = CaseSchedule._meta
    return _MY_DUE.rows(
        shape,
        [*fields, Case._meta.get_field("officer"), schedule.get_field("next_review_due"),
         schedule.get_field("next_contact_due_at")],
        [*ids, user.pk, until, _end_of(until)],
    )  # fmt: skip

"""The daily job's reminders: what is due or overdue, read from the apps' own deadline fields and selectors.

Each reminder carries a key, so the job can run twice in a day (or a worker can retry it) without telling anyone
twice. Reminders go to the app at once and by email in the daily digest (`digest_only`).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.urls import reverse

from casework.models import Action, ActionStatus
from common.dates import govuk_date

from .events import holders, members
from .models import Event
from .services import conf, notify

OPEN_ACTION = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def create_reminders(*, today: date) -> int:
    created = 0
    created += _actions(today)
    created += _enforcement(today)
    created += _orders_ending(today)
    created += _case_reviews(today)
    created += _retention(today)
    created += _victim_journey(today)
    return created


def _action_recipients(action, agency_members: dict) -> list:
    if action.owner_id:
        return [action.owner]
    if action.owner_agency_id not in agency_members:
        agency_members[action.owner_agency_id] = members(action.owner_agency, perm="casework.change_case")
    return agency_members[action.owner_agency_id]


def _actions(today: date) -> int:
    """Due tomorrow; overdue on the first day and then once a week."""
    tomorrow = today + timedelta(days=1)
    actions = (
        Action.objects.filter(status__in=OPEN_ACTION, due_date__lte=tomorrow)
        .select_related("case", "owner", "owner_agency")
        .order_by("due_date", "pk")
    )
    agency_members: dict = {}
    created = 0
    for action in actions.iterator(chunk_size=500):
        days_late = (today - action.due_date).days
        if action.due_date == tomorrow:
            event, text, key = Event.ACTION_DUE, "is due tomorrow", f"action_due:{action.pk}:{action.due_date}"
        elif days_late >= 1 and (days_late == 1 or days_late % 7 == 0):
            event, text, key = (
                Event.ACTION_OVERDUE,
                f"is {days_late} day{'s' if days_late != 1 else ''} overdue",
                (f"action_overdue:{action.pk}:{today}"),
            )
        else:
            continue
        created += len(
            notify(
                event=event,
                users=_action_recipients(action, agency_members),
                message=f"An action on case {action.case.reference} {text} (due {govuk_date(action.due_date)}).",
                case=action.case,
                url=reverse("casework:case_actions", args=[action.case.reference]),
                digest_only=True,
                dedupe_key=key,
            )
        )
    return created


def _people_with(perm: str) -> list:
    return holders(perm)


def _enforcement(today: date) -> int:
    """Compliance checks, appeal windows, hearings, payments and orders ending: enforcement.selectors.deadlines
    for the records each officer issued or whose cases they hold. Told once when due soon and once when late."""
    from enforcement.selectors import deadlines

    created = 0
    for user in _people_with("enforcement.add_fixedpenaltynotice"):
        for deadline in deadlines(user=user, today=today, scope="mine"):
            if deadline.kind in ORDER_KINDS:
                continue  # told earlier, with the 28 days' notice of _orders_ending
            state = "overdue" if deadline.overdue else "due"
            where = f" on case {deadline.case_reference}" if deadline.case_reference else ""
            when = f"{govuk_date(deadline.due)}"
            message = (
                f"{deadline.kind}{where}: {'was due' if deadline.overdue else 'due'} {when}."
                if deadline.kind
                else f"A deadline{where} is {state}: {when}."
            )
            created += len(
                notify(
                    event=Event.ENFORCEMENT_DEADLINE,
                    users=[user],
                    message=message,
                    case=None,
                    url=deadline.url,
                    digest_only=True,
                    dedupe_key=f"enf:{state}:{deadline.url}:{deadline.kind}:{deadline.due}",
                )
            )
    return created


ORDER_KINDS = {"Closure order ends", "CBO ends", "Injunction ends", "PSPO expires"}


def _orders_ending(today: date) -> int:
    """Closure orders, CBOs, injunctions and PSPOs ending within ORDER_EXPIRY_DAYS (28): time to apply for an
    extension or consult on one. Orders go to whoever recorded them and the case's officer; a PSPO (no case)
    to its owning agency's enforcement officers."""
    from enforcement.models import (
        CivilInjunction,
        ClosureOrder,
        ClosureOrderStatus,
        CourtOrderStatus,
        CriminalBehaviourOrder,
        PSPOStatus,
        PublicSpacesProtectionOrder,
    )

    in_force = [CourtOrderStatus.IN_FORCE, CourtOrderStatus.VARIED]
    horizon = today + timedelta(days=conf("ORDER_EXPIRY_DAYS"))
    created = 0
    orders = [
        (
            "closure order",
            ClosureOrder.objects.filter(status=ClosureOrderStatus.IN_FORCE),
            "closure_detail",
            "notice_id",
        ),
        ("CBO", CriminalBehaviourOrder.objects.filter(status__in=in_force), "cbo_detail", "pk"),
        ("civil injunction", CivilInjunction.objects.filter(status__in=in_force), "injunction_detail", "pk"),
    ]
    for label, queryset, url_name, url_arg in orders:
        for order in queryset.filter(ends_on__gte=today, ends_on__lte=horizon).select_related("case", "recorded_by"):
            case = order.case
            users = [order.recorded_by] + ([case.officer] if case is not None and case.officer_id else [])
            where = f" on case {case.reference}" if case is not None else ""
            created += len(
                notify(
                    event=Event.ENFORCEMENT_DEADLINE,
                    users=users,
                    message=f"A {label}{where} ends on {govuk_date(order.ends_on)}.",
                    case=case,
                    url=reverse(f"enforcement:{url_name}", args=[getattr(order, url_arg)]),
                    digest_only=True,
                    dedupe_key=f"ends:{label}:{order.pk}:{order.ends_on}",
                )
            )
    pspos = PublicSpacesProtectionOrder.objects.filter(
        status=PSPOStatus.IN_FORCE, expires_on__gte=today, expires_on__lte=horizon
    ).select_related("owner_agency")
    for pspo in pspos:
        created += len(
            notify(
                event=Event.ENFORCEMENT_DEADLINE,
                users=members(pspo.owner_agency, perm="enforcement.change_publicspacesprotectionorder"),
                message=f"A PSPO of {pspo.owner_agency.name} expires on {govuk_date(pspo.expires_on)}.",
                url=reverse("enforcement:pspo_detail", args=[pspo.pk]),
                digest_only=True,
                dedupe_key=f"ends:pspo:{pspo.pk}:{pspo.expires_on}",
            )
        )
    return created


def _case_reviews(today: date) -> int:
    """Case Review (Community Trigger) applications whose next deadline is near or passed, to the owning agency."""
    from triggers.models import Application
    from triggers.selectors import OPEN_STATUSES

    horizon = today + timedelta(days=2)
    applications = Application.objects.filter(
        status__in=OPEN_STATUSES, next_due__isnull=False, next_due__lte=horizon
    ).select_related("owner_agency")
    by_agency: dict = defaultdict(list)
    for application in applications:
        by_agency[application.owner_agency].append(application)
    created = 0
    for agency, items in by_agency.items():
        staff = members(agency, perm="triggers.change_application")
        for application in items:
            state = "overdue" if application.next_due < today else "due"
            created += len(
                notify(
                    event=Event.TRIGGER_OUTCOME_DUE,
                    users=staff,
                    message=f"The next step on ASB Case Review {application.reference} "
                    f"({application.get_status_display().lower()}) is {state}: {govuk_date(application.next_due)}.",
                    url=reverse("triggers:application_detail", args=[application.reference]),
                    digest_only=True,
                    dedupe_key=f"trigger:{state}:{application.pk}:{application.next_due}",
                )
            )
    return created


def _retention(today: date) -> int:
    """Closed cases past the retention period, to the people who approve erasure; once a week."""
    from casework.retention import APPROVER_PERMISSION, cases_past_retention

    count = cases_past_retention().count()
    if not count:
        return 0
    year, week, _ = today.isocalendar()
    approvers = _people_with(APPROVER_PERMISSION)
    return len(
        notify(
            event=Event.RETENTION_REVIEW_DUE,
            users=approvers,
            message=f"{count} closed case{'s are' if count != 1 else ' is'} past the retention period and due for "
            "review.",
            digest_only=True,
            dedupe_key=f"retention:{year}-W{week}",
        )
    )


def _victim_journey(today: date) -> int:
    """Victim contacts and case reviews the victim's risk set (casework.victim), overdue: to the case officer
    (or, with none, the lead agency's caseworkers) on the first day late and then once a week."""
    from django.utils import timezone

    from casework.models import Case
    from casework.victim import due_schedules

    agency_members: dict = {}
    created = 0
    for schedule in due_schedules(cases=Case.objects.all(), today=today - timedelta(days=1)).iterator(chunk_size=500):
        case = schedule.case
        if case.officer_id:
            users = [case.officer]
        else:
            if case.lead_agency_id not in agency_members:
                agency_members[case.lead_agency_id] = members(case.lead_agency, perm="casework.change_case")
            users = agency_members[case.lead_agency_id]
        url = reverse("casework:case_victim", args=[case.reference])
        due_items = []
        if schedule.next_contact_due_at is not None:
            due_items.append(
                (Event.VICTIM_CONTACT_DUE, "contact with the victim", timezone.localdate(schedule.next_contact_due_at))
            )
        if schedule.next_review_due is not None:
            due_items.append((Event.PROGRESS_REVIEW_DUE, "review", schedule.next_review_due))
        for event, what, due in due_items:
            days_late = (today - due).days
            if days_late < 1 or (days_late != 1 and days_late % 7):
                continue
            created += len(
                notify(
                    event=event,
                    users=users,
                    message=f"The {what} on case {case.reference} (priority {schedule.priority}) is {days_late} "
                    f"day{'s' if days_late != 1 else ''} overdue (due {govuk_date(due)}).",
                    case=case,
                    url=url,
                    digest_only=True,
                    dedupe_key=f"{event}:{case.pk}:{due}:{today}",
                )
            )
    return created

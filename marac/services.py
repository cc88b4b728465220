"""Every write in the CS MARAC cycle: one transaction each, history with the acting user and a reason.

The cycle: schedule meetings -> refer -> screen (accept shares the case with the core agencies) ->
generate and edit the panel list -> agencies research their records -> publish (agencies emailed) ->
the meeting: attendance, a review per case with actions -> held -> minutes approved by the chair.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from casework import access, people
from casework import services as casework_services
from casework.calendar import is_working_day, next_working_day
from casework.errors import EditConflict, InvalidTransition, NotAllowed
from casework.extensions import emit
from casework.models import Action, ActionStatus, Agency, Case, CaseShare, PartyRole
from common import history
from common.dates import govuk_date, govuk_datetime, govuk_time

from .conf import marac_setting, start_time
from .models import (
    LIVE_REFERRAL_STATUSES,
    MEETING_TRANSITIONS,
    REASON_RANK,
    REFERRAL_TRANSITIONS,
    RISK_RANK,
    Attendance,
    AttendanceStatus,
    CaseReview,
    Consent,
    EntryReason,
    MaracAction,
    MaracRisk,
    Meeting,
    MeetingStatus,
    NextStep,
    PanelEntry,
    PanelListNotification,
    Referral,
    ReferralStatus,
    ResearchResponse,
    ResearchStatus,
)

logger = logging.getLogger(__name__)

OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


# --- who may do what -------------------------------------------------------------------------------


def is_coordinator(user) -> bool:
    """Coordinators run the cycle: they hold every marac permission (casework/roles.py)."""
    return bool(getattr(user, "is_authenticated", False) and access.has_permission(user, "marac.change_meeting"))


def _require_perm(user, perm: str, message: str) -> None:
    access.require(user, perm, message, error=NotAllowed)


def _require_case_visible(user, case: Case) -> None:
    if not access.can_view(user, case):
        raise NotAllowed("You cannot see this case.")


def coordinating_agency() -> Agency:
    agency = Agency.objects.filter(short_name=marac_setting("COORDINATING_AGENCY")).first()
    if agency is None:
        raise NotAllowed("The CS MARAC coordinating agency is not set up: ask an administrator.")
    return agency


def core_agencies() -> list[Agency]:
    wanted = list(marac_setting("CORE_AGENCIES"))
    agencies = {a.short_name: a for a in Agency.objects.filter(short_name__in=wanted, is_active=True)}
    return [agencies[name] for name in wanted if name in agencies]


def agencies_seeing(case_ids) -> dict[int, set[int]]:
    """For each case, the agencies that can see it: its lead agency and every live share (one query)."""
    seeing: dict[int, set[int]] = {}
    for case_id, lead_id in Case.objects.filter(pk__in=case_ids).values_list("pk", "lead_agency_id"):
        seeing.setdefault(case_id, set()).add(lead_id)
    for case_id, agency_id in CaseShare.objects.filter(case_id__in=case_ids, revoked_at__isnull=True).values_list(
        "case_id", "agency_id"
    ):
        seeing.setdefault(case_id, set()).add(agency_id)
    return seeing


def _check_transition(table: dict[str, set[str]], labels, current: str, to: str, what: str) -> None:
    if to not in table.get(current, set()):
        allowed = ", ".join(labels(s).label.lower() for s in sorted(table.get(current, set()))) or "nothing"
        raise InvalidTransition(
            f"{what} that is {labels(current).label.lower()} cannot become {labels(to).label.lower()}; "
            f"it can become: {allowed}."
        )


# --- meetings --------------------------------------------------------------------------------------


def cycle_dates(*, first: date, count: int) -> list[tuple[date, date]]:
    """(scheduled_for, date) for `count` meetings every CYCLE_WEEKS from `first`, each moved off
    weekends and bank holidays to the next working day. The cycle keeps its own rhythm after a move."""
    step = timedelta(weeks=int(marac_setting("CYCLE_WEEKS")))
    return [(first + step * n, next_working_day(first + step * n)) for n in range(count)]


def _create_meeting(*, by: User, scheduled_for: date, on: date, agencies: list[Agency]) -> Meeting:
    meeting = Meeting(
        scheduled_for=scheduled_for,
        date=on,
        start_time=start_time(),
        venue=marac_setting("VENUE"),
        created_by=by,
    )
    reason = "Meeting scheduled" if on == scheduled_for else f"Meeting scheduled (moved from {scheduled_for:%d %b})"
    casework_services.save_with_history(meeting, by, reason)
    for agency in agencies:
        casework_services.save_with_history(Attendance(meeting=meeting, agency=agency), by, "Agency invited")
    return meeting


@transaction.atomic
def schedule_meetings(*, by: User, first: date, count: int) -> list[Meeting]:
    """Schedule `count` meetings of a new cycle starting on `first`, inviting the core agencies."""
    _require_perm(by, "marac.add_meeting", "Only the MARAC coordinator can schedule meetings.")
    if count < 1:
        raise NotAllowed("Schedule at least one meeting.")
    agencies = core_agencies()
    existing = set(Meeting.objects.values_list("scheduled_for", flat=True))
    return [
        _create_meeting(by=by, scheduled_for=nominal, on=actual, agencies=agencies)
        for nominal, actual in cycle_dates(first=first, count=count)
        if nominal not in existing
    ]


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


@transaction.atomic
def keep_schedule_ahead(*, by: User, today: date | None = None) -> list[Meeting]:
    """Make sure MEETINGS_AHEAD meetings are scheduled from today on, continuing the existing cycle.

    With no meetings yet the cycle starts on the next MEETING_WEEKDAY. Dates the cycle passed while
    nobody scheduled anything are skipped, not created in the past.
    """
    _require_perm(by, "marac.add_meeting", "Only the MARAC coordinator can schedule meetings.")
    today = today or timezone.localdate()
    ahead = int(marac_setting("MEETINGS_AHEAD"))
    step = timedelta(weeks=int(marac_setting("CYCLE_WEEKS")))
    upcoming = Meeting.objects.filter(date__gte=today).count()
    last = Meeting.objects.order_by("-scheduled_for").first()
    if last is None:
        nominal = _next_weekday(today + timedelta(days=1), int(marac_setting("MEETING_WEEKDAY")))
    else:
        nominal = last.scheduled_for + step
    while next_working_day(nominal) < today:
        nominal += step
    agencies = core_agencies()
    made: list[Meeting] = []
    while upcoming + len(made) < ahead:
        made.append(_create_meeting(by=by, scheduled_for=nominal, on=next_working_day(nominal), agencies=agencies))
        nominal += step
    return made


EDITABLE_MEETING_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    by: User,
    on: date,
    start: time,
    venue: str,
    is_online: bool,
    expected_version: int,
    joining_details: str = "",
    chair=None,
) -> Meeting:
    """Change a meeting's arrangements before it is held. A meeting is never put on a bank holiday.

    `expected_version` is the version the form was opened on: a change based on an older one is refused.
    """
    _require_perm(by, "marac.change_meeting", "Only the MARAC coordinator can change a meeting.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in EDITABLE_MEETING_STATUSES:
        raise InvalidTransition("This meeting has been held: its arrangements can no longer be changed.")
    if meeting.version != expected_version:
        raise EditConflict(
            "Someone else changed this meeting while you were editing it. Your changes were not saved: "
            "reload the meeting to see their changes, then make yours again."
        )
    if not is_working_day(on):
        raise NotAllowed(
            f"{govuk_date(on, weekday=True)} is not a working day: choose a weekday that is not a bank holiday."
        )
    if not venue.strip() and not is_online:
        raise NotAllowed("Give a venue, or say the meeting is online.")
    meeting.date, meeting.start_time, meeting.venue = on, start, venue
    meeting.is_online, meeting.joining_details, meeting.chair = is_online, joining_details, chair
    meeting.version += 1
    casework_services.save_with_history(
        meeting,
        by,
        "Meeting arrangements changed",
        update_fields=["date", "start_time", "venue", "is_online", "joining_details", "chair", "version"],
    )
    return meeting


def _current(meeting_id: int) -> Meeting:
    """The meeting as it is now, locked: status checks never trust a copy read earlier."""
    return Meeting.objects.select_for_update().get(pk=meeting_id)


def _move_meeting(meeting: Meeting, by: User, to: str, reason: str, **changes) -> Meeting:
    """Apply one transition to a row locked for update, so two people pressing the button at once
    cannot both succeed: the second sees the new status and is told what happened."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == to:
        raise InvalidTransition(f"{locked} is already {MeetingStatus(to).label.lower()}.")
    _check_transition(MEETING_TRANSITIONS, MeetingStatus, locked.status, to, "A meeting")
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.status = to
    locked.version += 1
    casework_services.save_with_history(locked, by, reason, update_fields=[*changes, "status", "version"])
    return locked


@dataclass
class PublishResult:
    meeting: Meeting
    notified: list[Agency] = field(default_factory=list)
    failed: list[tuple[Agency, str]] = field(default_factory=list)


def publish_panel_list(*, meeting: Meeting, by: User, link: str = "", mail_connection=None) -> PublishResult:
    """Publish the panel list, then email every invited agency.

    The publish commits on its own first (one transaction, meeting row locked); each email is then sent
    and recorded separately, so a failing mail server never loses the publish: failures are recorded
    and returned for the coordinator to follow up.
    """
    published = _publish(meeting=meeting, by=by)
    result = PublishResult(meeting=published)
    for attendance in published.attendances.select_related("agency"):
        notice = notify_agency(
            meeting=published, agency=attendance.agency, by=by, link=link, mail_connection=mail_connection
        )
        if notice.sent:
            result.notified.append(attendance.agency)
        else:
            result.failed.append((attendance.agency, notice.error))
    return result


@transaction.atomic
def _publish(*, meeting: Meeting, by: User) -> Meeting:
    _require_perm(by, "marac.change_meeting", "Only the MARAC coordinator can publish a panel list.")
    if not PanelEntry.objects.filter(meeting=meeting).exists():
        raise NotAllowed("The panel list is empty: generate it or add cases before publishing.")
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != MeetingStatus.PLANNED:
        who = locked.published_by.get_full_name() if locked.published_by else "someone else"
        when = govuk_datetime(locked.published_at) if locked.published_at else ""
        raise InvalidTransition(f"The panel list has already been published by {who} {('at ' + when) if when else ''}.")
    published = _move_meeting(
        locked, by, MeetingStatus.PUBLISHED, "Panel list published", published_at=timezone.now(), published_by=by
    )
    emit("marac_panel_published", meeting=published, by=by)
    return published


def notification_recipients(agency: Agency) -> list[str]:
    """Email addresses of the agency's active members who may open MARAC meetings."""
    user_model = get_user_model()
    perm = Q(groups__permissions__codename="view_meeting", groups__permissions__content_type__app_label="marac")
    perm |= Q(user_permissions__codename="view_meeting", user_permissions__content_type__app_label="marac")
    users = user_model.objects.filter(perm, membership__agency=agency, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


@transaction.atomic
def notify_agency(
    *, meeting: Meeting, agency: Agency, by: User, link: str = "", mail_connection=None
) -> PanelListNotification:
    """Email one agency that the panel list is published. The email names no case and no person."""
    recipients = notification_recipients(agency)
    notice = PanelListNotification(
        meeting=meeting, agency=agency, recipients=", ".join(recipients), attempted_at=timezone.now()
    )
    if not recipients:
        notice.error = "No member of this agency with access to CS MARAC has an email address."
    else:
        when = f"{govuk_date(meeting.date, weekday=True)} at {govuk_time(meeting.start_time)}"
        body = (
            f"The panel list for the Community Safety MARAC on {when} has been published.\n\n"
            "Sign in to Safer Communities Casework to read the cases shared with your agency and to record "
            f"your agency's research before the meeting.\n\n{link}\n"
        )
        try:
            send_mail(
                f"CS MARAC panel list published: {govuk_date(meeting.date)}",
                body,
                None,
                recipients,
                connection=mail_connection,
            )
        except Exception as error:  # any transport failure: record it, never undo the publish
            logger.warning("Panel list email to %s failed: %s", agency, error)
            notice.error = f"{type(error).__name__}: {error}"[:1000]
        else:
            notice.sent = True
    casework_services.save_with_history(
        notice, by, "Panel list notice sent" if notice.sent else "Panel list notice failed"
    )
    return notice


@transaction.atomic
def mark_meeting_held(*, meeting: Meeting, by: User, minutes_notes: str = "") -> Meeting:
    """Record that the meeting took place. Listed cases without a review were not heard (deferred)."""
    _require_perm(by, "marac.change_meeting", "Only the MARAC coordinator can record that a meeting was held.")
    meeting = _current(meeting.pk)
    if meeting.date > timezone.localdate():
        raise NotAllowed("A meeting cannot be marked as held before its date.")
    return _move_meeting(
        meeting, by, MeetingStatus.HELD, "Meeting held", held_at=timezone.now(), minutes_notes=minutes_notes
    )


@transaction.atomic
def approve_minutes(*, meeting: Meeting, by: User) -> Meeting:
    """The chair approves the minutes; with no chair recorded, the coordinator approves them."""
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("chair").get(pk=meeting.pk)
    if meeting.chair is not None:
        if meeting.chair_id != by.pk:
            name = meeting.chair.get_full_name() or meeting.chair.get_username()
            raise NotAllowed(f"Only the chair, {name}, can approve these minutes.")
    else:
        _require_perm(by, "marac.change_meeting", "Only the chair or the MARAC coordinator can approve the minutes.")
    return _move_meeting(
        meeting,
        by,
        MeetingStatus.MINUTES_APPROVED,
        "Minutes approved",
        minutes_approved_at=timezone.now(),
        minutes_approved_by=by,
    )


@transaction.atomic
def record_attendance(
    *, meeting: Meeting, by: User, agency: Agency, status: str, representative: str = ""
) -> Attendance:
    """Who came from each agency. Agencies not yet invited are added (they then see the minutes)."""
    _require_perm(by, "marac.change_attendance", "Only the MARAC coordinator can record attendance.")
    meeting = _current(meeting.pk)
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        raise InvalidTransition("The minutes are approved: attendance can no longer be changed.")
    if status not in AttendanceStatus.values:
        raise NotAllowed("Choose whether the agency attended.")
    attendance = Attendance.objects.filter(meeting=meeting, agency=agency).first() or Attendance(
        meeting=meeting, agency=agency
    )
    attendance.status, attendance.representative = status, representative
    casework_services.save_with_history(attendance, by, f"Attendance: {AttendanceStatus(status).label}")
    return attendance


# --- referrals -------------------------------------------------------------------------------------


def previous_marac_episode(*, case: Case, on: date, exclude_pk: int | None = None) -> Referral | None:
    """The referral at whose hearing the same victim was last heard, if within REPEAT_REFERRAL_DAYS before `on`.

    SafeLives' repeat: the same *victim* (a victim party's Person) referred again within 12 months of their last
    hearing, on any case; a case with no victim recorded as a person matches on itself.
    """
    cutoff = on - timedelta(days=int(marac_setting("REPEAT_REFERRAL_DAYS")))
    same_victim = Q(case=case) | Q(case__in=people.cases_naming_same_person(case=case, role=PartyRole.VICTIM))
    hearings = CaseReview.objects.filter(same_victim, meeting__date__gte=cutoff, meeting__date__lte=on)
    if exclude_pk:
        hearings = hearings.exclude(referral_id=exclude_pk)
    last = hearings.order_by("-meeting__date", "-id").select_related("referral").first()
    return last.referral if last else None


def _ensure_coordinator_sees(case: Case, by: User, legal_basis: str) -> None:
    """The coordinator screens the referral, so their agency must see the case: the referrer shares it."""
    agency = coordinating_agency()
    if agency.pk in agencies_seeing([case.pk]).get(case.pk, set()):
        return
    try:
        casework_services.share_case(
            case=case,
            agency=agency,
            legal_basis=legal_basis,
            purpose="Referred to the Community Safety MARAC for screening and coordination",
            by=by,
            can_change=True,
        )
    except NotAllowed as error:
        raise NotAllowed(
            f"The MARAC coordinator cannot see this case and your agency cannot share it ({error}) "
            f"Ask the lead agency, {case.lead_agency}, to make the referral."
        ) from error


@transaction.atomic
def refer_case(
    *,
    case: Case,
    by: User,
    reason: str,
    risk_level: str,
    actions_tried: str,
    consent: str,
    legal_basis: str,
    referred_at: datetime | None = None,
) -> Referral:
    """A partner refers a case it can see. Flags a repeat when its victim was heard at the MARAC in the last year."""
    _require_perm(by, "marac.add_referral", "You do not have permission to refer cases to the CS MARAC.")
    _require_case_visible(by, case)
    agency = access.agency_of(by)
    if agency is None:
        raise NotAllowed("Only a member of an agency can make a referral.")
    if not reason.strip() or not actions_tried.strip():
        raise NotAllowed("Give the reason for the referral and what your agency has already tried.")
    if risk_level not in MaracRisk.values or consent not in Consent.values or not legal_basis:
        raise NotAllowed("Give the risk level, whether the victim consented and the legal basis.")
    Case.objects.select_for_update().filter(pk=case.pk).first()  # one referral at a time per case
    live = Referral.objects.filter(case=case, status__in=LIVE_REFERRAL_STATUSES).first()
    if live is not None:
        raise NotAllowed(f"{case.reference} already has a CS MARAC referral: {live.get_status_display().lower()}.")
    referred_at = referred_at or timezone.now()
    previous = previous_marac_episode(case=case, on=timezone.localdate(referred_at))
    _ensure_coordinator_sees(case, by, legal_basis)
    referral = Referral(
        case=case,
        referring_agency=agency,
        referred_by=by,
        referred_at=referred_at,
        reason=reason,
        risk_level=risk_level,
        actions_tried=actions_tried,
        consent=consent,
        legal_basis=legal_basis,
        is_repeat=previous is not None,
        previous_referral=previous,
    )
    casework_services.save_with_history(
        referral, by, "Repeat referral to CS MARAC" if previous else "Referred to CS MARAC"
    )
    emit("marac_referral_received", referral=referral, by=by)
    return referral


def _lock_referral(referral: Referral, to: str) -> Referral:
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    _check_transition(REFERRAL_TRANSITIONS, ReferralStatus, locked.status, to, "A referral")
    return locked


def _screen(referral: Referral, by: User, to: str) -> Referral:
    _require_perm(by, "marac.change_referral", "Only the MARAC coordinator can screen referrals.")
    locked = _lock_referral(referral, to)
    _require_case_visible(by, locked.case)
    locked.status = to
    locked.screened_by, locked.screened_at = by, timezone.now()
    return locked


@transaction.atomic
def accept_referral(*, referral: Referral, by: User) -> tuple[Referral, list[Agency]]:
    """Put the case on the MARAC and share it, view only, with every core agency that cannot see it yet.

    Each share goes through casework.services.share_case, so each is a logged disclosure. Change rights are
    the lead agency's decision (decision 0015): the case's officer is told which agencies were given view
    access and grants change rights, where needed, on the case's sharing screen.
    """
    referral = _screen(referral, by, ReferralStatus.ACCEPTED)
    referral.accepted_at = referral.screened_at
    casework_services.save_with_history(referral, by, "Referral accepted onto CS MARAC")
    emit("marac_referral_screened", referral=referral, by=by)
    seeing = agencies_seeing([referral.case_id]).get(referral.case_id, set())
    shared = []
    for agency in core_agencies():
        if agency.pk in seeing:
            continue
        casework_services.share_case(
            case=referral.case,
            agency=agency,
            legal_basis=referral.legal_basis or marac_setting("LEGAL_BASIS"),
            purpose=marac_setting("SHARE_PURPOSE"),
            by=by,
            can_change=False,
        )
        shared.append(agency)
    if shared:
        emit("marac_shared_view_only", referral=referral, agencies=shared, by=by)
    return referral, shared


@transaction.atomic
def decline_referral(*, referral: Referral, by: User, reason: str) -> Referral:
    if not reason.strip():
        raise NotAllowed("Give the reason for declining the referral.")
    referral = _screen(referral, by, ReferralStatus.DECLINED)
    referral.decline_reason = reason
    casework_services.save_with_history(referral, by, "Referral declined")
    emit("marac_referral_screened", referral=referral, by=by)
    return referral


@transaction.atomic
def request_more_information(*, referral: Referral, by: User, request: str) -> Referral:
    if not request.strip():
        raise NotAllowed("Say what more information is needed.")
    referral = _screen(referral, by, ReferralStatus.MORE_INFORMATION)
    referral.information_requested = request
    casework_services.save_with_history(referral, by, "More information requested")
    emit("marac_information_requested", referral=referral, by=by)
    return referral


@transaction.atomic
def provide_more_information(*, referral: Referral, by: User, information: str) -> Referral:
    """The referring agency answers the coordinator's questions; the referral goes back for screening."""
    if access.agency_of(by) != referral.referring_agency:
        raise NotAllowed("Only the referring agency can add information to this referral.")
    if not information.strip():
        raise NotAllowed("Enter the information the coordinator asked for.")
    locked = _lock_referral(referral, ReferralStatus.SUBMITTED)
    _require_case_visible(by, locked.case)
    stamp = timezone.localtime().strftime("%d %b %Y")
    locked.information_provided = "\n\n".join(filter(None, [locked.information_provided, f"{stamp}: {information}"]))
    locked.status = ReferralStatus.SUBMITTED
    casework_services.save_with_history(locked, by, "More information provided")
    return locked


@transaction.atomic
def propose_closure(*, referral: Referral, by: User, proposal: str) -> Referral:
    """Ask the panel to close a case at its next meeting (the coordinator or the referring agency)."""
    if not (is_coordinator(by) or access.agency_of(by) == referral.referring_agency):
        raise NotAllowed("Only the MARAC coordinator or the referring agency can propose closing this case.")
    if not proposal.strip():
        raise NotAllowed("Say why the case can close.")
    locked = Referral.objects.select_for_update().select_related("case").get(pk=referral.pk)
    _require_case_visible(by, locked.case)
    if locked.status != ReferralStatus.ACCEPTED:
        raise InvalidTransition("Only a case that is on the MARAC can be proposed for closure.")
    locked.closure_proposed_at, locked.closure_proposed_by, locked.closure_proposal = timezone.now(), by, proposal
    casework_services.save_with_history(locked, by, "Closure proposed")
    return locked


# --- panel list ------------------------------------------------------------------------------------


def _require_draft(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise InvalidTransition("The panel list has been published: it can no longer be changed.")


def overdue_marac_actions_exist(today: date):
    """Exists() filter: the referral's case has an open MARAC action due before today."""
    return Exists(
        Action.objects.filter(
            case=OuterRef("case"),
            marac_link__isnull=False,
            status__in=OPEN_ACTION_STATUSES,
            due_date__lt=today,
        )
    )


def entry_reason(referral: Referral, *, heard: bool, overdue: bool) -> str:
    if not heard:
        return EntryReason.NEW
    if referral.closure_proposed_at:
        return EntryReason.PROPOSED_CLOSURE
    if overdue:
        return EntryReason.OVERDUE_ACTIONS
    return EntryReason.REVIEW


def entry_summary(referral: Referral, last_decisions: str | None) -> str:
    """What attending agencies read: category, ward, why it is here. No names: the reason and the
    decisions are written for the panel, and anonymous parties are never named in them."""
    case = referral.case
    lines = [f"{case.get_category_display()} in {case.ward.name}. Lead agency: {case.lead_agency.name}."]
    lines.append(f"Referred by {referral.referring_agency.name}: {referral.reason}")
    if last_decisions:
        lines.append(f"Last decisions: {last_decisions}")
    if referral.closure_proposal:
        lines.append(f"Closure proposed: {referral.closure_proposal}")
    return "\n".join(lines)


def _entry_for(meeting: Meeting, referral: Referral, by: User, reason: str, summary: str) -> PanelEntry:
    return PanelEntry(
        meeting=meeting,
        case=referral.case,
        referral=referral,
        reason=reason,
        risk_level=referral.risk_level,
        risk_rank=RISK_RANK[referral.risk_level],
        reason_rank=REASON_RANK[reason],
        summary=summary,
        added_by=by,
    )


def _request_research(meeting: Meeting, entries: list[PanelEntry], by: User) -> None:
    """Ask every invited agency that can see a listed case, other than its lead, to research it."""
    invited = list(meeting.attendances.values_list("agency_id", flat=True))
    seeing = agencies_seeing([e.case_id for e in entries])
    requests = [
        ResearchResponse(entry=entry, agency_id=agency_id)
        for entry in entries
        for agency_id in invited
        if agency_id in seeing.get(entry.case_id, set()) and agency_id != entry.case.lead_agency_id
    ]
    bulk_create_with_history(requests, ResearchResponse, default_user=by, default_change_reason="Research requested")
    emit("marac_research_requested", meeting=meeting, responses=requests, by=by)


def eligible_referrals(meeting: Meeting, *, today: date):
    """Cases on the MARAC not yet on this list nor waiting on another list that has not been held."""

    waiting_elsewhere = PanelEntry.objects.filter(
        referral=OuterRef("pk"),
        meeting__status__in=[MeetingStatus.PLANNED, MeetingStatus.PUBLISHED],
    ).exclude(meeting=meeting)
    last_review = CaseReview.objects.filter(referral=OuterRef("pk")).order_by("-meeting__date", "-id")
    return (
        Referral.objects.filter(status=ReferralStatus.ACCEPTED)
        .exclude(panel_entries__meeting=meeting)
        .exclude(Exists(waiting_elsewhere))
        .annotate(
            heard=Exists(CaseReview.objects.filter(referral=OuterRef("pk"))),
            overdue=overdue_marac_actions_exist(today),
            last_decisions=Subquery(last_review.values("decisions")[:1]),
        )
        .select_related("case__ward", "case__lead_agency", "referring_agency")
    )


@transaction.atomic
def generate_panel_list(*, meeting: Meeting, by: User, today: date | None = None) -> list[PanelEntry]:
    """List every case due at this meeting: new referrals, ongoing reviews, overdue actions, proposed
    closures; research is requested from the invited agencies. Entries already listed (and the
    coordinator's edits to them) are kept; running it again only adds what became due since."""
    _require_perm(by, "marac.add_panelentry", "Only the MARAC coordinator can generate a panel list.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_draft(meeting)
    today = today or timezone.localdate()
    entries = [
        _entry_for(
            meeting,
            referral,
            by,
            entry_reason(referral, heard=referral.heard, overdue=referral.overdue),
            entry_summary(referral, referral.last_decisions),
        )
        for referral in eligible_referrals(meeting, today=today)
    ]
    entries = bulk_create_with_history(
        entries, PanelEntry, default_user=by, default_change_reason="Panel list generated"
    )
    _request_research(meeting, entries, by)
    return entries


@transaction.atomic
def add_panel_entry(*, meeting: Meeting, by: User, referral: Referral, today: date | None = None) -> PanelEntry:
    """Add one case on the MARAC to a draft list by hand."""
    _require_perm(by, "marac.add_panelentry", "Only the MARAC coordinator can change a panel list.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_draft(meeting)
    candidate = eligible_referrals(meeting, today=today or timezone.localdate()).filter(pk=referral.pk).first()
    if candidate is None:
        raise NotAllowed("That case is not on the MARAC, or is already on this or another upcoming panel list.")
    entry = _entry_for(
        meeting,
        candidate,
        by,
        entry_reason(candidate, heard=candidate.heard, overdue=candidate.overdue),
        entry_summary(candidate, candidate.last_decisions),
    )
    casework_services.save_with_history(entry, by, "Added to the panel list")
    _request_research(meeting, [entry], by)
    return entry


@transaction.atomic
def update_panel_entry(*, entry: PanelEntry, by: User, reason: str, risk_level: str, summary: str) -> PanelEntry:
    _require_perm(by, "marac.change_panelentry", "Only the MARAC coordinator can change a panel list.")
    _require_draft(_current(entry.meeting_id))
    if reason not in EntryReason.values or risk_level not in MaracRisk.values:
        raise NotAllowed("Choose the reason and the risk level.")
    if not summary.strip():
        raise NotAllowed("Enter the summary the agencies will read.")
    entry.reason, entry.reason_rank = reason, REASON_RANK[reason]
    entry.risk_level, entry.risk_rank = risk_level, RISK_RANK[risk_level]
    entry.summary = summary
    casework_services.save_with_history(entry, by, "Panel list entry edited")
    return entry


@transaction.atomic
def remove_panel_entry(*, entry: PanelEntry, by: User) -> None:
    """Take a case off a draft list (it stays on the MARAC and is listed again next time)."""
    _require_perm(by, "marac.delete_panelentry", "Only the MARAC coordinator can change a panel list.")
    _require_draft(_current(entry.meeting_id))
    for response in entry.research.all():
        history.attribute(response, by=by, reason="Removed with its panel list entry")
        response.delete()
    history.attribute(entry, by=by, reason="Removed from the panel list")
    entry.delete()


@transaction.atomic
def record_research(
    *, response: ResearchResponse, by: User, holds_information: bool, findings: str
) -> ResearchResponse:
    """An agency records what its own records hold on a listed case, before the meeting is held."""
    _require_perm(by, "marac.change_researchresponse", "You do not have permission to record MARAC research.")
    if access.agency_of(by) != response.agency:
        raise NotAllowed(f"Only {response.agency} can record its own research.")
    _require_case_visible(by, response.entry.case)
    if _current(response.entry.meeting_id).status not in (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED):
        raise InvalidTransition("The meeting has been held: research can no longer be changed.")
    if holds_information and not findings.strip():
        raise NotAllowed("Say what your agency's records hold.")
    response.status = ResearchStatus.RESPONDED
    response.holds_information, response.findings = holds_information, findings
    response.responded_by, response.responded_at = by, timezone.now()
    casework_services.save_with_history(response, by, "Research recorded")
    return response


# --- the meeting -----------------------------------------------------------------------------------


@transaction.atomic
def record_case_review(
    *,
    entry: PanelEntry,
    by: User,
    discussion: str,
    decisions: str,
    risk_level: str,
    next_step: str,
    escalation: str = "",
    closure_reason: str = "",
) -> CaseReview:
    """Record the panel's review of a listed case. Closing takes the case off the MARAC and needs a reason."""
    _require_perm(by, "marac.add_casereview", "Only the MARAC coordinator can record the panel's review.")
    meeting = _current(entry.meeting_id)
    if meeting.status not in (MeetingStatus.PUBLISHED, MeetingStatus.HELD):
        raise InvalidTransition(
            "Reviews are recorded once the panel list is published and until the minutes are approved."
        )
    if CaseReview.objects.filter(entry=entry).exists():
        raise InvalidTransition("This case's review at this meeting has already been recorded.")
    if not discussion.strip() or not decisions.strip():
        raise NotAllowed("Record the discussion and the decisions.")
    if risk_level not in MaracRisk.values or next_step not in NextStep.values:
        raise NotAllowed("Choose the risk level and the next step.")
    if next_step == NextStep.CLOSE and not closure_reason.strip():
        raise NotAllowed("Give the reason for closing the case from the MARAC.")
    if next_step == NextStep.ESCALATE and not escalation.strip():
        raise NotAllowed("Say how the case is being escalated.")
    referral = Referral.objects.select_for_update().select_related("case").get(pk=entry.referral_id)
    _require_case_visible(by, referral.case)
    if referral.status != ReferralStatus.ACCEPTED:
        raise InvalidTransition("This case is no longer on the MARAC.")
    review = CaseReview(
        meeting=meeting,
        entry=entry,
        case=referral.case,
        referral=referral,
        discussion=discussion,
        decisions=decisions,
        risk_level=risk_level,
        next_step=next_step,
        escalation=escalation if next_step == NextStep.ESCALATE else "",
        closure_reason=closure_reason if next_step == NextStep.CLOSE else "",
        is_new=not CaseReview.objects.filter(referral=referral).exists(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    casework_services.save_with_history(review, by, f"Reviewed at {meeting}: {NextStep(next_step).label}")
    referral.risk_level = risk_level
    referral.closure_proposed_at, referral.closure_proposed_by, referral.closure_proposal = None, None, ""
    reason = "Reviewed at the MARAC"
    if next_step == NextStep.CLOSE:
        _check_transition(REFERRAL_TRANSITIONS, ReferralStatus, referral.status, ReferralStatus.CLOSED, "A referral")
        referral.status = ReferralStatus.CLOSED
        referral.closed_on, referral.closed_at_meeting, referral.closure_reason = meeting.date, meeting, closure_reason
        reason = "Closed from the MARAC"
    casework_services.save_with_history(referral, by, reason)
    return review


@transaction.atomic
def add_marac_action(
    *, review: CaseReview, by: User, description: str, owner_agency: Agency, due_date: date, owner=None
) -> Action:
    """An action agreed at the meeting: a casework action on the case (its action plan, My work) linked
    to the review. The owner agency must be able to see the case."""
    _require_perm(by, "marac.add_maracaction", "Only the MARAC coordinator can record MARAC actions.")
    if _current(review.meeting_id).status == MeetingStatus.MINUTES_APPROVED:
        raise InvalidTransition("The minutes are approved: actions can no longer be added to this meeting.")
    if owner_agency.pk not in agencies_seeing([review.case_id]).get(review.case_id, set()):
        raise NotAllowed(f"{owner_agency} cannot see this case, so it cannot own an action on it.")
    if owner is not None and getattr(access.agency_of(owner), "pk", None) != owner_agency.pk:
        raise NotAllowed(f"The action's owner must work for {owner_agency}.")
    action = casework_services.add_action(
        case=review.case, by=by, description=description, owner_agency=owner_agency, due_date=due_date, owner=owner
    )
    link = MaracAction(action=action, review=review, meeting_id=review.meeting_id, case=review.case)
    casework_services.save_with_history(link, by, "Agreed at the MARAC")
    return action


@transaction.atomic
def complete_marac_action(*, action: Action, by: User) -> Action:
    """The owner agency (or the coordinator) marks a MARAC action done. An agency the case is shared with view
    only (accepted referrals, decision 0015) may still complete the actions the panel gave it."""
    if not MaracAction.objects.filter(action=action).exists():
        raise NotAllowed("That is not a MARAC action.")
    if not (is_coordinator(by) or access.agency_of(by) == action.owner_agency):
        raise NotAllowed(f"Only {action.owner_agency} or the MARAC coordinator can complete this action.")
    _require_case_visible(by, action.case)
    if access.can_change(by, action.case):
        return casework_services.set_action_status(action=action, by=by, status=ActionStatus.DONE)
    locked = Action.objects.select_for_update().get(pk=action.pk)
    if locked.status not in OPEN_ACTION_STATUSES:
        raise InvalidTransition("A finished action can only be reopened.")
    locked.status, locked.completed_at = ActionStatus.DONE, timezone.now()
    casework_services.save_with_history(locked, by, "Action done")
    return locked

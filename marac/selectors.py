"""Every read the CS MARAC screens and reports need: filtered through casework.access and already joined.

Meetings: coordinators, managers and auditors see all; other agencies see the meetings they are invited
to once the panel list is published. Within a meeting everyone sees only the cases visible to them.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from casework import access
from casework.models import Action, Agency, PartyRole

from .conf import marac_setting
from .models import (
    Attendance,
    CaseReview,
    MaracAction,
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
from .services import OPEN_ACTION_STATUSES, eligible_referrals, is_coordinator

HELD_STATUSES = (MeetingStatus.HELD, MeetingStatus.MINUTES_APPROVED)
UPCOMING_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.PUBLISHED)


def _active(user: User) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def sees_all_marac(user: User) -> bool:
    """Coordinators run the MARAC; managers and auditors read everything."""
    return _active(user) and (is_coordinator(user) or access.sees_all_cases(user))


def visible_meetings(user: User) -> QuerySet[Meeting]:
    if not (_active(user) and access.has_permission(user, "marac.view_meeting")):
        return Meeting.objects.none()
    if sees_all_marac(user):
        return Meeting.objects.all()
    agency = access.agency_of(user)
    if agency is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(attendances__agency=agency).exclude(status=MeetingStatus.PLANNED)


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    entries = PanelEntry.objects.filter(meeting=OuterRef("pk"), case__in=access.visible_cases(user))
    counted = entries.order_by().values("meeting").annotate(n=Count("pk")).values("n")[:1]
    return (
        visible_meetings(user)
        .select_related("chair")
        .annotate(cases_listed=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0)))
        .order_by("-date", "-id")
    )


def get_meeting(*, user: User, meeting_id: int) -> Meeting:
    meeting = (
        visible_meetings(user).select_related("chair", "published_by", "minutes_approved_by").filter(pk=meeting_id)
    )
    found = meeting.first()
    if found is None:
        raise Http404("No meeting found")
    return found


def next_meeting(*, user: User, today: date | None = None) -> Meeting | None:
    today = today or timezone.localdate()
    return (
        visible_meetings(user)
        .filter(date__gte=today, status__in=UPCOMING_STATUSES)
        .select_related("chair")
        .order_by("date", "id")
        .first()
    )


def attendances_for(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("agency")


def notifications_for(meeting: Meeting) -> QuerySet[PanelListNotification]:
    return meeting.notifications.select_related("agency")


def _overdue_count(today: date):
    overdue = (
        Action.objects.filter(
            case=OuterRef("case"), marac_link__isnull=False, status__in=OPEN_ACTION_STATUSES, due_date__lt=today
        )
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0))


def panel_list(*, meeting: Meeting, user: User, today: date | None = None) -> list[PanelEntry]:
    """The meeting's cases this user may see, ordered by risk, with research and review joined.

    Research findings are the coordinator's working material: other agencies see only their own.
    """
    today = today or timezone.localdate()
    research = ResearchResponse.objects.select_related("agency", "responded_by").order_by("agency__name")
    if not sees_all_marac(user):
        research = research.filter(agency=access.agency_of(user))
    return list(
        meeting.entries.filter(case__in=access.visible_cases(user))
        .select_related("case__ward", "case__lead_agency", "referral__referring_agency", "review")
        .annotate(overdue_actions=_overdue_count(today))
        .prefetch_related(Prefetch("research", queryset=research))
        .order_by("risk_rank", "reason_rank", "referral__accepted_at", "case__reference")
    )


def get_entry(*, meeting: Meeting, user: User, entry_id: int) -> PanelEntry:
    entry = (
        meeting.entries.filter(case__in=access.visible_cases(user), pk=entry_id)
        .select_related("case__ward", "case__lead_agency", "referral__referring_agency", "meeting")
        .first()
    )
    if entry is None:
        raise Http404("No panel list entry found")
    return entry


def entry_research(entry: PanelEntry, *, user: User) -> QuerySet[ResearchResponse]:
    research = entry.research.select_related("agency", "responded_by")
    if not sees_all_marac(user):
        research = research.filter(agency=access.agency_of(user))
    return research


def review_for(entry: PanelEntry) -> CaseReview | None:
    return CaseReview.objects.filter(entry=entry).select_related("recorded_by").first()


def review_actions(review: CaseReview) -> list[Action]:
    return list(
        Action.objects.filter(marac_link__review=review).select_related("owner_agency", "owner").order_by("due_date")
    )


@dataclass
class ResearchProgress:
    agency: str
    requested: int
    outstanding: int


def research_progress(meeting: Meeting) -> list[ResearchProgress]:
    """Which agencies have not yet researched the listed cases (counts only, for the coordinator)."""
    rows = (
        ResearchResponse.objects.filter(entry__meeting=meeting)
        .values("agency__name")
        .annotate(requested=Count("pk"), outstanding=Count("pk", filter=Q(status=ResearchStatus.REQUESTED)))
        .order_by("-outstanding", "agency__name")
    )
    return [ResearchProgress(r["agency__name"], r["requested"], r["outstanding"]) for r in rows]


def addable_referrals(*, meeting: Meeting, user: User, today: date | None = None) -> QuerySet[Referral]:
    """Cases on the MARAC that the coordinator could add to this draft list by hand."""
    return eligible_referrals(meeting, today=today or timezone.localdate()).filter(case__in=access.visible_cases(user))


# --- referrals -------------------------------------------------------------------------------------


def referral_list(*, user: User, status: str = "") -> QuerySet[Referral]:
    """The coordinator sees every referral; other agencies see their own agency's, on cases they can see."""
    referrals = Referral.objects.filter(case__in=access.visible_cases(user)).select_related(
        "case__ward", "referring_agency", "referred_by"
    )
    if not sees_all_marac(user):
        referrals = referrals.filter(referring_agency=access.agency_of(user))
    if status:
        referrals = referrals.filter(status=status)
    return referrals.order_by("-referred_at", "-id")


def awaiting_screening(*, user: User) -> QuerySet[Referral]:
    return referral_list(user=user, status=ReferralStatus.SUBMITTED).order_by("referred_at", "id")


def get_referral(*, user: User, referral_id: int) -> Referral:
    referral = (
        Referral.objects.filter(case__in=access.visible_cases(user), pk=referral_id)
        .select_related(
            "case__ward",
            "case__lead_agency",
            "referring_agency",
            "referred_by",
            "screened_by",
            "previous_referral",
            "closed_at_meeting",
        )
        .first()
    )
    if referral is None:
        raise Http404("No referral found")
    return referral


@dataclass
class VictimRecord:
    """A referred victim as the person index knows them: their page and on how many cases the user sees them."""

    person_id: int
    name: str
    cases: int


def victim_records(*, referral: Referral, user: User) -> list[VictimRecord]:
    """The victims of the referred case the user may identify (casework.access), with their existing records.

    A referral names a case, never a person, so there is nothing to match: the victim is already a party in the
    person index, and who they are elsewhere (other cases, repeat flags) is on their person page."""
    parties = (
        access.identified_parties(user)
        .filter(case=referral.case_id, role=PartyRole.VICTIM, person__isnull=False)
        .select_related("person")
        .order_by("id")
    )
    victims = {party.person_id: str(party.person) for party in parties if party.person_id is not None}
    counts: dict[int, int] = dict(
        access.identified_parties(user)
        .filter(person__in=list(victims))
        .values_list("person")
        .annotate(n=Count("case", distinct=True))
    )
    return [VictimRecord(person_id=pk, name=name, cases=counts.get(pk, 0)) for pk, name in victims.items()]


def referral_history(referral: Referral) -> QuerySet[CaseReview]:
    """Every review of this MARAC episode, oldest first, for the referral page."""
    return referral.reviews.select_related("meeting").order_by("meeting__date")


# --- actions ---------------------------------------------------------------------------------------


def marac_actions(*, user: User, today: date | None = None, overdue_only: bool = False) -> QuerySet[Action]:
    """Open MARAC actions on cases the user may see; other agencies see only those their agency owns."""
    today = today or timezone.localdate()
    actions = Action.objects.filter(
        case__in=access.visible_cases(user), marac_link__isnull=False, status__in=OPEN_ACTION_STATUSES
    ).select_related("case", "owner_agency", "owner", "marac_link__meeting")
    if not sees_all_marac(user):
        actions = actions.filter(owner_agency=access.agency_of(user))
    if overdue_only:
        actions = actions.filter(due_date__lt=today)
    return actions.order_by("due_date", "id")


def overdue_actions_by_agency(*, user: User, today: date | None = None) -> list[tuple[str, int]]:
    rows = (
        marac_actions(user=user, today=today, overdue_only=True)
        .order_by()
        .values("owner_agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_agency__name")
    )
    return [(r["owner_agency__name"], r["n"]) for r in rows]


def get_marac_action(*, user: User, action_id: int) -> Action:
    action = (
        Action.objects.filter(case__in=access.visible_cases(user), marac_link__isnull=False, pk=action_id)
        .select_related("case", "owner_agency")
        .first()
    )
    if action is None:
        raise Http404("No action found")
    return action


# --- research --------------------------------------------------------------------------------------


def research_requests(*, user: User) -> QuerySet[ResearchResponse]:
    """Research asked of the user's agency for meetings not yet held, on cases it can see."""
    agency = access.agency_of(user)
    if agency is None:
        return ResearchResponse.objects.none()
    return (
        ResearchResponse.objects.filter(
            agency=agency,
            entry__case__in=access.visible_cases(user),
            entry__meeting__status__in=UPCOMING_STATUSES,
        )
        .select_related("entry__meeting", "entry__case__ward", "entry__case__lead_agency")
        .order_by("status", "entry__meeting__date", "entry__risk_rank", "id")
    )


def get_research_request(*, user: User, response_id: int) -> ResearchResponse:
    response = (
        ResearchResponse.objects.filter(
            pk=response_id, agency=access.agency_of(user), entry__case__in=access.visible_cases(user)
        )
        .select_related("entry__meeting", "entry__case__ward", "entry__case__lead_agency", "agency")
        .first()
    )
    if response is None:
        raise Http404("No research request found")
    return response


# --- minutes ---------------------------------------------------------------------------------------


def can_read_minutes(meeting: Meeting, user: User) -> bool:
    """Draft minutes are for the coordinator, managers, auditors and the chair; approved ones for every
    invited agency."""
    if meeting.status == MeetingStatus.MINUTES_APPROVED:
        return True
    if meeting.status == MeetingStatus.HELD:
        return sees_all_marac(user) or meeting.chair_id == getattr(user, "pk", None)
    return False


@dataclass
class Minutes:
    meeting: Meeting
    attendances: list[Attendance]
    reviews: list[CaseReview]
    not_heard: list[PanelEntry]


def minutes(*, meeting: Meeting, user: User) -> Minutes:
    """The minutes, built from the reviews: only the cases this user may see."""
    visible = access.visible_cases(user)
    actions = MaracAction.objects.select_related("action__owner_agency", "action__owner").order_by(
        "action__due_date", "pk"
    )
    reviews = list(
        meeting.reviews.filter(case__in=visible)
        .select_related("case__ward", "case__lead_agency", "entry")
        .prefetch_related(Prefetch("action_links", queryset=actions))
        .order_by("entry__risk_rank", "entry__reason_rank", "case__reference")
    )
    not_heard = list(
        meeting.entries.filter(case__in=visible, review__isnull=True).select_related("case").order_by("case__reference")
    )
    return Minutes(meeting, list(attendances_for(meeting)), reviews, not_heard)


# --- overview and statistics ----------------------------------------------------------------------


@dataclass
class Overview:
    next_meeting: Meeting | None
    awaiting_screening: list[Referral]
    awaiting_screening_count: int
    research: list[ResearchProgress]
    research_outstanding: int
    my_research_outstanding: int
    overdue_by_agency: list[tuple[str, int]]
    overdue_count: int


def overview(*, user: User, today: date | None = None) -> Overview:
    """The coordinator's front page: next meeting, screening queue, research and overdue actions."""
    today = today or timezone.localdate()
    upcoming = next_meeting(user=user, today=today)
    screening = awaiting_screening(user=user) if sees_all_marac(user) else Referral.objects.none()
    research = research_progress(upcoming) if upcoming is not None and sees_all_marac(user) else []
    overdue = overdue_actions_by_agency(user=user, today=today)
    return Overview(
        next_meeting=upcoming,
        awaiting_screening=list(screening[:10]),
        awaiting_screening_count=screening.count(),
        research=research,
        research_outstanding=sum(r.outstanding for r in research),
        my_research_outstanding=research_requests(user=user).filter(status=ResearchStatus.REQUESTED).count(),
        overdue_by_agency=overdue,
        overdue_count=sum(n for _, n in overdue),
    )


def chair_choices() -> QuerySet:
    """People who may chair: active users who can open MARAC meetings."""
    perm = Q(groups__permissions__codename="view_meeting", groups__permissions__content_type__app_label="marac")
    return (
        get_user_model()
        .objects.filter(perm, is_active=True, membership__isnull=False)
        .distinct()
        .order_by("first_name", "last_name")
    )


def invitable_agencies(meeting: Meeting) -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).exclude(marac_attendances__meeting=meeting)


@dataclass
class MeetingStatistics:
    """One column of seed 003 Table 1."""

    meeting_id: int
    date: date
    heard: int
    new: int
    closed: int


def may_read_statistics(user: User) -> bool:
    """Meeting dates and counts are MARAC business (issue #22): the agencies that sit on the MARAC
    (CORE_AGENCIES) and those who read every case (managers, auditors); not every partner."""
    if not _active(user):
        return False
    if access.sees_all_cases(user):
        return True
    agency = access.agency_of(user)
    return (
        access.has_permission(user, "marac.view_meeting")
        and agency is not None
        and agency.short_name in marac_setting("CORE_AGENCIES")
    )


_may_read_statistics = may_read_statistics


def cases_per_meeting(*, user: User, start: date, end: date) -> list[MeetingStatistics]:
    """For each meeting held between start and end (inclusive): cases heard, new and closed (one query).

    Heard = cases reviewed at the meeting; new = first hearing of a referral; closed = closed from the MARAC.
    """
    if not _may_read_statistics(user):
        return []
    rows = (
        Meeting.objects.filter(status__in=HELD_STATUSES, date__gte=start, date__lte=end)
        .annotate(
            heard=Count("reviews"),
            new=Count("reviews", filter=Q(reviews__is_new=True)),
            closed=Count("reviews", filter=Q(reviews__next_step=NextStep.CLOSE)),
        )
        .order_by("date", "id")
        .values_list("pk", "date", "heard", "new", "closed")
    )
    return [MeetingStatistics(*row) for row in rows]


@dataclass
class PeriodStatistics:
    meetings: int
    heard: int
    new: int
    closed: int

    def _average(self, total: int) -> float:
        return round(total / self.meetings, 2) if self.meetings else 0.0

    @property
    def average_heard(self) -> float:
        return self._average(self.heard)

    @property
    def average_new(self) -> float:
        return self._average(self.new)

    @property
    def average_closed(self) -> float:
        return self._average(self.closed)


def period_statistics(*, user: User, start: date, end: date) -> PeriodStatistics:
    """Totals and averages per meeting over a period (two aggregate queries)."""
    if not _may_read_statistics(user):
        return PeriodStatistics(0, 0, 0, 0)
    held = Meeting.objects.filter(status__in=HELD_STATUSES, date__gte=start, date__lte=end)
    totals = CaseReview.objects.filter(meeting__in=held).aggregate(
        heard=Count("pk"),
        new=Count("pk", filter=Q(is_new=True)),
        closed=Count("pk", filter=Q(next_step=NextStep.CLOSE)),
    )
    return PeriodStatistics(held.count(), totals["heard"], totals["new"], totals["closed"])


def open_marac_cases_count(*, user: User) -> int:
    return Referral.objects.filter(case__in=access.visible_cases(user), status=ReferralStatus.ACCEPTED).count()

"""CS MARAC demo data on top of the casework demo, built through the services.

Three meetings already held (research, reviews, actions, closures, approved minutes), a meeting on the
latest working day ready for the coordinator to run (referrals waiting to be screened), and the next
meetings of the 6-weekly cycle. Idempotent: nothing is added once any meeting exists.

A meeting cannot be recorded as held before its date, so to run a second cycle in a demo straight
after the first, move the next meeting to today (Meeting > Change the arrangements).
"""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from casework import access
from casework.calendar import is_working_day
from casework.models import Agency, CaseStatus, LegalBasis

from . import services
from .models import Meeting, NextStep, ResearchResponse

REASONS = [
    "Persistent intimidation of an elderly resident; she no longer leaves her flat after dark.",
    "Repeated threats and damage to the victim's door; several agencies involved, nothing has stopped it.",
    "Cuckooing suspected: a vulnerable tenant's flat used for drug dealing, visitors at all hours.",
    "Racially aggravated abuse of a family by neighbours over more than a year.",
    "Noise and abuse from an upstairs flat; the victim has mental health needs and is at risk of crisis.",
    "Group of youths targeting a disabled resident; eggs thrown, windows broken.",
]
TRIED = "Warning letters, joint visits with the police, a CPN written warning and an acceptable behaviour contract."
DECISIONS = [
    "Police to increase patrols; Barnet Homes to consider a tenancy warning; Victim Support to contact the victim.",
    "Joint visit to the person causing harm; refer to mental health services for assessment.",
    "Apply for a closure order if another incident is reported; victim offered a sanctuary scheme.",
]


def _last_working_day(day):
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def _aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def load(*, stdout=None) -> None:
    say = stdout.write if stdout else (lambda _msg: None)
    if Meeting.objects.exists():
        say("CS MARAC demo: already loaded\n")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__in=_USERNAMES)}
    if "coordinator" not in users or not Agency.objects.filter(short_name="lbb-community-safety").exists():
        say("CS MARAC demo: skipped (load the casework demo first)\n")
        return
    with transaction.atomic():
        made = _build(users, random.Random(2026))
    say(f"CS MARAC demo: {made['meetings']} meetings, {made['referrals']} referrals, {made['reviews']} reviews\n")


_USERNAMES = ("coordinator", "manager", "officer", "officer2", "housing", "police", "probation", "victimsupport")


def _build(users, rng) -> dict[str, int]:
    coordinator, manager = users["coordinator"], users["manager"]
    quiet = get_connection("django.core.mail.backends.dummy.EmailBackend")  # no emails for the past
    today = timezone.localdate()
    current = _last_working_day(today)
    meetings = services.schedule_meetings(by=coordinator, first=current - timedelta(weeks=18), count=5)
    past = meetings[:3]
    for meeting in past:  # the community safety manager chaired the past meetings
        services.update_meeting(
            meeting=meeting,
            by=coordinator,
            expected_version=meeting.version,
            on=meeting.date,
            start=meeting.start_time,
            venue=meeting.venue,
            is_online=False,
            chair=manager,
        )
    services.keep_schedule_ahead(by=coordinator, today=today)

    candidates = list(
        access.visible_cases(coordinator)
        .filter(lead_agency__short_name__in=["lbb-community-safety", "barnet-homes"])
        .exclude(status=CaseStatus.CLOSED)
        .select_related("lead_agency")
        .order_by("opened_at")[:30]
    )
    referrals, reviews = 0, 0

    def refer(case, on):
        nonlocal referrals
        referrer = users["housing"] if case.lead_agency.short_name == "barnet-homes" else users["officer"]
        referrals += 1
        return services.refer_case(
            case=case,
            by=referrer,
            reason=rng.choice(REASONS),
            risk_level=rng.choice(["high", "high", "medium", "standard"]),
            actions_tried=TRIED,
            consent=rng.choice(["given", "given", "not_given"]),
            legal_basis=LegalBasis.CDA_S115,
            referred_at=_aware(on),
        )

    pool = iter(candidates)
    for index, meeting in enumerate(past):
        for _ in range(6 if index == 0 else 3):
            case = next(pool, None)
            if case is not None:
                services.accept_referral(referral=refer(case, meeting.date - timedelta(days=14)), by=coordinator)
        services.generate_panel_list(meeting=meeting, by=coordinator, today=meeting.date)
        _research(meeting, users)
        services.publish_panel_list(meeting=meeting, by=coordinator, mail_connection=quiet)
        for attendance in meeting.attendances.select_related("agency"):
            services.record_attendance(
                meeting=meeting,
                by=coordinator,
                agency=attendance.agency,
                status=rng.choice(["present", "present", "present", "apologies"]),
            )
        for entry in meeting.entries.select_related("case", "referral"):
            close = index > 0 and rng.random() < 0.3
            review = services.record_case_review(
                entry=entry,
                by=coordinator,
                discussion="Each agency shared what its records hold; the victim's views were reported.",
                decisions=rng.choice(DECISIONS),
                risk_level=entry.risk_level,
                next_step=NextStep.CLOSE if close else NextStep.CONTINUE,
                closure_reason="No incidents since the last meeting; the victim feels safe" if close else "",
            )
            reviews += 1
            if not close:
                _actions(review, meeting, rng, coordinator, users, past_meeting=index < len(past) - 1)
        services.mark_meeting_held(meeting=meeting, by=coordinator)
        services.approve_minutes(meeting=meeting, by=manager)

    # The meeting the coordinator runs next: referrals to screen, one waiting on more information.
    waiting = [next(pool, None) for _ in range(4)]
    waiting = [case for case in waiting if case is not None]
    for case in waiting[:3]:
        refer(case, current - timedelta(days=rng.randint(2, 10)))
    if len(waiting) > 3:
        services.request_more_information(
            referral=refer(waiting[3], current - timedelta(days=12)),
            by=coordinator,
            request="How many incidents has the victim reported in the last three months?",
        )
    return {"meetings": Meeting.objects.count(), "referrals": referrals, "reviews": reviews}


def _research(meeting, users) -> None:
    """Most agencies research before the meeting; a few requests stay outstanding."""
    for username in ("housing", "police", "probation", "victimsupport"):
        user = users.get(username)
        if user is None:
            continue
        requests = ResearchResponse.objects.filter(entry__meeting=meeting, agency=access.agency_of(user))
        for response in requests.order_by("pk")[:4]:
            services.record_research(
                response=response,
                by=user,
                holds_information=response.pk % 2 == 0,
                findings="Two calls about this address in the last three months." if response.pk % 2 == 0 else "",
            )


def _actions(review, meeting, rng, coordinator, users, *, past_meeting: bool) -> None:
    """One or two SMART actions for agencies that see the case; older ones mostly done, a few overdue."""
    seeing = services.agencies_seeing([review.case_id]).get(review.case_id, set())
    owners = list(Agency.objects.filter(pk__in=seeing).order_by("name"))
    for owner in rng.sample(owners, k=min(len(owners), rng.choice([1, 2]))):
        action = services.add_marac_action(
            review=review,
            by=coordinator,
            description=rng.choice(
                [
                    "Visit the victim and update the risk assessment",
                    "Visit the person causing harm and warn about the CPN",
                    "Check tenancy conditions and write to the tenant",
                    "Refer the victim to support services",
                ]
            ),
            owner_agency=owner,
            due_date=meeting.date + timedelta(days=rng.choice([14, 21, 28])),
        )
        if past_meeting and rng.random() < 0.7:
            services.complete_marac_action(action=action, by=coordinator)

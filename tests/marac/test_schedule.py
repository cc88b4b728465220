"""The 6-weekly meeting cycle: generation ahead, bank-holiday moves, editing, who may schedule."""

from datetime import date, time

import pytest

from casework import roles
from casework.errors import EditConflict, InvalidTransition, NotAllowed
from marac import services
from marac.models import Attendance, Meeting, MeetingStatus
from tests.factories import make_member


@pytest.mark.django_db
def test_meetings_are_six_weeks_apart_and_match_the_seed_months(coordinator, core):
    """Seed 003: 8 meetings in 2022/23, none in May, August, December or March."""
    meetings = services.schedule_meetings(by=coordinator, first=date(2022, 4, 28), count=8)
    assert [m.date.strftime("%b-%y") for m in meetings] == [
        "Apr-22",
        "Jun-22",
        "Jul-22",
        "Sep-22",
        "Oct-22",
        "Nov-22",
        "Jan-23",
        "Feb-23",
    ]
    gaps = {(b.scheduled_for - a.scheduled_for).days for a, b in zip(meetings, meetings[1:], strict=False)}
    assert gaps == {42}
    assert all(m.status == MeetingStatus.PLANNED and m.start_time == time(10, 0) for m in meetings)


@pytest.mark.django_db
def test_a_meeting_on_christmas_day_moves_past_boxing_day_and_the_weekend(coordinator, core):
    first, christmas, after = services.schedule_meetings(by=coordinator, first=date(2025, 11, 13), count=3)
    assert christmas.scheduled_for == date(2025, 12, 25)
    assert christmas.date == date(2025, 12, 29)  # Thu 25 and Fri 26 are bank holidays, then the weekend
    # The cycle keeps its rhythm: the move does not push later meetings back.
    assert after.scheduled_for == after.date == date(2026, 2, 5)
    reasons = list(Meeting.history.filter(id=christmas.pk).values_list("history_change_reason", flat=True))
    assert reasons == ["Meeting scheduled (moved from 25 Dec)"]


@pytest.mark.django_db
def test_the_jubilee_bank_holidays_move_a_thursday_meeting_to_monday(coordinator, core):
    meetings = services.schedule_meetings(by=coordinator, first=date(2022, 4, 21), count=2)
    assert meetings[1].scheduled_for == date(2022, 6, 2)
    assert meetings[1].date == date(2022, 6, 6)


@pytest.mark.django_db
def test_core_agencies_are_invited_to_every_generated_meeting(coordinator, core):
    meeting = services.schedule_meetings(by=coordinator, first=date(2026, 2, 5), count=1)[0]
    invited = set(Attendance.objects.filter(meeting=meeting).values_list("agency__short_name", flat=True))
    assert invited == {"lbb", "barnet-homes", "met", "probation"}


@pytest.mark.django_db
def test_keeping_the_schedule_ahead_continues_the_cycle_and_is_idempotent(coordinator, core, marac_settings):
    services.schedule_meetings(by=coordinator, first=date(2025, 9, 4), count=1)
    made = services.keep_schedule_ahead(by=coordinator, today=date(2026, 1, 10))
    # Dates the cycle passed (16 Oct, 27 Nov, 8 Jan) are skipped, never created in the past.
    assert [m.scheduled_for for m in made] == [date(2026, 2, 19), date(2026, 4, 2), date(2026, 5, 14)]
    assert len(made) == marac_settings["MEETINGS_AHEAD"]
    assert services.keep_schedule_ahead(by=coordinator, today=date(2026, 1, 10)) == []
    assert Meeting.objects.count() == 4


@pytest.mark.django_db
def test_a_first_cycle_starts_on_the_configured_weekday(coordinator, core, marac_settings):
    marac_settings["MEETING_WEEKDAY"] = 1  # Tuesday
    made = services.keep_schedule_ahead(by=coordinator, today=date(2026, 3, 4))  # a Wednesday
    assert made[0].date == date(2026, 3, 10)
    assert all(m.date.weekday() == 1 for m in made)


@pytest.mark.django_db
def test_scheduling_twice_does_not_duplicate_meetings(coordinator, core):
    services.schedule_meetings(by=coordinator, first=date(2026, 2, 5), count=2)
    services.schedule_meetings(by=coordinator, first=date(2026, 2, 5), count=3)
    assert Meeting.objects.count() == 3


@pytest.mark.django_db
def test_only_the_coordinator_schedules_and_a_meeting_is_never_moved_onto_a_bank_holiday(
    coordinator, officer, housing_user, core
):
    for outsider in (officer, housing_user):
        with pytest.raises(NotAllowed):
            services.schedule_meetings(by=outsider, first=date(2026, 2, 5), count=1)
    meeting = services.schedule_meetings(by=coordinator, first=date(2026, 2, 5), count=1)[0]
    with pytest.raises(NotAllowed, match="not a working day"):
        services.update_meeting(
            meeting=meeting,
            by=coordinator,
            expected_version=1,
            on=date(2026, 5, 4),
            start=time(10),
            venue="Hendon",
            is_online=False,
        )
    with pytest.raises(NotAllowed):
        services.update_meeting(
            meeting=meeting,
            by=officer,
            expected_version=1,
            on=date(2026, 5, 5),
            start=time(10),
            venue="Hendon",
            is_online=False,
        )
    moved = services.update_meeting(
        meeting=meeting,
        by=coordinator,
        expected_version=meeting.version,
        on=date(2026, 5, 5),
        start=time(14, 30),
        venue="",
        is_online=True,
        joining_details="Teams link in the calendar invite",
        chair=coordinator,
    )
    moved.refresh_from_db()
    assert (moved.date, moved.start_time, moved.is_online, moved.chair) == (
        date(2026, 5, 5),
        time(14, 30),
        True,
        coordinator,
    )
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD)
    with pytest.raises(InvalidTransition, match="held"):
        services.update_meeting(
            meeting=meeting,
            by=coordinator,
            expected_version=2,
            on=date(2026, 5, 6),
            start=time(10),
            venue="Hendon",
            is_online=False,
        )


@pytest.mark.django_db
def test_the_schedule_command_keeps_meetings_ahead_and_refuses_non_coordinators(coordinator, officer, core):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("marac_schedule", "--as", "coordinator", stdout=out)
    assert "3 meeting(s) scheduled" in out.getvalue()
    call_command("marac_schedule", "--as", "coordinator", stdout=out)
    assert Meeting.objects.count() == 3
    with pytest.raises(CommandError, match="coordinator"):
        call_command("marac_schedule", "--as", "officer", stdout=out)


@pytest.mark.django_db
def test_two_coordinators_editing_one_meeting_the_second_is_told(coordinator, council, core):
    """Issue #22 B: a meeting edit from a page opened before someone else's save is refused, not merged."""
    other = make_member(council, roles.MARAC_COORDINATOR, "coordinator2")
    meeting = services.schedule_meetings(by=coordinator, first=date(2026, 2, 5), count=1)[0]
    opened_by_first = Meeting.objects.get(pk=meeting.pk)
    opened_by_second = Meeting.objects.get(pk=meeting.pk)
    arrangements = {"on": date(2026, 2, 5), "start": time(10), "is_online": False}
    services.update_meeting(
        meeting=opened_by_first,
        by=coordinator,
        expected_version=opened_by_first.version,
        venue="Hendon Town Hall",
        **arrangements,
    )
    with pytest.raises(EditConflict, match="Someone else changed this meeting"):
        services.update_meeting(
            meeting=opened_by_second,
            by=other,
            expected_version=opened_by_second.version,
            venue="Colindale",
            **arrangements,
        )
    meeting.refresh_from_db()
    assert meeting.venue == "Hendon Town Hall" and meeting.version == opened_by_first.version + 1
    assert Meeting.history.filter(id=meeting.pk, venue="Colindale").count() == 0

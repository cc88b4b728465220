"""The meeting: reviews, closure, MARAC actions (on the case and on My work), held, minutes approval."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import selectors as casework_selectors
from casework.errors import InvalidTransition, NotAllowed
from casework.models import Action, ActionStatus
from marac import selectors, services
from marac.models import MeetingStatus, NextStep, ReferralStatus
from tests.factories import AgencyFactory, CaseFactory, MaracReferralFactory, make_marac_meeting
from tests.marac.conftest import last_working_day


@pytest.fixture
def listed(case, officer, coordinator, today_meeting):
    """The fixture case on the MARAC and on today's published panel list."""
    referral = MaracReferralFactory(case=case, by=officer, accept_by=coordinator)
    services.generate_panel_list(meeting=today_meeting, by=coordinator)
    services.publish_panel_list(meeting=today_meeting, by=coordinator)
    return today_meeting.entries.get(referral=referral)


def review(entry, by, **changes):
    fields = {
        "discussion": "Police and housing shared recent incidents.",
        "decisions": "Joint visit; consider a CPN.",
        "risk_level": "high",
        "next_step": NextStep.CONTINUE,
    }
    fields.update(changes)
    return services.record_case_review(entry=entry, by=by, **fields)


@pytest.mark.django_db
def test_a_review_is_recorded_once_and_marks_the_first_hearing_as_new(listed, coordinator, officer):
    with pytest.raises(NotAllowed):
        review(listed, officer)
    first = review(listed, coordinator)
    assert first.is_new is True
    with pytest.raises(InvalidTransition, match="already been recorded"):
        review(listed, coordinator)


@pytest.mark.django_db
def test_a_case_is_not_reviewed_before_its_list_is_published(case, officer, coordinator, today_meeting):
    MaracReferralFactory(case=case, by=officer, accept_by=coordinator)
    entry = services.generate_panel_list(meeting=today_meeting, by=coordinator)[0]
    with pytest.raises(InvalidTransition, match="published"):
        review(entry, coordinator)


@pytest.mark.django_db
def test_closing_from_the_marac_needs_a_reason_and_ends_the_episode(listed, coordinator):
    with pytest.raises(NotAllowed, match="reason for closing"):
        review(listed, coordinator, next_step=NextStep.CLOSE)
    with pytest.raises(NotAllowed, match="escalated"):
        review(listed, coordinator, next_step=NextStep.ESCALATE)
    review(listed, coordinator, next_step=NextStep.CLOSE, closure_reason="Perpetrator evicted; victim safe")
    referral = listed.referral
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CLOSED
    assert referral.closed_on == listed.meeting.date and referral.closed_at_meeting == listed.meeting
    assert referral.closure_reason == "Perpetrator evicted; victim safe"
    assert listed.case.status != "closed"  # the ASB case itself stays with its lead agency


@pytest.mark.django_db
def test_marac_actions_go_on_the_case_action_plan_and_the_owner_agencys_my_work(
    listed, coordinator, police, police_user, housing_user, client
):
    heard = review(listed, coordinator)
    due = timezone.localdate() + timedelta(days=14)
    action = services.add_marac_action(
        review=heard, by=coordinator, description="Visit the person causing harm", owner_agency=police, due_date=due
    )
    assert list(casework_selectors.actions_for(listed.case)) == [action]
    (on_my_work,) = casework_selectors.my_work(user=police_user).agency_actions
    assert on_my_work == action and on_my_work.source_label == "MARAC"
    assert action.marac_link.meeting == listed.meeting
    client.force_login(police_user)
    page = client.get("/").content.decode()
    assert "Visit the person causing harm" in page and ">MARAC</strong>" in page
    lfb = AgencyFactory(name="London Fire Brigade", short_name="lfb")
    with pytest.raises(NotAllowed, match="cannot see this case"):
        services.add_marac_action(review=heard, by=coordinator, description="x", owner_agency=lfb, due_date=due)
    assert listed.case.actions.count() == 1
    with pytest.raises(NotAllowed, match="Only Metropolitan Police"):
        services.complete_marac_action(action=action, by=housing_user)
    services.complete_marac_action(action=action, by=police_user)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.completed_at is not None


@pytest.mark.django_db
def test_overdue_marac_actions_are_counted_per_agency(listed, coordinator, police, barnet_homes, police_user):
    heard = review(listed, coordinator)
    yesterday = timezone.localdate() - timedelta(days=1)
    for owner in (police, police, barnet_homes):
        services.add_marac_action(
            review=heard, by=coordinator, description="Overdue", owner_agency=owner, due_date=yesterday
        )
    services.add_marac_action(
        review=heard, by=coordinator, description="Not due", owner_agency=police, due_date=yesterday + timedelta(9)
    )
    assert selectors.overdue_actions_by_agency(user=coordinator) == [("Metropolitan Police", 2), ("Barnet Homes", 1)]
    # A partner chases its own agency's actions only.
    assert selectors.overdue_actions_by_agency(user=police_user) == [("Metropolitan Police", 2)]
    # An ordinary casework action is not a MARAC action.
    from casework import services as casework_services

    casework_services.add_action(
        case=listed.case, by=coordinator, description="Not MARAC", owner_agency=police, due_date=yesterday
    )
    assert selectors.marac_actions(user=coordinator, overdue_only=True).count() == 3
    assert Action.objects.filter(case=listed.case, due_date=yesterday).count() == 4


@pytest.mark.django_db
def test_a_meeting_is_held_then_its_minutes_approved_by_the_chair_only(listed, coordinator, officer, manager):
    meeting = listed.meeting
    review(listed, coordinator)
    with pytest.raises(InvalidTransition, match="cannot become minutes approved"):
        services.approve_minutes(meeting=meeting, by=coordinator)
    services.mark_meeting_held(meeting=meeting, by=coordinator, minutes_notes="AOB: none")
    with pytest.raises(InvalidTransition, match="already held"):
        services.mark_meeting_held(meeting=meeting, by=coordinator)
    meeting.refresh_from_db()
    meeting.chair = manager
    meeting.save()
    with pytest.raises(NotAllowed, match="Only the chair"):
        services.approve_minutes(meeting=meeting, by=coordinator)
    approved = services.approve_minutes(meeting=meeting, by=manager)
    assert approved.status == MeetingStatus.MINUTES_APPROVED and approved.minutes_approved_by == manager
    with pytest.raises(InvalidTransition):
        services.record_attendance(meeting=meeting, by=coordinator, agency=listed.case.lead_agency, status="present")


@pytest.mark.django_db
def test_a_meeting_cannot_be_held_before_its_date(case, officer, coordinator, core):
    future = make_marac_meeting(by=coordinator, on=last_working_day() + timedelta(weeks=2))
    MaracReferralFactory(case=case, by=officer, accept_by=coordinator)
    services.generate_panel_list(meeting=future, by=coordinator)
    services.publish_panel_list(meeting=future, by=coordinator)
    with pytest.raises(NotAllowed, match="before its date"):
        services.mark_meeting_held(meeting=future, by=coordinator)


@pytest.mark.django_db
def test_minutes_show_each_agency_only_its_cases_and_only_once_approved(
    listed, coordinator, officer, police, police_user, ward
):
    from casework import services as casework_services
    from casework.models import CaseShare

    other = MaracReferralFactory(case=CaseFactory(by=officer, ward=ward), by=officer, accept_by=coordinator)
    meeting = listed.meeting
    # The second case was accepted after publication: add it the way a coordinator would at the meeting.
    from marac.models import Meeting

    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.PLANNED)
    services.add_panel_entry(meeting=meeting, by=coordinator, referral=other)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.PUBLISHED)
    review(listed, coordinator)
    review(meeting.entries.get(referral=other), coordinator)
    share = CaseShare.objects.get(case=other.case, agency=police, revoked_at__isnull=True)
    casework_services.revoke_share(share=share, by=officer, reason="No longer relevant to police")
    services.mark_meeting_held(meeting=meeting, by=coordinator)
    meeting.refresh_from_db()
    assert selectors.can_read_minutes(meeting, coordinator) and not selectors.can_read_minutes(meeting, police_user)
    services.approve_minutes(meeting=meeting, by=coordinator)
    meeting.refresh_from_db()
    assert selectors.can_read_minutes(meeting, police_user)
    assert [r.case for r in selectors.minutes(meeting=meeting, user=police_user).reviews] == [listed.case]
    assert len(selectors.minutes(meeting=meeting, user=coordinator).reviews) == 2


@pytest.mark.django_db
def test_attendance_is_recorded_per_agency(listed, coordinator, police, housing_user):
    services.record_attendance(
        meeting=listed.meeting, by=coordinator, agency=police, status="present", representative="PC Dunne"
    )
    with pytest.raises(NotAllowed):
        services.record_attendance(meeting=listed.meeting, by=housing_user, agency=police, status="absent")
    row = listed.meeting.attendances.get(agency=police)
    assert (row.status, row.representative) == ("present", "PC Dunne")

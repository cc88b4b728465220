"""The panel list: the right cases in the right order, research requests, editing, publishing safely."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from casework import services as casework_services
from casework.errors import InvalidTransition, NotAllowed
from casework.models import CaseShare
from marac import selectors, services
from marac.models import (
    EntryReason,
    Meeting,
    MeetingStatus,
    NextStep,
    PanelEntry,
    PanelListNotification,
    ResearchResponse,
)
from tests.factories import CaseFactory, MaracReferralFactory, make_marac_meeting
from tests.marac.conftest import last_working_day


def _review(meeting, referral, by, *, next_step=NextStep.CONTINUE, risk="medium", **extra):
    entry = PanelEntry.objects.get(meeting=meeting, referral=referral)
    return services.record_case_review(
        entry=entry,
        by=by,
        discussion="Agencies shared what they know.",
        decisions="Continue the joint plan.",
        risk_level=risk,
        next_step=next_step,
        **extra,
    )


@pytest.fixture
def prepared(officer, coordinator, ward, core):
    """Cases in every state a coordinator meets, around a held meeting six weeks ago and the next one."""
    today = timezone.localdate()
    previous = make_marac_meeting(by=coordinator, on=last_working_day(today - timedelta(weeks=6)))
    upcoming = make_marac_meeting(by=coordinator, on=last_working_day(today + timedelta(weeks=1)))

    def on_marac(title, risk="high"):
        case = CaseFactory(by=officer, ward=ward, title=title)
        return MaracReferralFactory(case=case, by=officer, risk_level=risk, accept_by=coordinator)

    overdue = on_marac("Ongoing with an overdue action")
    review = on_marac("Ongoing under review")
    closing = on_marac("Ongoing, closure proposed")
    standard = on_marac("Ongoing, standard risk")
    closed = on_marac("Closed at the last meeting")
    services.generate_panel_list(meeting=previous, by=coordinator)
    services.publish_panel_list(meeting=previous, by=coordinator)
    heard = _review(previous, overdue, coordinator, risk="high")
    services.add_marac_action(
        review=heard,
        by=coordinator,
        description="Police to visit the person causing harm",
        owner_agency=core[2],
        due_date=today - timedelta(days=3),
    )
    _review(previous, review, coordinator, risk="medium")
    _review(previous, closing, coordinator, risk="standard")
    _review(previous, standard, coordinator, risk="standard")
    _review(previous, closed, coordinator, next_step=NextStep.CLOSE, closure_reason="Perpetrator moved away")
    services.mark_meeting_held(meeting=previous, by=coordinator)
    services.propose_closure(referral=closing, by=coordinator, proposal="Quiet for six weeks")

    new_high = on_marac("New, high risk")
    new_medium = on_marac("New, medium risk", risk="medium")
    new_high_later = on_marac("New, high risk, accepted later")
    waiting = MaracReferralFactory(case=CaseFactory(by=officer, ward=ward, title="Awaiting screening"), by=officer)
    declined = MaracReferralFactory(case=CaseFactory(by=officer, ward=ward, title="Declined"), by=officer)
    services.decline_referral(referral=declined, by=coordinator, reason="Does not meet the criteria")
    return {
        "previous": previous,
        "upcoming": upcoming,
        "expected": [new_high, new_high_later, overdue, new_medium, review, standard, closing],
        "excluded": [closed, waiting, declined],
    }


@pytest.mark.django_db
def test_the_panel_list_holds_exactly_the_due_cases_ordered_by_risk(prepared, coordinator):
    meeting = prepared["upcoming"]
    services.generate_panel_list(meeting=meeting, by=coordinator)
    entries = selectors.panel_list(meeting=meeting, user=coordinator)
    assert [e.referral for e in entries] == prepared["expected"]
    assert [(e.risk_level, e.reason) for e in entries] == [
        ("high", EntryReason.NEW),
        ("high", EntryReason.NEW),
        ("high", EntryReason.OVERDUE_ACTIONS),
        ("medium", EntryReason.NEW),
        ("medium", EntryReason.REVIEW),
        ("standard", EntryReason.REVIEW),
        ("standard", EntryReason.PROPOSED_CLOSURE),
    ]
    assert entries[2].overdue_actions == 1
    assert "Last decisions: Continue the joint plan." in entries[2].summary
    assert "Closure proposed: Quiet for six weeks" in entries[6].summary
    listed_cases = {e.case_id for e in entries}
    assert not listed_cases & {r.case_id for r in prepared["excluded"]}


@pytest.mark.django_db
def test_research_is_requested_from_each_invited_agency_that_sees_the_case(prepared, coordinator):
    meeting = prepared["upcoming"]
    entries = services.generate_panel_list(meeting=meeting, by=coordinator)
    requested = set(
        ResearchResponse.objects.filter(entry__meeting=meeting).values_list("entry_id", "agency__short_name")
    )
    # The council leads every case here, so its own records are the case: the other three research it.
    assert requested == {(e.pk, agency) for e in entries for agency in ("barnet-homes", "met", "probation")}
    progress = {row.agency: row.outstanding for row in selectors.research_progress(meeting)}
    assert progress == {"Barnet Homes": 7, "Metropolitan Police": 7, "Probation Service": 7}


@pytest.mark.django_db
def test_research_is_recorded_by_the_agency_itself(prepared, coordinator, police_user, housing_user):
    meeting = prepared["upcoming"]
    services.generate_panel_list(meeting=meeting, by=coordinator)
    police_request = selectors.research_requests(user=police_user).first()
    with pytest.raises(NotAllowed, match="Only Metropolitan Police"):
        services.record_research(response=police_request, by=housing_user, holds_information=False, findings="")
    with pytest.raises(NotAllowed, match="Say what"):
        services.record_research(response=police_request, by=police_user, holds_information=True, findings=" ")
    services.record_research(
        response=police_request, by=police_user, holds_information=True, findings="Three CAD calls in May"
    )
    progress = {row.agency: row.outstanding for row in selectors.research_progress(meeting)}
    assert progress["Metropolitan Police"] == 6 and progress["Barnet Homes"] == 7


@pytest.mark.django_db
def test_regenerating_keeps_the_coordinators_edits_and_adds_only_what_became_due(prepared, coordinator, officer, ward):
    meeting = prepared["upcoming"]
    services.generate_panel_list(meeting=meeting, by=coordinator)
    first = selectors.panel_list(meeting=meeting, user=coordinator)
    edited = services.update_panel_entry(
        entry=first[0], by=coordinator, reason=EntryReason.NEW, risk_level="medium", summary="Edited by hand"
    )
    services.remove_panel_entry(entry=first[-1], by=coordinator)
    late = MaracReferralFactory(
        case=CaseFactory(by=officer, ward=ward, title="Accepted late"), by=officer, accept_by=coordinator
    )
    added = services.generate_panel_list(meeting=meeting, by=coordinator)
    assert {e.referral for e in added} == {late, prepared["expected"][-1]}
    edited.refresh_from_db()
    assert edited.summary == "Edited by hand" and edited.risk_level == "medium"
    assert PanelEntry.objects.filter(meeting=meeting).count() == 8


@pytest.mark.django_db
def test_a_case_waiting_on_one_upcoming_list_is_not_put_on_another(prepared, coordinator):
    services.generate_panel_list(meeting=prepared["upcoming"], by=coordinator)
    later = make_marac_meeting(by=coordinator, on=prepared["upcoming"].scheduled_for + timedelta(weeks=6))
    assert services.generate_panel_list(meeting=later, by=coordinator) == []


@pytest.mark.django_db
def test_a_published_list_can_no_longer_be_changed(prepared, coordinator):
    meeting = prepared["upcoming"]
    entries = services.generate_panel_list(meeting=meeting, by=coordinator)
    services.publish_panel_list(meeting=meeting, by=coordinator)
    with pytest.raises(InvalidTransition, match="published"):
        services.update_panel_entry(entry=entries[0], by=coordinator, reason="new", risk_level="high", summary="x")
    with pytest.raises(InvalidTransition, match="published"):
        services.remove_panel_entry(entry=entries[0], by=coordinator)
    with pytest.raises(InvalidTransition, match="published"):
        services.generate_panel_list(meeting=meeting, by=coordinator)


@pytest.mark.django_db
def test_publishing_emails_each_invited_agency_without_naming_anyone(
    prepared, coordinator, housing_user, police_user, probation_user
):
    meeting = prepared["upcoming"]
    services.generate_panel_list(meeting=meeting, by=coordinator)
    mail.outbox.clear()
    result = services.publish_panel_list(meeting=meeting, by=coordinator, link="https://casework.example/marac/")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PUBLISHED and meeting.published_by == coordinator
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        [coordinator.email, housing_user.email, police_user.email, probation_user.email, "officer@example.org"]
    )
    for message in mail.outbox:
        assert "ASB-" not in message.body and "Secretname" not in message.body
        assert "https://casework.example/marac/" in message.body
    assert {a.short_name for a in result.notified} == {"lbb", "barnet-homes", "met", "probation"}
    assert result.failed == []


@pytest.mark.django_db
def test_a_failing_email_is_recorded_and_never_loses_the_publish(
    prepared, coordinator, monkeypatch, police, police_user, housing_user, probation_user
):
    meeting = prepared["upcoming"]
    services.generate_panel_list(meeting=meeting, by=coordinator)
    real_send = services.send_mail

    def flaky(subject, body, sender, recipients, **kwargs):
        if "police@example.org" in recipients:
            raise ConnectionRefusedError("mail relay down")
        return real_send(subject, body, sender, recipients, **kwargs)

    monkeypatch.setattr(services, "send_mail", flaky)
    result = services.publish_panel_list(meeting=meeting, by=coordinator)
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PUBLISHED
    assert [(a, "relay down" in error) for a, error in result.failed] == [(police, True)]
    failed = PanelListNotification.objects.get(meeting=meeting, agency=police)
    assert failed.sent is False and "ConnectionRefusedError" in failed.error
    assert PanelListNotification.objects.filter(meeting=meeting, sent=True).count() == 3


@pytest.mark.django_db
def test_a_second_publish_with_an_out_of_date_page_is_refused(prepared, coordinator, officer, core):
    """Two coordinators had the page open; the second one's publish finds it already done."""
    from casework import roles
    from tests.factories import make_member

    second = make_member(core[0], roles.MARAC_COORDINATOR, "coordinator2")
    meeting = prepared["upcoming"]
    services.generate_panel_list(meeting=meeting, by=coordinator)
    stale = Meeting.objects.get(pk=meeting.pk)
    services.publish_panel_list(meeting=meeting, by=coordinator)
    sent = len(mail.outbox)
    with pytest.raises(InvalidTransition, match="already been published by"):
        services.publish_panel_list(meeting=stale, by=second)
    assert len(mail.outbox) == sent
    assert Meeting.objects.get(pk=meeting.pk).published_by == coordinator


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_publishing_at_the_same_moment_publish_once(coordinator, officer, ward, core):
    if connection.vendor != "postgresql":
        pytest.skip("truly concurrent writers need PostgreSQL (SQLite serialises writers itself)")
    from casework import roles
    from tests.factories import make_member

    second = make_member(core[0], roles.MARAC_COORDINATOR, "coordinator2")
    meeting = make_marac_meeting(by=coordinator, on=last_working_day())
    MaracReferralFactory(case=CaseFactory(by=officer, ward=ward), by=officer, accept_by=coordinator)
    services.generate_panel_list(meeting=meeting, by=coordinator)
    barrier = threading.Barrier(2)
    outcomes = []

    def publish(user):
        try:
            barrier.wait()
            services.publish_panel_list(meeting=meeting, by=user)
            outcomes.append("published")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(u,)) for u in (coordinator, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "refused"]
    assert Meeting.history.filter(id=meeting.pk, history_change_reason="Panel list published").count() == 1
    assert PanelListNotification.objects.filter(meeting=meeting).count() == 4


@pytest.mark.django_db
def test_an_agency_sees_only_the_listed_cases_shared_with_it(prepared, coordinator, officer, police_user, police):
    meeting = prepared["upcoming"]
    entries = services.generate_panel_list(meeting=meeting, by=coordinator)
    hidden = entries[0]
    share = CaseShare.objects.get(case=hidden.case, agency=police, revoked_at__isnull=True)
    casework_services.revoke_share(share=share, by=officer, reason="Police no longer involved")
    services.publish_panel_list(meeting=meeting, by=coordinator)
    seen = selectors.panel_list(meeting=meeting, user=police_user)
    assert len(seen) == len(entries) - 1 and hidden.case_id not in {e.case_id for e in seen}
    # Partners see their own research only, never another agency's findings.
    assert all({r.agency_id for r in e.research.all()} == {police.pk} for e in seen)


@pytest.mark.django_db
def test_generation_reads_the_same_number_of_times_for_10_or_60_cases(officer, coordinator, ward, core):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for size in (10, 60):
        meeting = make_marac_meeting(by=coordinator, on=last_working_day() + timedelta(weeks=6 * size))
        for n in range(size if size == 10 else size - 10):
            MaracReferralFactory(
                case=CaseFactory(by=officer, ward=ward, title=f"Case {size}-{n}"), by=officer, accept_by=coordinator
            )
        PanelEntry.objects.all().delete()
        with CaptureQueriesContext(conn) as captured:
            entries = services.generate_panel_list(meeting=meeting, by=coordinator)
        assert len(entries) == size
        # Reads never grow with the list; inserts are bulk (SQLite splits them into batches of ~999 values).
        counts[size] = sum(1 for q in captured.captured_queries if not q["sql"].startswith("INSERT"))
        assert len(captured) <= 16
        Meeting.objects.filter(pk=meeting.pk).delete()
    assert counts[10] == counts[60]

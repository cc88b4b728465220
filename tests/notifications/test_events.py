"""Who is told what: every event of casework, the CS MARAC and the Case Review reaches the right people, the
daily job's reminders come once, digests bundle them, and no email or text ever carries case details."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from casework import roles, services
from casework.models import Address, LegalBasis
from common.dates import govuk_date
from marac import services as marac_services
from notifications import services as notification_services
from notifications.models import AgencyMailbox, Delivery, EmailFrequency, Event, Notification, NotificationPreference
from notifications.reminders import create_reminders
from tests.factories import (
    AgencyFactory,
    MaracReferralFactory,
    TriggerApplicationFactory,
    incident_report,
    make_marac_meeting,
    make_member,
    make_written_warning,
)


@pytest.fixture(autouse=True)
def marac_settings(settings):
    settings.MARAC = {
        "COORDINATING_AGENCY": "lbb",
        "CORE_AGENCIES": ["lbb", "barnet-homes", "met"],
        "CORE_AGENCIES_CAN_CHANGE": True,
        "MEETINGS_AHEAD": 3,
    }


def events_of(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("event", flat=True))


def share(case, agency, by):
    return services.share_case(case=case, agency=agency, legal_basis=LegalBasis.CDA_S115, purpose="Joint", by=by)


@pytest.mark.django_db
def test_an_action_for_an_agency_tells_its_caseworkers_and_its_shared_mailbox(
    case, officer, barnet_homes, housing_user, auditor
):
    AgencyMailbox.objects.create(agency=barnet_homes, email="asb-team@barnethomes.example")
    share(case, barnet_homes, officer)
    services.add_action(
        case=case, by=officer, description="Visit Kevin Loud", owner_agency=barnet_homes, due_date=date(2026, 12, 9)
    )
    assert events_of(housing_user) == [Event.CASE_SHARED, Event.ACTION_ASSIGNED]
    assert Notification.objects.get(user=housing_user, event=Event.ACTION_ASSIGNED).message == (
        f"An action on case {case.reference} has been assigned to Barnet Homes, due 9 December 2026."
    )
    assert Delivery.objects.filter(recipient="asb-team@barnethomes.example").count() == 2
    assert events_of(auditor) == []


@pytest.mark.django_db
def test_an_action_for_a_named_owner_tells_only_them(case, officer, council, coordinator):
    officer2 = make_member(council, roles.ENFORCEMENT_OFFICER, "officer2")
    services.add_action(
        case=case, by=officer, description="x", owner_agency=council, owner=officer2, due_date=date(2026, 12, 9)
    )
    assert events_of(officer2) == [Event.ACTION_ASSIGNED]
    assert events_of(coordinator) == []


@pytest.mark.django_db
def test_marac_referral_screening_research_and_panel_list(
    case, officer, coordinator, council, barnet_homes, police, housing_user, police_user, run_jobs
):
    referral = MaracReferralFactory(case=case, by=officer)
    assert events_of(coordinator) == [Event.MARAC_REFERRAL_RECEIVED]
    marac_services.request_more_information(referral=referral, by=coordinator, request="Dates of incidents?")
    marac_services.provide_more_information(referral=referral, by=officer, information="See incidents tab")
    referral.refresh_from_db()
    marac_services.accept_referral(referral=referral, by=coordinator)
    # Since #20 (decision 0015) the lead is also told the MARAC agencies were given view access only.
    assert events_of(officer) == [
        Event.MARAC_INFORMATION_REQUESTED,
        Event.MARAC_REFERRAL_SCREENED,
        Event.MARAC_SHARED_VIEW_ONLY,
    ]
    assert Notification.objects.filter(user=officer, message__contains="has been accepted").exists()
    assert Event.CASE_SHARED in events_of(police_user)  # accepting shares the case with the core agencies

    today = timezone.localdate()
    meeting = make_marac_meeting(by=coordinator, on=today + timedelta(days=14))
    marac_services.generate_panel_list(meeting=meeting, by=coordinator)
    assert Event.MARAC_RESEARCH_REQUESTED not in events_of(housing_user)  # fanned out by a job...
    run_jobs()
    assert Event.MARAC_RESEARCH_REQUESTED in events_of(housing_user)  # ...once a worker runs it
    research = Notification.objects.get(user=police_user, event=Event.MARAC_RESEARCH_REQUESTED)
    assert research.message.startswith("Metropolitan Police has been asked to research 1 case for the CS MARAC on")
    marac_services.publish_panel_list(meeting=meeting, by=coordinator)
    run_jobs()
    assert Event.MARAC_PANEL_PUBLISHED in events_of(police_user)
    assert not Delivery.objects.filter(event=Event.MARAC_PANEL_PUBLISHED).exists()  # marac emails it already


@pytest.mark.django_db
def test_case_review_application_and_threshold_decision_reach_the_council_staff(council, manager, officer):
    second_manager = make_member(council, roles.COMMUNITY_SAFETY_MANAGER, "manager2")
    today = timezone.localdate()
    application = TriggerApplicationFactory(
        owner_agency=council, incidents=[incident_report(today - timedelta(days=d)) for d in (5, 20, 40)]
    )
    assert events_of(manager) == [Event.TRIGGER_RECEIVED]
    assert events_of(officer) == []  # officers may read applications but do not handle them
    from triggers import services as trigger_services

    trigger_services.record_threshold_decision(application=application, by=manager, met=True, reason="Three reports")
    assert events_of(second_manager) == [Event.TRIGGER_RECEIVED, Event.TRIGGER_THRESHOLD_DECIDED]
    assert events_of(manager) == [Event.TRIGGER_RECEIVED]  # not told about their own decision


@pytest.mark.django_db
def test_the_daily_job_reminds_once_and_sends_one_digest(case, officer, council, smtp_server, run_jobs):
    officer.notification_preference = NotificationPreference.objects.create(
        user=officer, email_frequency=EmailFrequency.DAILY
    )
    today = timezone.localdate()
    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "colleague")
    services.add_action(
        case=case, by=colleague, description="x", owner_agency=council, owner=officer, due_date=today + timedelta(1)
    )
    make_written_warning(case=case, by=officer, compliance_deadline=today + timedelta(days=1))
    assert Delivery.objects.count() == 0  # a daily-digest user gets no email at once

    first = create_reminders(today=today)
    create_reminders(today=today)  # a second run the same day adds nothing
    reminders = Notification.objects.filter(user=officer).exclude(event=Event.ACTION_ASSIGNED)
    assert first >= 2 and reminders.count() == 2
    assert set(reminders.values_list("event", flat=True)) == {Event.ACTION_DUE, Event.ENFORCEMENT_DEADLINE}

    assert notification_services.send_digests(today=today) == 1
    assert notification_services.send_digests(today=today) == 0
    run_jobs()
    [digest] = smtp_server.wait_for(1)
    body = digest.get_payload()
    assert "You have 3 new notifications" in body and case.reference in body
    assert "Kevin" not in body and "Loud" not in body


@pytest.mark.django_db
def test_no_email_or_text_ever_carries_a_name_an_address_or_the_narrative(
    case, officer, coordinator, council, barnet_homes, police, housing_user, police_user, manager, smtp_server, run_jobs
):
    """Everything that can happen, then every message the SMTP server received is read for case details."""
    address = Address.objects.create(line1="14 Secret Gardens", postcode="NW9 7ZZ", ward=case.ward)
    services.update_case(case=case, by=officer, expected_version=case.version, address=address)
    AgencyMailbox.objects.create(agency=police, email="asb@met.example")
    NotificationPreference.objects.create(user=police_user, email_frequency=EmailFrequency.DAILY)
    today = timezone.localdate()
    share(case, barnet_homes, officer)
    services.add_action(
        case=case,
        by=officer,
        description="Speak to Maria Secretname at 14 Secret Gardens",
        owner_agency=barnet_homes,
        due_date=today + timedelta(days=1),
    )
    referral = MaracReferralFactory(case=case, by=officer, accept_by=coordinator)
    meeting = make_marac_meeting(by=coordinator, on=today + timedelta(days=14))
    marac_services.generate_panel_list(meeting=meeting, by=coordinator)
    make_written_warning(case=case, by=officer, compliance_deadline=today)
    application = TriggerApplicationFactory(
        owner_agency=council,
        applicant_name="Dorothy Applicantname",
        problem_description="Dealing from 14 Secret Gardens every night",
        incidents=[incident_report(today - timedelta(days=d)) for d in (5, 20, 40)],
    )
    from triggers import services as trigger_services

    trigger_services.record_threshold_decision(application=application, by=manager, met=False, reason="One report")
    services.revoke_share(share=case.shares.get(agency=barnet_homes), by=officer, reason="Tenancy ended")
    create_reminders(today=today)
    notification_services.send_digests(today=today)
    run_jobs()

    messages = smtp_server.wait_for(Delivery.objects.count())
    assert len(messages) == Delivery.objects.count() >= 8
    events = set(Delivery.objects.values_list("event", flat=True))
    assert {Event.CASE_SHARED, Event.ACTION_ASSIGNED, Event.MARAC_REFERRAL_RECEIVED, Event.DIGEST} <= events
    secrets = [
        "Maria",
        "Secretname",
        "Kevin",
        "Loud",
        "07700 900123",
        "Secret Gardens",
        "NW9 7ZZ",
        "Intimidation",
        case.title,
        "Dorothy",
        "Applicantname",
        "Dealing from",
        referral.reason[:20],
        "Watling",
        "amplified",
    ]
    for message in messages:
        text = message.as_string()
        leaked = [s for s in secrets if s.lower() in text.lower()]
        assert not leaked, f"{leaked} in an email to {message.envelope_to}: {message['Subject']}"
    assert AgencyFactory  # (factories imported for the fixtures' sake)


@pytest.mark.django_db
def test_orders_and_pspos_ending_within_28_days_are_reminded_once(case, officer, council):
    from tests.factories import make_closure_order, make_pspo

    today = timezone.localdate()
    order = make_closure_order(case=case, by=officer, ends_on=today + timedelta(days=20))
    make_pspo(by=officer, in_force_from=today - timedelta(days=1000), expires_on=today + timedelta(days=27))
    make_pspo(by=officer, in_force_from=today - timedelta(days=900), expires_on=today + timedelta(days=60))
    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "colleague")
    create_reminders(today=today)
    create_reminders(today=today)
    ending = Notification.objects.filter(user=officer, event=Event.ENFORCEMENT_DEADLINE, message__contains="ends on")
    assert list(ending.values_list("message", flat=True)) == [
        f"A closure order on case {case.reference} ends on {govuk_date(order.ends_on)}."
    ]
    expiring = Notification.objects.filter(user=colleague, message__startswith="A PSPO")
    assert [n.message for n in expiring] == [
        f"A PSPO of LBB Community Safety expires on {govuk_date(today + timedelta(days=27))}."
    ]

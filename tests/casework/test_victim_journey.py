"""The victim's journey (#20): the risk sets priority, response target and review frequency; contact plans and
the contact log; overdue contacts and reviews on the case, on My work and in the daily reminders."""

from datetime import timedelta

import pytest
from django.utils import timezone

from casework import services, victim
from casework.errors import NotAllowed
from casework.models import CaseSchedule, ContactChannel, LegalBasis, PartyRole, VictimContact
from notifications.models import Event, Notification
from notifications.reminders import create_reminders

HIGH = {"self_harm": True}


def _victim(case):
    return case.parties.get(role=PartyRole.VICTIM)


def _assess(case, by, answers=None):
    return services.record_risk_assessment(case=case, by=by, answers=answers or HIGH, repeat_victimisation_count=0)


@pytest.mark.django_db
def test_a_high_risk_assessment_sets_priority_one_contact_in_24_hours_and_a_weekly_review(case, officer):
    assessment = _assess(case, officer)
    schedule = CaseSchedule.objects.get(case=case)
    assert schedule.priority == 1
    assert schedule.response_due_at == assessment.assessed_at + timedelta(hours=24)
    assert schedule.next_contact_due_at == schedule.response_due_at
    assert schedule.next_review_due == timezone.localdate() + timedelta(days=7)
    assert schedule.history.first().history_user == officer


@pytest.mark.django_db
def test_the_table_is_configurable(case, officer, settings):
    settings.CASEWORK = {**settings.CASEWORK, "RISK_RESPONSE": {"standard": {"contact_within_hours": 48}}}
    assessment = _assess(case, officer, answers={"isolated": True})
    schedule = CaseSchedule.objects.get(case=case)
    assert (schedule.priority, schedule.review_every_days) == (3, 28)
    assert schedule.response_due_at == assessment.assessed_at + timedelta(hours=48)


@pytest.mark.django_db
def test_a_logged_contact_moves_the_next_contact_on_by_the_agreed_plan(case, officer):
    _assess(case, officer)
    party = _victim(case)
    victim.set_contact_plan(case=case, party=party, by=officer, every_days=3, channel=ContactChannel.PHONE)
    now = timezone.now()
    victim.log_contact(case=case, party=party, by=officer, contacted_at=now, channel="phone", summary="Update")
    assert CaseSchedule.objects.get(case=case).next_contact_due_at == now + timedelta(days=3)
    contact = VictimContact.objects.get()
    assert contact.contacted_by == officer and contact.agency.short_name == "lbb"


@pytest.mark.django_db
def test_only_someone_who_may_change_the_case_logs_a_contact_and_bad_input_saves_nothing(
    shared_case, officer, housing_user
):
    party = _victim(shared_case)
    with pytest.raises(NotAllowed):
        victim.log_contact(
            case=shared_case, party=party, by=housing_user, contacted_at=timezone.now(), channel="phone", summary="x"
        )
    with pytest.raises(NotAllowed):
        victim.log_contact(
            case=shared_case, party=party, by=officer, contacted_at=timezone.now(), channel="phone", summary=" "
        )
    perpetrator = shared_case.parties.get(role=PartyRole.PERSON_CAUSING_HARM)
    with pytest.raises(NotAllowed):
        victim.log_contact(
            case=shared_case, party=perpetrator, by=officer, contacted_at=timezone.now(), channel="phone", summary="x"
        )
    assert not VictimContact.objects.exists()


@pytest.mark.django_db
def test_a_partner_with_change_rights_logs_a_contact_through_the_victim_tab(client, case, officer, police, police_user):
    services.share_case(
        case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer, can_change=True
    )
    party = _victim(case)
    client.force_login(police_user)
    response = client.post(
        f"/cases/{case.reference}/victim/contacts/add/",
        {
            "party": party.pk,
            "contacted_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "channel": "phone",
            "summary": "Told them about the patrols",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.reference}/victim/").content.decode()
    assert "Told them about the patrols" in page
    assert "Secretname" not in page  # the victim is anonymous to partners


@pytest.mark.django_db
def test_overdue_contact_and_review_show_on_the_case_my_work_and_in_the_daily_reminders(client, case, officer):
    services.update_case(case=case, by=officer, expected_version=case.version, officer=officer)
    _assess(case, officer)
    CaseSchedule.objects.filter(case=case).update(
        next_contact_due_at=timezone.now() - timedelta(days=1), next_review_due=timezone.localdate() - timedelta(1)
    )
    client.force_login(officer)
    summary = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Contact overdue" in summary and "Review overdue" in summary and "Priority 1" in summary
    home = client.get("/").content.decode()
    assert f"Contact the victim: {case.reference}" in home and f"Review the case: {case.reference}" in home
    create_reminders(today=timezone.localdate())
    events = set(Notification.objects.filter(user=officer).values_list("event", flat=True))
    assert {Event.VICTIM_CONTACT_DUE, Event.PROGRESS_REVIEW_DUE} <= events
    create_reminders(today=timezone.localdate())  # run twice: nobody is told twice
    assert Notification.objects.filter(user=officer, event=Event.VICTIM_CONTACT_DUE).count() == 1


@pytest.mark.django_db
def test_recording_a_review_moves_the_next_review_on(case, officer):
    _assess(case, officer)
    later = timezone.now() + timedelta(days=3)
    victim.record_progress_review(case=case, by=officer, notes="Patrols working", reviewed_at=later)
    assert CaseSchedule.objects.get(case=case).next_review_due == timezone.localdate(later) + timedelta(days=7)


@pytest.mark.django_db
def test_my_work_victim_sections_take_constant_queries(client, officer, ward, django_assert_max_num_queries):
    from tests.factories import CaseFactory

    for _ in range(5):
        case = CaseFactory(by=officer, ward=ward, officer=officer)
        _assess(case, officer)
    client.force_login(officer)
    client.get("/")
    with django_assert_max_num_queries(40) as captured:
        client.get("/")
    baseline = len(captured)
    for _ in range(5):
        case = CaseFactory(by=officer, ward=ward, officer=officer)
        _assess(case, officer)
    with django_assert_max_num_queries(baseline):
        client.get("/")


# --- Actions: owner, due date and why an action was not done -------------------------------------------------


def _action(case, by, **kwargs):
    return services.add_action(
        case=case,
        by=by,
        description="Fit a door camera",
        owner_agency=case.lead_agency,
        due_date=timezone.localdate(),
        **kwargs,
    )


@pytest.mark.django_db
def test_closing_an_action_as_not_done_needs_the_kind_of_reason_and_an_explanation(case, officer):
    from casework.errors import InvalidTransition
    from casework.models import ActionStatus, NotDoneReason

    action = _action(case, officer, owner=officer)
    with pytest.raises(InvalidTransition):
        services.set_action_status(action=action, by=officer, status=ActionStatus.CANCELLED)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
    services.set_action_status(
        action=action,
        by=officer,
        status=ActionStatus.CANCELLED,
        not_done_reason=NotDoneReason.NOT_UNDERTAKEN,
        not_done_explanation="The contractor was not booked",
    )
    action.refresh_from_db()
    assert (action.status, action.not_done_reason) == ("cancelled", "not_undertaken")
    assert action.history.first().history_change_reason == "Action not done (not undertaken)"


@pytest.mark.django_db
def test_an_action_owner_must_work_for_the_owning_agency(case, officer, police_user):
    with pytest.raises(NotAllowed):
        _action(case, officer, owner=police_user)


@pytest.mark.django_db
def test_the_not_done_form_records_the_reason_and_the_plan_shows_it(client, case, officer):
    action = _action(case, officer)
    client.force_login(officer)
    url = f"/cases/{case.reference}/actions/{action.pk}/not-done/"
    refused = client.post(url, {"not_done_reason": "not_possible"})
    assert refused.status_code == 200 and "Explain why the action was not done" in refused.content.decode()
    assert client.post(url, {"not_done_reason": "not_possible", "not_done_explanation": "No power"}).status_code == 302
    page = client.get(f"/cases/{case.reference}/actions/").content.decode()
    assert "Not done: not possible" in page and "No power" in page


@pytest.mark.django_db
def test_an_action_is_given_a_named_owner_on_the_form(client, case, officer):
    client.force_login(officer)
    due = timezone.localdate() + timedelta(days=3)
    response = client.post(
        f"/cases/{case.reference}/actions/add/",
        {
            "description": "Visit the victim",
            "owner_agency": case.lead_agency.pk,
            "owner": officer.pk,
            "due_date_0": due.day,
            "due_date_1": due.month,
            "due_date_2": due.year,
        },
    )
    assert response.status_code == 302
    assert case.actions.get().owner == officer


# --- High risk -> CS MARAC; accepted referrals share view only (decision 0015) ---------------------------------


@pytest.fixture
def marac_core(settings, council, barnet_homes, police):
    settings.MARAC = {"COORDINATING_AGENCY": "lbb", "CORE_AGENCIES": ["lbb", "barnet-homes", "met"]}


@pytest.mark.django_db
def test_a_high_risk_case_prompts_a_marac_referral_pre_filled_from_the_case(client, case, officer):
    client.force_login(officer)
    assert "Refer to CS MARAC" not in client.get(f"/cases/{case.reference}/").content.decode()
    _assess(case, officer)
    victim.set_contact_plan(
        case=case, party=_victim(case), by=officer, every_days=7, channel="phone", consents_to_sharing="yes"
    )
    page = client.get(f"/cases/{case.reference}/").content.decode()
    assert "Refer to CS MARAC" in page
    href = f"/marac/referrals/new/?case={case.reference}&amp;risk_level=high&amp;consent=given"
    assert href in page
    form = client.get(href.replace("&amp;", "&")).content.decode()
    assert f'value="{case.reference}"' in form
    flat = " ".join(form.split())
    assert 'value="high" checked="checked"' in flat and 'value="given" checked="checked"' in flat


@pytest.mark.django_db
def test_accepting_a_referral_shares_view_only_and_tells_the_lead_officer_who_grants_change_rights(
    client, marac_core, case, officer, coordinator, police, police_user
):
    from casework import access
    from casework.models import CaseShare
    from marac import services as marac_services
    from tests.factories import MaracReferralFactory

    services.update_case(case=case, by=officer, expected_version=case.version, officer=officer)
    referral = MaracReferralFactory(case=case, by=officer)
    marac_services.accept_referral(referral=referral, by=coordinator)
    share = CaseShare.objects.get(case=case, agency=police, revoked_at__isnull=True)
    assert share.can_change is False
    assert access.can_view(police_user, case) and not access.can_change(police_user, case)
    told = Notification.objects.get(user=officer, event=Event.MARAC_SHARED_VIEW_ONLY)
    assert "Metropolitan Police" in told.message and told.url.endswith("/sharing/")
    # The lead gives the police change rights on the existing share screen.
    client.force_login(officer)
    response = client.post(
        f"/cases/{case.reference}/sharing/add/",
        {"agency": police.pk, "legal_basis": "cda_s115", "purpose": "Police own MARAC actions", "can_change": "on"},
    )
    assert response.status_code == 302
    share.refresh_from_db()
    assert share.can_change and access.can_change(police_user, case)


# --- Second report in six months: tell the victim about the ASB Case Review ------------------------------------


def _second_case(by, ward, person, *, opened_at=None):
    from tests.factories import CaseFactory

    second = CaseFactory(by=by, ward=ward, title="Threats again", opened_at=opened_at or timezone.now())
    services.add_party(case=second, by=by, role=PartyRole.VICTIM, person=person)
    return second


@pytest.mark.django_db
def test_a_victims_second_report_in_six_months_prompts_the_case_review_explanation(
    client, case, ward, police, police_user
):
    from casework.models import CaseReviewExplained

    maria = _victim(case).person
    second = _second_case(police_user, ward, maria)  # reported to another agency
    (report,) = victim.second_reports(second)
    assert (report.other_reports, report.months, report.told) == (1, 6, None)
    client.force_login(police_user)
    page = client.get(f"/cases/{second.reference}/").content.decode()
    assert "Second report in 6 months" in page and "Tell them about the ASB Case Review" in page
    assert case.reference not in page  # the earlier case belongs to another agency: counted, never named
    letter = client.get(f"/cases/{second.reference}/victim/{report.party.pk}/case-review-letter.pdf")
    assert letter["Content-Type"] == "application/pdf"
    today = timezone.localdate()
    response = client.post(
        f"/cases/{second.reference}/victim/case-review-explained/",
        {
            "party": report.party.pk,
            "told_on_0": today.day,
            "told_on_1": today.month,
            "told_on_2": today.year,
            "told_by": "letter",
        },
    )
    assert response.status_code == 302
    explained = CaseReviewExplained.objects.get()
    assert (explained.told_by, explained.recorded_by, explained.told_on) == ("letter", police_user, today)
    page = client.get(f"/cases/{second.reference}/").content.decode()
    assert "was told about the ASB Case Review by letter" in page


@pytest.mark.django_db
def test_a_second_report_made_before_the_guidance_took_effect_does_not_prompt(client, ward, officer):
    """The July 2025 guidance (published and in force 17 September 2025) asks for the explanation: a second report
    made the day before it is not prompted, one made on that day is."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.factories import CaseFactory

    london = ZoneInfo("Europe/London")
    maria = services.create_person(by=officer, first_name="Maria", last_name="Early")
    first = CaseFactory(by=officer, ward=ward, opened_at=datetime(2025, 8, 1, 10, tzinfo=london))
    services.add_party(case=first, by=officer, role=PartyRole.VICTIM, person=maria)
    before = _second_case(officer, ward, maria, opened_at=datetime(2025, 9, 16, 23, 30, tzinfo=london))
    on_the_day = _second_case(officer, ward, maria, opened_at=datetime(2025, 9, 17, 0, 30, tzinfo=london))
    assert victim.second_reports(before) == []
    (report,) = victim.second_reports(on_the_day)
    assert report.other_reports == 2
    client.force_login(officer)
    assert "Second report in 6 months" not in client.get(f"/cases/{before.reference}/").content.decode()
    assert "Second report in 6 months" in client.get(f"/cases/{on_the_day.reference}/").content.decode()


@pytest.mark.django_db
def test_a_report_more_than_six_months_after_the_last_does_not_prompt(case, ward, officer):
    maria = _victim(case).person
    later = _second_case(officer, ward, maria, opened_at=case.opened_at + timedelta(days=200))
    assert victim.second_reports(later) == []
    assert victim.second_reports(case) == []  # the first report is not a second one


# --- Reasoned closure, sign-off, closure letter and the one-use satisfaction survey ----------------------------


@pytest.mark.django_db
def test_a_standard_risk_case_closes_with_an_outcome_and_reasons(client, case, officer):
    from casework.models import CaseClosure

    client.force_login(officer)
    refused = client.post(f"/cases/{case.reference}/close/", {"outcome": "resolved"})
    assert "Give the reasons for closing the case" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "open"
    client.post(f"/cases/{case.reference}/close/", {"outcome": "resolved", "reasons": "Behaviour stopped"})
    case.refresh_from_db()
    assert (case.status, case.outcome_notes) == ("closed", "Behaviour stopped")
    assert CaseClosure.objects.get().status == "closed"
    # The status form no longer closes a case without reasons.
    assert "closed" not in client.get(f"/cases/{case.reference}/status/").content.decode().split("New status")[-1]


@pytest.mark.django_db
def test_a_high_risk_closure_waits_for_a_managers_sign_off(client, case, officer, manager):
    from casework import closure
    from casework.models import CaseClosure

    _assess(case, officer)
    case.refresh_from_db()
    pending = closure.request_closure(case=case, by=officer, outcome="resolved", reasons="Moved away")
    case.refresh_from_db()
    assert case.status == "open" and pending.status == "awaiting_sign_off"
    assert Notification.objects.filter(user=manager, event=Event.CLOSURE_SIGN_OFF_REQUESTED).exists()
    with pytest.raises(NotAllowed):
        closure.decide_closure(closure=pending, by=officer, approve=True)
    client.force_login(manager)
    assert client.post(f"/cases/{case.reference}/close/sign-off/", {"decision": "refuse"}).status_code == 200
    response = client.post(f"/cases/{case.reference}/close/sign-off/", {"decision": "approve"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"
    decided = CaseClosure.objects.get()
    assert (decided.status, decided.decided_by) == ("signed_off", manager)


@pytest.mark.django_db
def test_the_survey_link_works_once_without_signing_in_and_feeds_the_dashboard(client, case, officer, manager):
    from casework import closure
    from casework.models import SatisfactionSurvey

    closure.request_closure(case=case, by=officer, outcome="resolved", reasons="Behaviour stopped")
    case.refresh_from_db()
    client.force_login(officer)
    letter = client.post(f"/cases/{case.reference}/close/letter/")
    assert letter["Content-Type"] == "application/pdf"
    _, token = closure.issue_survey(case=case, by=officer)  # a new letter: the first link stops working
    assert SatisfactionSurvey.objects.filter(expires_at__lte=timezone.now()).count() == 1
    client.logout()
    url = f"/cases/public/survey/{token}/"
    assert client.get(url).status_code == 200
    answered = client.post(url, {"satisfaction": "4", "kept_informed": "yes", "comments": "Thanks"})
    assert "Thank you" in answered.content.decode()
    assert client.get(url).status_code == 404  # one use
    survey = SatisfactionSurvey.objects.get(answered_at__isnull=False)
    assert (survey.satisfaction, survey.kept_informed) == (4, True)
    client.force_login(manager)
    today = timezone.localdate()
    period = {"period": "custom", "start_0": 1, "start_1": today.month, "start_2": today.year}
    period.update({"end_0": today.day, "end_1": today.month, "end_2": today.year})
    dashboard = client.get("/reports/", period).content.decode()
    assert "Satisfaction surveys answered: 1" in dashboard
    assert "Victims satisfied with how their case was handled (%): 100" in dashboard


@pytest.mark.django_db
def test_the_public_survey_is_rate_limited_and_refuses_unknown_tokens(client, settings):
    settings.CASEWORK = {**settings.CASEWORK, "SURVEY_RATE_LIMIT": {"POSTS": 2, "WINDOW_SECONDS": 60}}
    assert client.get("/cases/public/survey/not-a-token/").status_code == 404
    for _ in range(2):
        assert client.post("/cases/public/survey/not-a-token/", {}).status_code == 404
    assert client.post("/cases/public/survey/not-a-token/", {}).status_code == 429

"""From application to outcome and appeal: the lifecycle, its rules and who may do what."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLog
from casework import roles
from casework import services as casework_services
from casework.errors import InvalidTransition, NotAllowed
from casework.models import ActionStatus
from tests.factories import CaseFactory, TriggerApplicationFactory, make_member
from triggers import letters, selectors, services
from triggers.models import Application, ApplicationStatus, EscalationResult, EscalationStatus

pytestmark = pytest.mark.django_db


def detail(application, page=""):
    return f"/triggers/{application.reference}/{page}"


def test_partners_get_403_on_the_list_and_404_on_an_application(client, application, housing_user, police_user):
    for partner in (housing_user, police_user):
        client.force_login(partner)
        assert client.get("/triggers/").status_code == 403
        assert client.get("/triggers/figures/").status_code == 403
        for page in ("", "threshold/", "review/", "outcome/", "escalations/", "timeline/", "outcome/letter.pdf"):
            assert client.get(detail(application, page)).status_code == 404, page
        assert client.post(detail(application, "threshold/decision/"), {"met": "yes", "reason": "x"}).status_code == 404
    assert Application.objects.get().status == ApplicationStatus.RECEIVED


def test_another_agency_cannot_see_its_applications(client, application, barnet_homes):
    """Someone with the Community Trigger permission but in another agency and without partnership-wide reading."""
    from django.contrib.auth.models import Permission

    other = make_member(barnet_homes, roles.PARTNER_CASEWORKER, "bh-reader")
    other.user_permissions.add(Permission.objects.get(codename="view_application"))
    other = type(other).objects.get(pk=other.pk)
    client.force_login(other)
    assert client.get("/triggers/").status_code == 200
    assert application.reference not in client.get("/triggers/").content.decode()
    assert client.get(detail(application)).status_code == 404


def test_officers_and_auditors_read_but_cannot_change(client, application, officer, auditor):
    for reader in (officer, auditor):
        client.force_login(reader)
        page = client.get(detail(application))
        assert page.status_code == 200 and "(read only)" in page.content.decode()
        assert client.get(detail(application, "threshold/")).status_code == 200
        assert client.get(detail(application, "threshold/decision/")).status_code == 403
        assert client.post(detail(application, "threshold/decision/"), {"met": "yes", "reason": "x"}).status_code == 403
        assert client.get("/triggers/new/").status_code == 403
    assert Application.objects.get().status == ApplicationStatus.RECEIVED


def test_viewing_an_application_is_logged(client, application, officer):
    client.force_login(officer)
    client.get(detail(application))
    log = AccessLog.objects.filter(object_type="trigger_application", object_id=str(application.pk)).get()
    assert log.username == "officer" and log.action == "view" and log.details["page"] == "summary"


def test_the_manager_takes_an_application_from_decision_to_closure(
    client, application, manager, approver, council, police
):
    client.force_login(manager)
    threshold_page = client.get(detail(application, "threshold/")).content.decode()
    assert "3 qualifying complaints (3 needed)" in threshold_page and "→ threshold met" in threshold_page

    response = client.post(
        detail(application, "threshold/decision/"), {"met": "yes", "reason": "Three reports in time"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.THRESHOLD_MET and application.threshold_met is True
    assert "3 qualifying complaints" in application.threshold_reasoning
    assert application.review_meeting_by is not None and application.next_due == application.review_meeting_by

    meeting = timezone.localdate()
    response = client.post(
        detail(application, "review/arrange/"),
        {
            "meeting_on_0": meeting.day,
            "meeting_on_1": meeting.month,
            "meeting_on_2": meeting.year,
            "location": "Hendon Town Hall",
            "agencies": [council.pk, police.pk],
            "victim_invited": "yes",
        },
    )
    assert response.status_code == 302
    assert (
        client.post(
            detail(application, "review/information/add/"), {"agency": police.pk, "information": "7 CAD reports"}
        ).status_code
        == 302
    )
    due = timezone.localdate() + timedelta(days=28)
    assert (
        client.post(
            detail(application, "review/recommendations/add/"),
            {
                "description": "Evening patrols on Deansbrook Road",
                "owner_agency": police.pk,
                "due_date_0": due.day,
                "due_date_1": due.month,
                "due_date_2": due.year,
            },
        ).status_code
        == 302
    )
    assert (
        client.post(
            detail(application, "review/held/"),
            {
                "held_on_0": meeting.day,
                "held_on_1": meeting.month,
                "held_on_2": meeting.year,
                "attended": [council.pk, police.pk],
                "findings": "No joined-up plan was in place.",
            },
        ).status_code
        == 302
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED and application.next_due == application.outcome_by
    review_page = client.get(detail(application, "review/")).content.decode()
    assert "7 CAD reports" in review_page and "Evening patrols on Deansbrook Road" in review_page

    write_page = client.get(detail(application, "outcome/write/")).content.decode()
    assert "No joined-up plan was in place." not in write_page  # the internal findings are never pre-filled
    assert client.post(detail(application, "outcome/write/"), {"body": "We agreed a joint plan with the police."})[
        "Location"
    ] == detail(application, "outcome/preview/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REVIEWED  # a draft sends nothing
    client.force_login(approver)
    preview = client.get(detail(application, "outcome/preview/")).content.decode()
    fingerprint = letters.fingerprint(application.outcome_letter)
    assert "We agreed a joint plan with the police." in preview and "Approve the letter" in preview
    assert client.post(detail(application, "outcome/approve/"), {"fingerprint": fingerprint}).status_code == 302
    client.force_login(manager)
    assert client.post(detail(application, "outcome/send/")).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OUTCOME_SENT and application.next_due is None

    letter = client.get(detail(application, "outcome/letter.pdf"))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(action="print", object_id=str(application.pk)).count() == 1

    assert client.post(detail(application, "close/"), {"notes": "Done"}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.CLOSED and application.closed_at
    reasons = list(application.history.values_list("history_change_reason", flat=True))
    assert "Status Received → Threshold met" in reasons and "Status Outcome sent → Closed" in reasons
    assert all(h.history_user == manager for h in application.history.exclude(history_type="+"))
    assert application.outcome_letter.approved_by == approver


def test_threshold_not_met_still_gets_a_response_and_may_still_be_reviewed(application, manager, council):
    decided = services.record_threshold_decision(
        application=application, by=manager, met=False, reason="Reports were more than a month late"
    )
    assert decided.outcome_by is not None and decided.next_due == decided.outcome_by
    services.arrange_review(
        application=decided, by=manager, meeting_on=timezone.localdate(), location="", agencies=[council]
    )
    assert Application.objects.get().status == ApplicationStatus.REVIEW_ARRANGED


def test_an_illegal_transition_is_refused_with_a_message(client, application, manager):
    with pytest.raises(InvalidTransition, match="cannot have its outcome written yet"):
        services.save_outcome_draft(application=application, by=manager, body="Too early")
    client.force_login(manager)
    page = client.post(detail(application, "outcome/write/"), {"body": "Too early"}).content.decode()
    assert "There is a problem" in page and "cannot have its outcome written yet" in page
    assert Application.objects.get().status == ApplicationStatus.RECEIVED
    services.record_threshold_decision(application=application, by=manager, met=True, reason="Met")
    with pytest.raises(InvalidTransition):
        services.record_threshold_decision(application=application, by=manager, met=False, reason="Again")


def test_a_decision_needs_a_reason(client, application, manager):
    client.force_login(manager)
    page = client.post(detail(application, "threshold/decision/"), {"met": "yes", "reason": ""}).content.decode()
    assert '<a href="#id_reason">Enter the reason for the decision</a>' in page
    assert Application.objects.get().status == ApplicationStatus.RECEIVED


def test_staff_record_an_application_taken_by_phone(client, manager, council):
    client.force_login(manager)
    today = timezone.localdate()
    response = client.post(
        "/triggers/new/",
        {
            "channel": "phone",
            "received_on_0": today.day,
            "received_on_1": today.month,
            "received_on_2": today.year,
            "applying_for": "someone_else",
            "victim_name": "Deansbrook Road Residents' Association",
            "victim_relationship": "Ward councillor",
            "victim_consent": "on",
            "applicant_name": "Cllr Peter Wilson",
            "applicant_phone": "020 8359 2000",
            "contact_preference": "phone",
            "problem_description": "Repeated drug dealing",
            "problem_location": "Deansbrook Road",
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/triggers/{application.reference}/"
    assert application.channel == "phone" and application.owner_agency == council
    assert application.created_by == manager and application.victim_consent
    missing_consent = client.post(
        "/triggers/new/", {"channel": "letter", "applying_for": "someone_else", "victim_name": "A neighbour"}
    ).content.decode()
    assert "Confirm that the victim has agreed to the application" in missing_consent
    assert Application.objects.count() == 1


def test_linking_cases_found_by_postcode(client, application, manager, officer, ward):
    address = casework_services.create_address(by=officer, line1="14 Deansbrook Road", postcode="HA8 9BE", ward=ward)
    same_place = CaseFactory(by=officer, ward=ward, address=address, title="Drug dealing from car")
    CaseFactory(by=officer, ward=ward, title="Elsewhere")
    client.force_login(manager)
    page = client.get(detail(application, "threshold/")).content.decode()
    assert same_place.reference in page and "postcode HA8 9BE" in page and "Elsewhere" not in page
    client.post(detail(application, "links/add/"), {"case_reference": same_place.reference, "found_by": "postcode"})
    assert list(application.case_links.values_list("case__reference", flat=True)) == [same_place.reference]
    assert client.post(detail(application, "links/add/"), {"case_reference": "ASB-1999-00001"}).status_code == 302
    assert application.case_links.count() == 1
    link = application.case_links.get()
    client.post(detail(application, f"links/{link.pk}/remove/"))
    assert application.case_links.count() == 0


def test_related_cases_never_reveal_an_anonymous_victim_to_another_agency(application, manager, barnet_homes, ward):
    housing_officer = make_member(barnet_homes, roles.PARTNER_CASEWORKER, "bh-officer")
    case = CaseFactory(by=housing_officer, ward=ward, title="Harassment")
    victim = casework_services.create_person(by=housing_officer, first_name="Maria", last_name="Evans")
    party = casework_services.add_party(case=case, by=housing_officer, role="victim", person=victim, is_anonymous=True)
    assert selectors.related_cases(application=application, user=manager) == []
    party.is_anonymous = False
    party.save()
    found = selectors.related_cases(application=application, user=manager)
    assert [r.case for r in found] == [case] and found[0].found_by == "a person named in the application"


def test_a_case_the_user_cannot_see_cannot_be_linked(application, council, barnet_homes, ward):
    from django.contrib.auth.models import Permission

    housing_officer = make_member(barnet_homes, roles.PARTNER_CASEWORKER, "bh-officer2")
    hidden = CaseFactory(by=housing_officer, ward=ward)
    changer = make_member(council, roles.ENFORCEMENT_OFFICER, "ct-changer")
    changer.user_permissions.add(*Permission.objects.filter(codename__in=["change_application", "view_application"]))
    changer = type(changer).objects.get(pk=changer.pk)
    with pytest.raises(NotAllowed, match="only link cases you can see"):
        services.link_case(application=application, case=hidden, by=changer)


def test_escalation_to_mopac_is_recorded_with_its_result(client, application, manager):
    decided = services.record_threshold_decision(application=application, by=manager, met=False, reason="Not met")
    client.force_login(manager)
    form = client.get(detail(decided, "escalations/add/")).content.decode()
    assert "Mayor&#x27;s Office for Policing and Crime (MOPAC)" in form
    today = timezone.localdate()
    client.post(
        detail(decided, "escalations/add/"),
        {
            "requested_on_0": today.day,
            "requested_on_1": today.month,
            "requested_on_2": today.year,
            "body": "Mayor's Office for Policing and Crime (MOPAC)",
            "grounds": "Nothing has changed",
        },
    )
    escalation = decided.escalations.get()
    assert escalation.status == EscalationStatus.REQUESTED
    with pytest.raises(InvalidTransition, match="already an escalation"):
        services.request_escalation(application=decided, by=manager, requested_on=today, grounds="Again")
    client.post(
        detail(decided, f"escalations/{escalation.pk}/result/"),
        {
            "result": EscalationResult.REVIEW_AGAIN,
            "notes": "Review again",
            "concluded_on_0": today.day,
            "concluded_on_1": today.month,
            "concluded_on_2": today.year,
        },
    )
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.CONCLUDED and escalation.result == EscalationResult.REVIEW_AGAIN
    page = client.get(detail(decided, "escalations/")).content.decode()
    assert "The case must be reviewed again" in page
    with pytest.raises(InvalidTransition):
        services.record_escalation_result(
            escalation=escalation, by=manager, result=EscalationResult.HANDLING_UPHELD, notes="", concluded_on=today
        )


def test_an_escalation_before_any_decision_is_refused(application, manager):
    with pytest.raises(InvalidTransition):
        services.request_escalation(
            application=application, by=manager, requested_on=timezone.localdate(), grounds="Too slow"
        )


def test_recommendations_are_an_action_plan(application, manager, council):
    services.record_threshold_decision(application=application, by=manager, met=True, reason="Met")
    services.arrange_review(
        application=application, by=manager, meeting_on=timezone.localdate(), location="", agencies=[council]
    )
    recommendation = services.add_recommendation(
        application=application,
        by=manager,
        description="Serve a CPN warning",
        owner_agency=council,
        due_date=timezone.localdate(),
    )
    services.set_recommendation_status(recommendation=recommendation, by=manager, status=ActionStatus.DONE)
    assert recommendation.completed_at is not None
    with pytest.raises(InvalidTransition):
        services.set_recommendation_status(recommendation=recommendation, by=manager, status=ActionStatus.IN_PROGRESS)


def test_withdrawn_applications_keep_their_record(client, application, manager):
    client.force_login(manager)
    client.post(detail(application, "withdraw/"), {"reason": "The neighbour moved away"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN and application.next_due is None
    assert "The neighbour moved away" in client.get(detail(application)).content.decode()


def test_the_list_runs_a_constant_number_of_queries(client, manager, council, django_assert_max_num_queries):
    client.force_login(manager)
    TriggerApplicationFactory(owner_agency=council)
    client.get("/triggers/")
    with django_assert_max_num_queries(25) as small:
        client.get("/triggers/")
    for _ in range(10):
        TriggerApplicationFactory(owner_agency=council)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get("/triggers/")
    assert response.content.decode().count('href="/triggers/CT-') == 11


def test_every_page_renders_for_the_manager(client, application, manager):
    client.force_login(manager)
    for page in (
        "",
        "threshold/",
        "threshold/decision/",
        "review/",
        "outcome/",
        "escalations/",
        "timeline/",
        "incidents/add/",
        "acknowledge/",
        "withdraw/",
    ):
        response = client.get(detail(application, page))
        assert response.status_code == 200, page
        assert response.content.decode().count("<h1") == 1, page
    assert "Application received (online form)" in client.get(detail(application, "timeline/")).content.decode()

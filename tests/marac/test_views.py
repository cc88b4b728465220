"""CS MARAC screens: who sees what (404 for outsiders, 403 for the wrong role), audit logs, query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework import roles
from casework import services as casework_services
from casework.models import CaseShare
from marac import selectors as marac_selectors
from marac import services
from marac.models import CaseReview, MeetingStatus, NextStep, Referral, ReferralStatus
from tests.conftest import login
from tests.factories import AgencyFactory, CaseFactory, MaracReferralFactory, make_member


@pytest.fixture
def published(case, officer, coordinator, today_meeting):
    """The fixture case on today's published panel list (shared with every core agency)."""
    referral = MaracReferralFactory(case=case, by=officer, accept_by=coordinator)
    services.generate_panel_list(meeting=today_meeting, by=coordinator)
    services.publish_panel_list(meeting=today_meeting, by=coordinator)
    return today_meeting.entries.get(referral=referral)


@pytest.mark.django_db
def test_the_top_navigation_shows_cs_marac_to_those_who_may_open_it(client, coordinator, police_user, core):
    nobody = make_member(core[0], roles.ADMINISTRATOR, "plainadmin")
    for user, shown in ((coordinator, True), (police_user, True)):
        page = login(client, user).get("/").content.decode()
        assert ('href="/marac/"' in page) is shown
    nobody.groups.clear()
    assert 'href="/marac/"' not in login(client, nobody).get("/").content.decode()


@pytest.mark.django_db
def test_the_coordinators_overview(client, coordinator, officer, case, today_meeting):
    MaracReferralFactory(case=case, by=officer)
    page = login(client, coordinator).get(reverse("marac:index")).content.decode()
    assert "Referrals awaiting screening (1)" in page
    assert case.reference in page
    assert today_meeting.date.strftime("%-d %B %Y") in page


@pytest.mark.django_db
def test_referring_through_the_form_validates_and_changes_nothing_on_bad_input(client, police_user, case, core):
    client = login(client, police_user)
    response = client.post(reverse("marac:referral_create"), {"case_reference": case.reference})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter the reference of a case your agency can see" in page  # the police cannot see this case
    assert "Enter why the case needs the CS MARAC" in page
    assert "Choose the risk to the victim" in page
    assert Referral.objects.count() == 0


@pytest.mark.django_db
def test_a_coordinator_runs_a_cycle_through_the_screens(client, officer, coordinator, police, case, today_meeting):
    login(client, officer)
    response = client.post(
        reverse("marac:referral_create"),
        {
            "case_reference": case.reference.lower(),
            "reason": "Escalating intimidation; victim afraid to go out.",
            "risk_level": "high",
            "actions_tried": "Warning letter and CPN written warning",
            "consent": "given",
            "legal_basis": "cda_s115",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("marac:referral_detail", args=[referral.pk])
    login(client, coordinator)
    client.post(reverse("marac:referral_screen", args=[referral.pk]), {"decision": "accept"})
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED
    meeting_id = today_meeting.pk
    client.post(reverse("marac:panel_generate", args=[meeting_id]))
    entry = today_meeting.entries.get()
    client.post(reverse("marac:publish", args=[meeting_id]))
    today_meeting.refresh_from_db()
    assert today_meeting.status == MeetingStatus.PUBLISHED
    response = client.post(
        reverse("marac:entry_detail", args=[meeting_id, entry.pk]),
        {
            "discussion": "All agencies shared.",
            "decisions": "Police to visit.",
            "risk_level": "high",
            "next_step": NextStep.CONTINUE,
        },
    )
    assert response.status_code == 302
    due = timezone.localdate() + timedelta(days=10)
    client.post(
        reverse("marac:action_add", args=[meeting_id, entry.pk]),
        {
            "description": "Visit the person causing harm",
            "owner_agency": police.pk,
            "due_date_0": due.day,
            "due_date_1": due.month,
            "due_date_2": due.year,
        },
    )
    assert case.actions.get().marac_link.meeting_id == meeting_id
    client.post(reverse("marac:held", args=[meeting_id]), {"minutes_notes": ""})
    client.post(reverse("marac:minutes_approve", args=[meeting_id]))
    today_meeting.refresh_from_db()
    assert today_meeting.status == MeetingStatus.MINUTES_APPROVED
    minutes = client.get(reverse("marac:minutes", args=[meeting_id])).content.decode()
    assert "Visit the person causing harm" in minutes and "Approved by" in minutes

    from django.template.loader import render_to_string

    from audit.models import AccessLog

    pdf = client.get(reverse("marac:minutes_pdf", args=[meeting_id]))  # tagged and titled: tests/conftest.py
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    printed = AccessLog.objects.filter(action="print", object_type="marac_minutes").latest("at")
    assert printed.details["format"] == "pdf"
    content = marac_selectors.minutes(meeting=today_meeting, user=coordinator)
    html = render_to_string(
        "marac/minutes_pdf.html",
        {"meeting": today_meeting, "minutes": content, "printed_by": coordinator, "printed_at": timezone.now()},
    )
    assert "OFFICIAL-SENSITIVE" in html and "Visit the person causing harm" in html and case.reference in html


@pytest.mark.django_db
def test_a_review_without_a_closure_reason_shows_an_error_and_saves_nothing(client, coordinator, published):
    response = login(client, coordinator).post(
        reverse("marac:entry_detail", args=[published.meeting_id, published.pk]),
        {"discussion": "x", "decisions": "y", "risk_level": "high", "next_step": NextStep.CLOSE},
    )
    assert "Enter the reason for closing the case from the MARAC" in response.content.decode()
    assert CaseReview.objects.count() == 0
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED


@pytest.mark.django_db
def test_partners_get_404_for_cases_and_meetings_they_cannot_see(
    client, published, officer, police, police_user, housing_user, coordinator
):
    meeting = published.meeting
    share = CaseShare.objects.get(case=published.case, agency=police, revoked_at__isnull=True)
    casework_services.revoke_share(share=share, by=officer, reason="Police no longer involved")
    referral = published.referral
    research = published.research.get(agency__short_name="barnet-homes")
    login(client, police_user)
    for url in (
        reverse("marac:entry_detail", args=[meeting.pk, published.pk]),
        reverse("marac:referral_detail", args=[referral.pk]),
        reverse("marac:research_respond", args=[research.pk]),
    ):
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("marac:panel_list", args=[meeting.pk])).content.decode()
    assert published.case.reference not in page
    # An agency that is not invited does not see the meeting at all.
    lfb_user = make_member(AgencyFactory(name="London Fire Brigade", short_name="lfb"), roles.PARTNER_CASEWORKER, "lfb")
    login(client, lfb_user)
    for name in ("meeting_detail", "panel_list", "panel_list_pdf", "attendance"):
        assert client.get(reverse(f"marac:{name}", args=[meeting.pk])).status_code == 404, name
    # Barnet Homes still sees the case, but only its own research request, not another agency's.
    login(client, housing_user)
    assert client.get(reverse("marac:entry_detail", args=[meeting.pk, published.pk])).status_code == 200
    police_research = published.research.get(agency=police)
    assert client.get(reverse("marac:research_respond", args=[police_research.pk])).status_code == 404


@pytest.mark.django_db
def test_a_draft_panel_list_is_for_the_coordinator_only(client, case, officer, coordinator, police_user, today_meeting):
    MaracReferralFactory(case=case, by=officer, accept_by=coordinator)
    services.generate_panel_list(meeting=today_meeting, by=coordinator)
    assert login(client, police_user).get(reverse("marac:panel_list", args=[today_meeting.pk])).status_code == 404
    assert login(client, coordinator).get(reverse("marac:panel_list", args=[today_meeting.pk])).status_code == 200


@pytest.mark.django_db
def test_partners_cannot_run_the_coordinators_steps(client, published, police_user):
    login(client, police_user)
    meeting_id = published.meeting_id
    assert client.get(reverse("marac:schedule")).status_code == 403
    assert client.post(reverse("marac:panel_generate", args=[meeting_id])).status_code == 403
    assert client.post(reverse("marac:publish", args=[meeting_id])).status_code == 403
    assert client.get(reverse("marac:meeting_edit", args=[meeting_id])).status_code == 403
    assert client.post(reverse("marac:referral_screen", args=[published.referral_id])).status_code == 403
    review = client.post(
        reverse("marac:entry_detail", args=[meeting_id, published.pk]),
        {"discussion": "x", "decisions": "y", "risk_level": "high", "next_step": "continue"},
    )
    assert review.status_code == 403


@pytest.mark.django_db
def test_pages_with_case_data_are_logged_and_the_pdf_is_logged_as_print(client, published, police_user):
    login(client, police_user)
    meeting_id = published.meeting_id
    client.get(reverse("marac:entry_detail", args=[meeting_id, published.pk]))
    assert AccessLog.objects.filter(
        username="police", action="view", object_type="marac_panel_entry", case_id=published.case_id
    ).exists()
    response = client.get(reverse("marac:panel_list_pdf", args=[meeting_id]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    log = AccessLog.objects.get(username="police", action="print", object_type="marac_panel_list")
    assert log.details["case_ids"] == [published.case_id]


@pytest.mark.django_db
def test_a_partner_records_research_and_completes_its_marac_action(client, published, coordinator, police, police_user):
    research = published.research.get(agency=police)
    login(client, police_user)
    assert published.case.reference in client.get(reverse("marac:research_list")).content.decode()
    client.post(
        reverse("marac:research_respond", args=[research.pk]),
        {"holds_information": "yes", "findings": "Two calls about shouting in May"},
    )
    research.refresh_from_db()
    assert research.status == "responded" and research.responded_by == police_user
    review = services.record_case_review(
        entry=published,
        by=coordinator,
        discussion="d",
        decisions="d",
        risk_level="high",
        next_step=NextStep.CONTINUE,
    )
    action = services.add_marac_action(
        review=review,
        by=coordinator,
        description="Visit",
        owner_agency=police,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    page = client.get(reverse("marac:actions")).content.decode()
    assert "Overdue" in page and "Visit" in page
    client.post(reverse("marac:action_done", args=[action.pk]))
    action.refresh_from_db()
    assert action.status == "done"


@pytest.mark.django_db
def test_the_panel_list_page_makes_the_same_number_of_queries_for_3_or_12_cases(
    client, officer, coordinator, ward, today_meeting, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(client, coordinator)
    url = reverse("marac:panel_list", args=[today_meeting.pk])
    counts = []
    client.get(url)  # warm the per-process caches (content types, static manifest)
    for size in (3, 12):
        while today_meeting.entries.count() < size:
            MaracReferralFactory(case=CaseFactory(by=officer, ward=ward), by=officer, accept_by=coordinator)
            services.generate_panel_list(meeting=today_meeting, by=coordinator)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    for name in ("index", "meeting_list", "referral_list", "actions", "research_list", "statistics"):
        with django_assert_max_num_queries(counts[0] + 5):
            assert client.get(reverse(f"marac:{name}")).status_code == 200, name


@pytest.mark.django_db
def test_the_referrer_answers_the_coordinators_question_on_its_own_page(client, officer, coordinator, case, core):
    referral = MaracReferralFactory(case=case, by=officer)
    url = reverse("marac:referral_information", args=[referral.pk])
    login(client, officer)
    page = client.get(url).content.decode()
    assert '<h1 class="govuk-heading-l">Add the information requested</h1>' in page and ">Send" in page
    refused = client.post(url, {"information": "The victim moved in March."})  # nothing was asked yet
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    services.request_more_information(referral=referral, by=coordinator, request="When did it start?")
    assert "Enter the information the coordinator asked for" in client.post(url, {"information": ""}).content.decode()
    response = client.post(url, {"information": "In March, after the victim moved in."}, follow=True)
    assert response.redirect_chain == [(reverse("marac:referral_detail", args=[referral.pk]), 302)]
    assert "Information added: the referral is back with the coordinator" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED and "after the victim moved in" in referral.information_provided


@pytest.mark.django_db
def test_closing_a_case_from_the_marac_is_proposed_on_its_own_page(client, officer, coordinator, case, core):
    referral = MaracReferralFactory(case=case, by=officer)
    url = reverse("marac:referral_propose_closure", args=[referral.pk])
    login(client, officer)
    page = client.get(url).content.decode()
    assert '<h1 class="govuk-heading-l">Propose closing the case</h1>' in page and ">Propose closure" in page
    refused = client.post(url, {"proposal": "Quiet for eight weeks"}).content.decode()  # not on the MARAC yet
    assert "Only a case that is on the MARAC can be proposed for closure." in refused
    services.accept_referral(referral=referral, by=coordinator)
    assert "Enter why the case can close" in client.post(url, {"proposal": ""}).content.decode()
    response = client.post(url, {"proposal": "Quiet for eight weeks"}, follow=True)
    assert response.redirect_chain == [(reverse("marac:referral_detail", args=[referral.pk]), 302)]
    assert "Closure proposed: the case will be listed for closure at the next meeting" in response.content.decode()
    referral.refresh_from_db()
    assert referral.closure_proposal == "Quiet for eight weeks" and referral.closure_proposed_by == officer

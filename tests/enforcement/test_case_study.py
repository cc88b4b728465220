"""Seed 003's Community Trigger case study through the screens: warning, breach, CPN, breach, closure order.

Plus the other issue forms (PSPO, PSPO breach -> CST09, appeal, CBO, injunction, prosecution listing).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.models import (
    CivilInjunction,
    ClosureNotice,
    ClosureOrder,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    PSPOBreach,
    PublicSpacesProtectionOrder,
)
from tests.factories import make_cpn, make_fpn, make_notice_recipient, make_pspo

pytestmark = pytest.mark.django_db


def d(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def dt(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def ok(response, to: str | None = None):
    assert response.status_code == 302, response.content.decode()[-3000:]
    if to:
        assert response["Location"].startswith(to)
    return response


def test_the_case_study_from_warning_to_a_full_closure_order(client, case, officer):
    client.force_login(officer)
    today = timezone.localdate()
    ref = case.reference
    kevin = case.parties.get(role="person_causing_harm")
    ok(
        client.post(
            reverse("enforcement:warning_create", args=[ref]),
            {
                "recipient": f"party-{kevin.pk}",
                **d("date_of_birth", date(1990, 1, 1)),
                "recipient_address": "12 Deansbrook Road",
                "conduct": "Drug dealing, shouting and threats in the street",
                "requirements": "Stop dealing from the address and threatening residents",
                **d("compliance_deadline", today - timedelta(days=3)),  # s43(5)(b): passed before the CPN
                "served_at": dt(timezone.now() - timedelta(days=10)),
                "served_how": "in_person",
            },
        )
    )
    warning = CommunityProtectionWarning.objects.get()
    ok(
        client.post(
            reverse("enforcement:warning_outcome", args=[warning.pk]),
            {"outcome": "breached", **d("on", today - timedelta(days=2)), "notes": "Witness statements"},
        )
    )
    ok(
        client.post(
            reverse("enforcement:cpn_create", args=[ref]),
            {
                "warning": warning.pk,
                **d("issued_on", today - timedelta(days=1)),
                "served_how": "in_person",
                **d("compliance_deadline", today + timedelta(days=7)),
            },
        ),
        "/enforcement/cpns/",
    )
    cpn = CommunityProtectionNotice.objects.get()
    ok(
        client.post(
            reverse("enforcement:cpn_breach_add", args=[cpn.pk]),
            {
                **d("occurred_on", today),
                "description": "Exchanges at the door",
                "evidence_summary": "Redacted statements",
            },
        )
    )
    served = timezone.now() - timedelta(hours=3)
    ok(
        client.post(
            reverse("enforcement:closure_create", args=[ref]),
            {
                "premises": "12 Deansbrook Road, Edgware HA8 9BE",
                "prohibition": "All persons except the owner",
                "authorised_by_role": "council",
                "authorised_by_name": "Head of Community Safety",
                "consultation": "Police; Barnet Homes",
                "people_informed": "Occupier and owner",
                "served_at": dt(served),
                "duration_hours": "24",
                "hearing_court": "Willesden Magistrates' Court",
                "hearing_at": dt(served + timedelta(hours=2)),
                "housing_advice": "Barnet Homes Housing Options",
                "legal_advice": "Citizens Advice Barnet",
            },
        ),
        "/enforcement/closures/",
    )
    notice = ClosureNotice.objects.get()
    ok(
        client.post(
            reverse("enforcement:closure_decision", args=[notice.pk]),
            {
                "decision": "granted",
                "heard_at": dt(served + timedelta(hours=2)),
                "court": "Willesden Magistrates' Court",
                "scope": "full",
                **d("starts_on", today),
                **d("ends_on", today + timedelta(days=80)),
            },
        )
    )
    order = ClosureOrder.objects.get()
    assert order.scope == "full" and order.notice == notice
    page = client.get(reverse("enforcement:case_enforcement", args=[ref])).content.decode()
    for event in (
        "CPN written warning served",
        "Written warning breached",
        "Community Protection Notice issued",
        "CPN breach recorded",
        "Closure notice served",
        "Closure order granted",
    ):
        assert event in page, event


def test_a_closure_decision_more_than_3_months_long_is_refused_on_the_form(client, case, officer):
    from tests.factories import make_closure_notice

    notice = make_closure_notice(
        case=case,
        by=officer,
        served_at=timezone.now() - timedelta(hours=30),
        hearing_at=timezone.now() - timedelta(hours=10),
    )
    client.force_login(officer)
    response = client.post(
        reverse("enforcement:closure_decision", args=[notice.pk]),
        {
            "decision": "granted",
            "heard_at": dt(notice.hearing_at),
            "court": "Willesden",
            "scope": "full",
            **d("starts_on", timezone.localdate()),
            **d("ends_on", timezone.localdate() + timedelta(days=200)),
        },
    )
    assert "at most 3 months" in response.content.decode()
    assert ClosureOrder.objects.count() == 0


def test_pspo_is_recorded_extended_and_breached_into_a_cst09_penalty(client, officer):
    client.force_login(officer)
    ok(
        client.post(
            reverse("enforcement:pspo_create"),
            {
                "title": "Burnt Oak town centre PSPO",
                "area_description": "Burnt Oak Broadway and Watling Avenue",
                **d("made_on", date(2024, 1, 10)),
                **d("in_force_from", date(2024, 2, 1)),
                **d("expires_on", date(2027, 1, 31)),
                **d("consultation_started_on", date(2023, 10, 1)),
                **d("consultation_ended_on", date(2023, 12, 31)),
                "consultees": "Police, MOPAC, residents",
                "conditions": "No drinking in the street\nNo aggressive begging\n",
            },
        )
    )
    pspo = PublicSpacesProtectionOrder.objects.get()
    assert [c.text for c in pspo.conditions.all()] == ["No drinking in the street", "No aggressive begging"]
    response = client.post(
        reverse("enforcement:pspo_extend", args=[pspo.pk]),
        {**d("decided_on", date(2026, 11, 1)), **d("new_expires_on", date(2030, 2, 1)), "reason": "Consulted"},
    )
    assert "at most 3 years" in response.content.decode()
    ok(
        client.post(
            reverse("enforcement:pspo_extend", args=[pspo.pk]),
            {**d("decided_on", date(2026, 11, 1)), **d("new_expires_on", date(2030, 1, 31)), "reason": "Consulted"},
        )
    )
    ok(
        client.post(
            reverse("enforcement:pspo_breach_add", args=[pspo.pk]),
            {
                "condition": pspo.conditions.first().pk,
                "occurred_at": dt(timezone.now() - timedelta(hours=1)),
                "location": "Watling Avenue",
                "offender_name": "Lee Fox",
                "offender_address": "9 Station Road",
                "description": "Drinking from an open can",
            },
        )
    )
    breach = PSPOBreach.objects.get()
    ok(
        client.post(
            reverse("enforcement:pspo_breach_fpn", args=[breach.pk]),
            {"issued_at": dt(timezone.now()), "offence_description": "Drinking in breach of condition 1"},
        )
    )
    fpn = FixedPenaltyNotice.objects.get()
    assert fpn.offence.code == "CST09" and fpn.case is None and fpn.pspo_breach == breach
    breach.refresh_from_db()
    assert breach.outcome == "fixed_penalty"


def test_appeal_forms_record_the_appeal_and_refuse_a_late_one(client, case, officer):
    cpn = make_cpn(case=case, by=officer, issued_on=timezone.localdate() - timedelta(days=25))
    client.force_login(officer)
    response = client.post(
        reverse("enforcement:cpn_appeal", args=[cpn.pk]),
        {**d("lodged_on", timezone.localdate()), "grounds": "Not me"},
    )
    assert "within 21 days" in response.content.decode()
    cpn = make_cpn(case=case, by=officer, issued_on=timezone.localdate() - timedelta(days=3))
    ok(
        client.post(
            reverse("enforcement:cpn_appeal", args=[cpn.pk]),
            {**d("lodged_on", timezone.localdate()), "grounds": "Not me"},
        )
    )
    ok(
        client.post(
            reverse("enforcement:cpn_appeal_decision", args=[cpn.pk]),
            {"outcome": "varied", **d("decided_on", timezone.localdate()), "varied_requirements": "Quiet after 10pm"},
        )
    )
    cpn.refresh_from_db()
    assert cpn.status == "in_force" and cpn.requirements == "Quiet after 10pm" and cpn.appeal_outcome == "varied"


def test_cbo_and_injunction_forms(client, case, officer):
    person = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(2008, 6, 1))
    party = case.parties.get(person=person)
    client.force_login(officer)
    common = {
        "subject": party.pk,
        **d("subject_date_of_birth", date(2008, 6, 1)),
        **d("application_heard_on", date(2024, 6, 1)),
        **d("made_on", date(2024, 6, 1)),
        **d("starts_on", date(2024, 6, 1)),
        "prohibitions": "Not to enter the estate",
    }
    response = client.post(
        reverse("enforcement:cbo_create", args=[case.reference]),
        {**common, "court": "Barnet Youth Court", "conviction_offence": "Criminal damage"},
    )
    assert "between 1 and 3 years" in response.content.decode()  # indefinite is for adults only
    ok(
        client.post(
            reverse("enforcement:cbo_create", args=[case.reference]),
            {
                **common,
                **d("ends_on", date(2026, 5, 31)),
                "court": "Barnet Youth Court",
                "conviction_offence": "Damage",
            },
        )
    )
    cbo = CriminalBehaviourOrder.objects.get()
    assert cbo.is_youth and cbo.next_review_on == date(2025, 5, 31)  # the 12 months beginning 1 June 2024
    ok(client.post(reverse("enforcement:cbo_review", args=[cbo.pk]), d("reviewed_on", date(2025, 6, 3))))
    cbo.refresh_from_db()
    assert cbo.next_review_on is None  # a late review counts for its own period; the next ends after the order
    ok(
        client.post(
            reverse("enforcement:injunction_create", args=[case.reference]),
            {
                **common,
                **d("ends_on", date(2025, 5, 31)),
                "court": "Barnet Youth Court",
                "power_of_arrest": "on",
                "power_of_arrest_terms": "Entering the estate",
                "power_of_arrest_ground": "risk_of_harm",
            },
        )
    )
    assert CivilInjunction.objects.get().power_of_arrest
    ok(
        client.post(
            reverse("enforcement:injunction_breach", args=[CivilInjunction.objects.get().pk]),
            {**d("occurred_on", date(2024, 8, 1)), "description": "Seen on the estate", "action_taken": "Arrested"},
        )
    )


def test_an_unpaid_notice_is_listed_for_prosecution_from_its_page(client, officer):
    fpn = make_fpn(by=officer, issued_at=timezone.now() - timedelta(days=40))
    client.force_login(officer)
    page = client.get(reverse("enforcement:fpn_detail", args=[fpn.pk])).content.decode()
    assert "Unpaid after the payment period" in page and "List for prosecution" in page
    ok(client.post(reverse("enforcement:fpn_prosecute", args=[fpn.pk]), {"notes": ""}))
    fpn.refresh_from_db()
    assert fpn.status == "prosecution" and fpn.history.latest().history_user == officer
    fresh = make_fpn(by=officer)
    response = client.post(reverse("enforcement:fpn_prosecute", args=[fresh.pk]), {"notes": ""})
    assert "within 14 days" in response.content.decode()
    fresh.refresh_from_db()
    assert fresh.status == "issued"


def test_pspo_page_shows_the_barnet_conditions_to_its_agency_and_readers_only(client, officer, manager, police_user):
    pspo = make_pspo(by=officer)
    client.force_login(manager)
    body = client.get(reverse("enforcement:pspo_detail", args=[pspo.pk])).content.decode()
    assert "more than 6 dogs" in body and "open fires or BBQs" in body
    assert "Extend the order" not in body  # managers read; only the owner agency's officers change it
    assert client.get(reverse("enforcement:pspo_extend", args=[pspo.pk])).status_code == 403
    client.force_login(police_user)
    for name in ("pspo_detail", "pspo_extend", "pspo_breach_add"):
        assert client.get(reverse(f"enforcement:{name}", args=[pspo.pk])).status_code == 404

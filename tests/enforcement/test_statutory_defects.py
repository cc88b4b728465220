"""Issue #15: the 2014 Act as it is worded, checked through the forms an officer or administrator submits.

Each test failed before the fix: the rule was held with the wrong number or counted from the wrong day.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from enforcement import services
from enforcement.models import (
    CivilInjunction,
    ClosureOrder,
    CommunityProtectionNotice,
    CPNStatus,
    CriminalBehaviourOrder,
    OffenceCode,
)
from tests.factories import make_closure_notice, make_cpn, make_notice_recipient, make_written_warning

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def d(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


# 1. s43(5)(b) ----------------------------------------------------------------------------------------------


def test_a_cpn_waits_for_the_time_to_comply_even_after_a_recorded_breach(client, case, officer):
    warning = make_written_warning(
        case=case, by=officer, served_at=datetime(2024, 2, 1, 10, tzinfo=LONDON), compliance_deadline=date(2024, 3, 1)
    )
    services.record_warning_breach(warning=warning, by=officer, on=date(2024, 2, 8), notes="Music again at 2am")
    client.force_login(officer)
    url = reverse("enforcement:cpn_create", args=[case.reference])
    post = {"warning": warning.pk, "served_how": "in_person", **d("compliance_deadline", date(2024, 3, 20))}
    response = client.post(url, {**post, **d("issued_on", date(2024, 2, 10))})
    body = response.content.decode()
    assert response.status_code == 200
    assert "runs until 1 March 2024" in body and "s43(5)(b)" in body
    assert CommunityProtectionNotice.objects.count() == 0
    response = client.post(url, {**post, **d("issued_on", date(2024, 3, 2))})
    assert response.status_code == 302
    assert CommunityProtectionNotice.objects.get().warning == warning


# 2. s46(2) -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lodged", "allowed"), [(date(2025, 11, 23), True), (date(2025, 11, 24), False)])
def test_a_cpn_appeal_window_is_21_days_beginning_with_the_day_of_issue(client, case, officer, lodged, allowed):
    cpn = make_cpn(case=case, by=officer, issued_on=date(2025, 11, 3))
    assert cpn.appeal_deadline == date(2025, 11, 23)
    client.force_login(officer)
    response = client.post(
        reverse("enforcement:cpn_appeal", args=[cpn.pk]), {**d("lodged_on", lodged), "grounds": "Not my music"}
    )
    cpn.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and cpn.status == CPNStatus.APPEALED
    else:
        body = response.content.decode()
        assert response.status_code == 200 and "23 November 2025" in body and "s46(2)" in body
        assert cpn.status == CPNStatus.IN_FORCE


# 3 and 4. s52(7), s52(8), s68 ------------------------------------------------------------------------------


def _offence_post(offence: OffenceCode, **changes) -> dict:
    data = {
        "code": offence.code,
        "statute": offence.statute,
        "description": offence.description,
        "full_amount": "100.00",
        "early_payment_amount": "70.00",
        "early_payment_days": "13",
        "payment_days": "28",
        "effective_from": offence.effective_from.isoformat(),
        "effective_to": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("code", ["CST08", "CST09"])
def test_an_early_payment_period_of_14_days_is_refused_for_cpn_and_pspo_breaches(client, admin_user, code):
    offence = OffenceCode.objects.get(code=code)
    client.force_login(admin_user)
    url = reverse("admin:enforcement_offencecode_change", args=[offence.pk])
    response = client.post(url, _offence_post(offence, early_payment_days="14"))
    assert response.status_code == 200
    assert "less than 14 days" in response.content.decode() and "s52(8)" in response.content.decode()
    assert client.post(url, _offence_post(offence, early_payment_days="13")).status_code == 302
    offence.refresh_from_db()
    assert offence.early_payment_days == 13


@pytest.mark.parametrize("code", ["CST08", "CST09"])
def test_an_amount_above_the_100_pound_cap_is_refused_for_cpn_and_pspo_breaches(client, admin_user, code):
    offence = OffenceCode.objects.get(code=code)
    client.force_login(admin_user)
    url = reverse("admin:enforcement_offencecode_change", args=[offence.pk])
    response = client.post(url, _offence_post(offence, full_amount="150.00"))
    body = response.content.decode()
    assert response.status_code == 200 and "£100" in body and "s52(7)" in body
    offence.refresh_from_db()
    assert offence.full_amount == 100


def test_the_seeded_cpn_and_pspo_breach_codes_offer_the_discount_for_13_days(db):
    for code in ("CST08", "CST09"):
        assert OffenceCode.objects.get(code=code).early_payment_days == 13


# 5. s84(5) -------------------------------------------------------------------------------------------------


def test_a_closure_order_appeal_runs_21_days_beginning_with_the_day_of_the_decision(client, case, officer):
    notice = make_closure_notice(
        case=case,
        by=officer,
        served_at=datetime(2025, 6, 1, 20, tzinfo=LONDON),
        hearing_at=datetime(2025, 6, 2, 10, tzinfo=LONDON),
    )
    client.force_login(officer)
    response = client.post(
        reverse("enforcement:closure_decision", args=[notice.pk]),
        {
            "decision": "granted",
            "heard_at": "2025-06-02T10:00",
            "court": "Willesden Magistrates' Court",
            "scope": "full",
            **d("starts_on", date(2025, 6, 2)),
            **d("ends_on", date(2025, 8, 1)),
        },
    )
    assert response.status_code == 302
    assert ClosureOrder.objects.get().appeal_deadline == date(2025, 6, 22)
    page = client.get(reverse("enforcement:closure_detail", args=[notice.pk])).content.decode()
    assert "22 June 2025" in page


# 6 and 7. s25(4)-(5), s1(2) ------------------------------------------------------------------------------------


def _court_order_post(party, born: date, made: date, **extra) -> dict:
    return {
        "subject": party.pk,
        **d("subject_date_of_birth", born),
        **d("application_heard_on", made),
        **d("made_on", made),
        **d("starts_on", made),
        "prohibitions": "Not to enter the Watling estate",
        **extra,
    }


def test_an_adult_cbo_lasts_at_least_2_years_or_is_indefinite(client, case, officer):
    person = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 6, 1))
    party = case.parties.get(person=person)
    client.force_login(officer)
    url = reverse("enforcement:cbo_create", args=[case.reference])
    made = date(2024, 6, 1)
    cbo = {"court": "Hendon Magistrates' Court", "conviction_offence": "Criminal damage"}
    born = date(1990, 6, 1)
    response = client.post(url, _court_order_post(party, born, made, **cbo, **d("ends_on", date(2026, 5, 30))))
    body = response.content.decode()
    assert response.status_code == 200 and "at least 2 years" in body and "31 May 2026" in body
    assert CriminalBehaviourOrder.objects.count() == 0
    response = client.post(url, _court_order_post(party, born, made, **cbo, **d("ends_on", date(2026, 5, 31))))
    assert response.status_code == 302
    assert client.post(url, _court_order_post(party, born, made, **cbo)).status_code == 302  # indefinite


def test_a_civil_injunction_respondent_must_be_10_or_over(client, case, officer):
    born = date(2014, 6, 2)  # 9 on 1 June 2024, 10 the next day
    person = make_notice_recipient(case=case, by=officer, first_name="Tom", date_of_birth=born)
    party = case.parties.get(person=person)
    client.force_login(officer)
    url = reverse("enforcement:injunction_create", args=[case.reference])
    youth_court = {"court": "Barnet Youth Court", **d("ends_on", date(2025, 1, 31))}
    response = client.post(url, _court_order_post(party, born, date(2024, 6, 1), **youth_court))
    body = response.content.decode()
    assert response.status_code == 200 and "aged 10 or over" in body and "s1" in body
    assert CivilInjunction.objects.count() == 0
    response = client.post(url, _court_order_post(party, born, date(2024, 6, 2), **youth_court))
    assert response.status_code == 302 and CivilInjunction.objects.get().is_youth

"""The Crime and Policing Act 2026 rules: off until an administrator sets their commencement date, then on.

Each test shows the behaviour before and after the date, through the forms officers and administrators submit.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework import roles
from enforcement.models import CivilInjunction, ClosureNotice, OffenceCode, OrderBreach, RespectOrder
from statutory import selectors, services
from statutory.models import Commencement
from tests.factories import CaseFactory, make_member, make_notice_recipient

pytestmark = pytest.mark.django_db


def d(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def commence(key: str, on: date, admin_user) -> None:
    services.set_commencement(
        commencement=Commencement.objects.get(key=key), commences_on=on, regulations="SI 2026/999", by=admin_user
    )


# --- the administrators' screen -------------------------------------------------------------------------


def test_an_administrator_sets_a_commencement_date_on_its_screen_with_history_and_audit(client, admin_user, officer):
    row = Commencement.objects.get(key="cpa2026-fpn-cap")
    assert row.commences_on is None  # every 2026 Act provision starts off
    assert selectors.value("fpn.cpn_pspo_max_amount", on=date(2030, 1, 1)) == 100
    client.force_login(admin_user)
    url = reverse("admin:statutory_commencement_change", args=[row.pk])
    page = client.get(url).content.decode()
    assert "From commencement, a fixed penalty for breaching a CPN or a PSPO can be at most £500" in page
    response = client.post(url, {"commences_on": "2027-04-01", "regulations": ""})
    assert response.status_code == 200 and "Name the commencement regulations" in response.content.decode()
    response = client.post(url, {"commences_on": "2027-04-01", "regulations": "SI 2027/321"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.commences_on == date(2027, 4, 1)
    latest = row.history.latest()
    assert latest.history_user == admin_user and "1 April 2027" in latest.history_change_reason
    log = AccessLog.objects.get(object_type="commencement")
    assert log.user == admin_user and log.details["to"] == "2027-04-01" and log.details["regulations"] == "SI 2027/321"
    assert selectors.value("fpn.cpn_pspo_max_amount", on=date(2027, 3, 31)) == 100
    assert selectors.value("fpn.cpn_pspo_max_amount", on=date(2027, 4, 1)) == 500
    client.force_login(officer)  # an officer cannot reach the screen
    assert client.get(url).status_code in (302, 403)


def test_a_dated_rule_switches_by_its_dates_of_effect():
    assert selectors.value("cbo.citation", on=date(2020, 11, 30)).startswith("s22 of the Anti-social Behaviour")
    assert selectors.value("cbo.citation", on=date(2020, 12, 1)).startswith("s330 of the Sentencing Act 2020")


# --- £500 cap for CPN and PSPO breach penalties ---------------------------------------------------------


def _offence_post(**values) -> dict:
    return {
        "statute": "Anti-Social Behaviour, Crime and Policing Act 2014, Section 48",
        "description": "Breach of a Community Protection Notice",
        "early_payment_days": "13",
        "payment_days": "28",
        "effective_to": "",
        **values,
    }


def test_the_500_pound_cap_applies_from_its_commencement_date(client, admin_user):
    old = OffenceCode.objects.get(code="CST08")
    client.force_login(admin_user)
    change = reverse("admin:enforcement_offencecode_change", args=[old.pk])
    response = client.post(
        change,
        _offence_post(
            code="CST08",
            full_amount="100.00",
            early_payment_amount="70.00",
            effective_from=old.effective_from.isoformat(),
            effective_to="2027-03-31",
        ),
    )
    assert response.status_code == 302
    add = reverse("admin:enforcement_offencecode_add")
    new = _offence_post(code="CST08", full_amount="500.00", early_payment_amount="350.00", effective_from="2027-04-01")
    refused = client.post(add, new)
    assert refused.status_code == 200 and "at most £100 on 1 April 2027" in refused.content.decode()
    commence("cpa2026-fpn-cap", date(2027, 4, 1), admin_user)
    assert client.post(add, new).status_code == 302
    row = OffenceCode.objects.get(code="CST08", effective_from=date(2027, 4, 1))
    assert row.full_amount == Decimal("500.00")
    too_much = _offence_post(code="CST09", full_amount="600.00", early_payment_amount="350.00")
    response = client.post(add, {**too_much, "effective_from": "2027-04-01"})
    assert "at most £500" in response.content.decode()


# --- closure powers for registered housing providers ---------------------------------------------------


def _closure_post(served, **extra) -> dict:
    return {
        "premises": "Flat 3, 12 Watling Avenue",
        "prohibition": "All persons except the tenant",
        "authorised_by_role": "housing_senior_manager",
        "authorised_by_name": "Director of Housing Management",
        "consultation": "Police; council",
        "people_informed": "Tenant and household",
        "served_at": timezone.localtime(served).strftime("%Y-%m-%dT%H:%M"),
        "duration_hours": "24",
        "hearing_court": "Willesden Magistrates' Court",
        "hearing_at": timezone.localtime(served + timedelta(hours=20)).strftime("%Y-%m-%dT%H:%M"),
        "housing_advice": "Barnet Homes Housing Options",
        "legal_advice": "Citizens Advice Barnet",
        **extra,
    }


def test_a_housing_provider_issues_closure_notices_only_from_commencement(client, barnet_homes, ward, admin_user):
    hb_officer = make_member(barnet_homes, roles.ENFORCEMENT_OFFICER, "hb-officer")
    case = CaseFactory(by=hb_officer, ward=ward)
    client.force_login(hb_officer)
    url = reverse("enforcement:closure_create", args=[case.reference])
    served = timezone.now() - timedelta(hours=1)
    response = client.post(url, _closure_post(served))
    assert response.status_code == 200 and "only the police or the council can" in response.content.decode()
    assert ClosureNotice.objects.count() == 0
    commence("cpa2026-housing-provider-closure", timezone.localdate() - timedelta(days=1), admin_user)
    response = client.post(url, _closure_post(served))
    assert response.status_code == 302
    notice = ClosureNotice.objects.get()
    assert notice.issuing_agency == barnet_homes and notice.authorised_by_role == "housing_senior_manager"
    earlier = client.post(url, _closure_post(timezone.now() - timedelta(days=3)))  # served before commencement
    assert "only the police or the council can" in earlier.content.decode()


# --- Respect Orders and the pre-application risk assessment --------------------------------------------


def _order_post(party, born: date, heard: date, **extra) -> dict:
    return {
        "subject": party.pk,
        **d("subject_date_of_birth", born),
        **d("application_heard_on", heard),
        **d("made_on", heard),
        **d("starts_on", heard),
        "court": "Barnet County Court",
        "prohibitions": "Not to enter the Grahame Park estate",
        **extra,
    }


def test_respect_orders_replace_adult_injunctions_from_commencement(client, case, officer, admin_user, police_user):
    today = timezone.localdate()
    adult = make_notice_recipient(case=case, by=officer, first_name="Adam", date_of_birth=date(1990, 1, 1))
    youth_born = today - timedelta(days=16 * 365)
    youth = make_notice_recipient(case=case, by=officer, first_name="Yusuf", date_of_birth=youth_born)
    adult_party, youth_party = case.parties.get(person=adult), case.parties.get(person=youth)
    client.force_login(officer)
    injunction_url = reverse("enforcement:injunction_create", args=[case.reference])
    respect_url = reverse("enforcement:respect_order_create", args=[case.reference])
    before = today - timedelta(days=20)
    # Before commencement: an adult gets an injunction; a Respect Order is refused.
    assert client.post(injunction_url, _order_post(adult_party, date(1990, 1, 1), before)).status_code == 302
    refused = client.post(respect_url, _order_post(adult_party, date(1990, 1, 1), before))
    assert "Respect Orders are not in force" in refused.content.decode()
    commence("cpa2026-respect-orders", today - timedelta(days=10), admin_user)
    # After: an adult gets a Respect Order, not an injunction; an under-18 keeps the injunction.
    refused = client.post(injunction_url, _order_post(adult_party, date(1990, 1, 1), today))
    assert "Record a Respect Order" in refused.content.decode()
    assert client.post(respect_url, _order_post(youth_party, youth_born, today)).status_code == 200
    response = client.post(
        respect_url,
        _order_post(adult_party, date(1990, 1, 1), today, power_of_arrest="on", power_of_arrest_terms="Violence"),
    )
    assert response.status_code == 302
    order = RespectOrder.objects.get()
    assert order.power_of_arrest and order.subject == adult and not order.is_youth
    assert order.history.get().history_user == officer
    youth_injunction = _order_post(youth_party, youth_born, today, court="Barnet Youth Court")
    assert (
        client.post(injunction_url, {**youth_injunction, **d("ends_on", today + timedelta(days=200))}).status_code
        == 302
    )
    assert CivilInjunction.objects.count() == 2  # the adult one made before commencement stays
    # The case page lists it, the timeline shows it, and a breach is recorded on it.
    page = client.get(reverse("enforcement:case_enforcement", args=[case.reference])).content.decode()
    assert f"Respect Order {order.pk}" in page and "Record a Respect Order" in page
    detail = reverse("enforcement:respect_order_detail", args=[order.pk])
    assert "Part A1 of the 2014 Act" in client.get(detail).content.decode()
    breach = client.post(
        reverse("enforcement:respect_order_breach", args=[order.pk]),
        {**d("occurred_on", today), "description": "Seen on the estate", "action_taken": "Arrested"},
    )
    assert breach.status_code == 302 and OrderBreach.objects.get().respect_order == order
    # Outsiders reach it through the same access path as an injunction: 404.
    client.force_login(police_user)
    assert client.get(detail).status_code == 404
    assert client.get(reverse("enforcement:respect_order_breach", args=[order.pk])).status_code == 404


def test_a_risk_assessment_is_needed_before_applying_from_commencement(client, case, officer, admin_user):
    today = timezone.localdate()
    born = today - timedelta(days=15 * 365)
    person = make_notice_recipient(case=case, by=officer, first_name="Tia", date_of_birth=born)
    party = case.parties.get(person=person)
    client.force_login(officer)
    url = reverse("enforcement:injunction_create", args=[case.reference])
    post = _order_post(party, born, today, court="Barnet Youth Court", **d("ends_on", today + timedelta(days=200)))
    commence("cpa2026-injunction-risk-assessment", today - timedelta(days=5), admin_user)
    response = client.post(url, post)
    assert response.status_code == 200 and "Record the risk assessment of the respondent" in response.content.decode()
    assert CivilInjunction.objects.count() == 0
    before = _order_post(party, born, today - timedelta(days=6), court="Barnet Youth Court")
    assert client.post(url, {**before, **d("ends_on", today + timedelta(days=200))}).status_code == 302
    assessed = {**post, **d("risk_assessed_on", today - timedelta(days=7)), "risk_assessment": "No vulnerabilities"}
    assert client.post(url, assessed).status_code == 302
    assert CivilInjunction.objects.filter(risk_assessment="No vulnerabilities").exists()

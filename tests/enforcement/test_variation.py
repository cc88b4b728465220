"""Variation and discharge of closure orders (s82-s83), CBOs (s27) and civil injunctions (s8): only an order in
force, a closure order never beyond 6 months in all, a new end after the variation; status, registers, history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from casework.errors import InvalidTransition, NotAllowed
from enforcement import presenters, selectors, services
from enforcement.models import ClosureOrder, CriminalBehaviourOrder, OrderVariation
from tests.factories import make_cbo, make_closure_order, make_injunction

pytestmark = pytest.mark.django_db


def date_fields(name: str, value) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def latest_history(model, pk):
    return model.history.filter(id=pk).order_by("-history_date", "-history_id").first()


@pytest.fixture
def closure_order(case, officer):
    return make_closure_order(case=case, by=officer)


@pytest.fixture
def cbo(case, officer):
    return make_cbo(case=case, by=officer)


@pytest.fixture
def injunction(case, officer):
    return make_injunction(case=case, by=officer)


def snapshot(order) -> dict:
    order.refresh_from_db()
    history = type(order).history.filter(id=order.pk).count()
    fields = ("status", "ends_on", "terms", "prohibitions", "requirements", "next_review_on")
    state = {name: getattr(order, name) for name in fields if hasattr(order, name)}
    return {**state, "history": history, "decisions": OrderVariation.objects.count()}


# --- Closure orders --------------------------------------------------------------------------------------


def test_a_closure_order_is_varied_within_six_months(closure_order, officer):
    today = timezone.localdate()
    latest = services.closure_order_total_latest_end(closure_order.starts_on)
    variation = services.vary_order(
        order=closure_order,
        by=officer,
        decided_on=today,
        court="Willesden Magistrates' Court",
        new_ends_on=latest,
        new_terms="The ground floor flat only",
    )
    closure_order.refresh_from_db()
    assert closure_order.ends_on == latest and closure_order.terms == "The ground floor flat only"
    assert closure_order.status == "in_force"
    assert variation.decision == "varied" and variation.previous_ends_on == closure_order.starts_on + timedelta(days=60)
    assert variation.case_id == closure_order.case_id and variation.closure_order_id == closure_order.pk


def test_a_varied_closure_order_can_never_exceed_six_months_in_all(closure_order, officer):
    before = snapshot(closure_order)
    latest = services.closure_order_total_latest_end(closure_order.starts_on)
    with pytest.raises(NotAllowed) as refusal:
        services.vary_order(
            order=closure_order,
            by=officer,
            decided_on=timezone.localdate(),
            court="Willesden Magistrates' Court",
            new_ends_on=latest + timedelta(days=1),
        )
    assert str(refusal.value) == (
        "A closure order can never last more than 6 months in all (s82(4)): "
        f"this one must end by {presenters.d(latest)}."
    )
    assert snapshot(closure_order) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"new_ends_on": 0}, "The new last day of the order must be after the date of the variation"),
        ({"new_ends_on": -5}, "The new last day of the order must be after the date of the variation"),
        ({}, "Enter what the court changed: the order's new last day, its new terms, or both."),
        ({"new_terms": "x", "court": " "}, "Enter the court."),
        ({"new_terms": "x", "decided_on": -30}, "it cannot be varied before then"),
        ({"new_terms": "x", "decided_on": 1}, "cannot be in the future"),
    ],
)
def test_variation_refusals_name_the_rule_and_save_nothing(closure_order, officer, change, message):
    today = timezone.localdate()
    data = {"decided_on": today, "court": "Willesden Magistrates' Court", **change}
    for name in ("new_ends_on", "decided_on"):
        if isinstance(data.get(name), int):
            data[name] = today + timedelta(days=data[name])
    before = snapshot(closure_order)
    with pytest.raises(NotAllowed) as refusal:
        services.vary_order(order=closure_order, by=officer, **data)
    assert message in str(refusal.value)
    assert snapshot(closure_order) == before


def test_a_discharged_closure_order_ends_that_day_and_can_no_longer_change(closure_order, officer):
    today = timezone.localdate()
    discharge = services.discharge_order(
        order=closure_order, by=officer, decided_on=today, court="Willesden Magistrates' Court", reason="Owner evicted"
    )
    closure_order.refresh_from_db()
    assert closure_order.status == "discharged" and closure_order.ends_on == today
    assert discharge.previous_ends_on == closure_order.starts_on + timedelta(days=60) and discharge.new_ends_on == today
    before = snapshot(closure_order)
    for call in (
        lambda: services.vary_order(order=closure_order, by=officer, decided_on=today, court="C", new_terms="x"),
        lambda: services.discharge_order(order=closure_order, by=officer, decided_on=today, court="C", reason="x"),
    ):
        with pytest.raises(InvalidTransition, match="only an order in force can be"):
            call()
    with pytest.raises(InvalidTransition, match="A discharged order cannot be extended"):
        services.extend_closure_order(order=closure_order, by=officer, decided_on=today, new_ends_on=today, court="C")
    assert snapshot(closure_order) == before


def test_a_discharge_needs_the_court_s_reason(closure_order, officer):
    before = snapshot(closure_order)
    with pytest.raises(NotAllowed, match="Enter the reason the court discharged the order."):
        services.discharge_order(order=closure_order, by=officer, decided_on=timezone.localdate(), court="C", reason="")
    assert snapshot(closure_order) == before


def test_the_closure_register_and_deadlines_reflect_a_discharge(client, case, officer):
    today = timezone.localdate()
    order = make_closure_order(case=case, by=officer, ends_on=today + timedelta(days=3))
    assert any(d.kind == "Closure order ends" for d in selectors.deadlines(user=officer))
    services.discharge_order(order=order, by=officer, decided_on=today, court="C", reason="Premises sold")
    assert not any(d.kind == "Closure order ends" for d in selectors.deadlines(user=officer))
    client.force_login(officer)
    assert "Closure order discharged" in client.get(reverse("enforcement:closure_list")).content.decode()
    page = client.get(reverse("enforcement:case_enforcement", args=[case.reference])).content.decode()
    assert "closure order discharged" in page


# --- CBOs and injunctions --------------------------------------------------------------------------------


def test_a_varied_cbo_shows_varied_with_its_new_terms_and_end(cbo, officer):
    today = timezone.localdate()
    services.vary_order(
        order=cbo,
        by=officer,
        decided_on=today,
        court="Hendon Magistrates' Court",
        new_ends_on=today + timedelta(days=800),
        new_prohibitions="Not to enter Burnt Oak Broadway",
        reason="Moved address",
    )
    cbo.refresh_from_db()
    assert cbo.status == "varied" and cbo.get_status_display() == "Varied"
    assert cbo.ends_on == today + timedelta(days=800) and cbo.prohibitions == "Not to enter Burnt Oak Broadway"
    services.vary_order(order=cbo, by=officer, decided_on=today, court="Hendon", new_requirements="Attend a course")
    cbo.refresh_from_db()
    assert cbo.requirements == "Attend a course" and cbo.prohibitions == "Not to enter Burnt Oak Broadway"
    assert cbo.variations.count() == 2


def test_a_court_order_is_varied_by_prohibitions_or_requirements_not_terms(cbo, officer):
    before = snapshot(cbo)
    with pytest.raises(NotAllowed, match="new prohibitions or requirements"):
        services.vary_order(order=cbo, by=officer, decided_on=timezone.localdate(), court="C", new_terms="x")
    assert snapshot(cbo) == before


def test_an_order_that_has_ended_cannot_be_varied_or_discharged(case, officer):
    three_years_ago = timezone.localdate() - timedelta(days=1100)
    ended = make_cbo(case=case, by=officer, made_on=three_years_ago, ends_on=three_years_ago + timedelta(days=740))
    before = snapshot(ended)
    with pytest.raises(NotAllowed, match="only an order in force can be varied"):
        services.vary_order(order=ended, by=officer, decided_on=timezone.localdate(), court="C", new_requirements="x")
    with pytest.raises(NotAllowed, match="only an order in force can be discharged"):
        services.discharge_order(order=ended, by=officer, decided_on=timezone.localdate(), court="C", reason="x")
    assert snapshot(ended) == before


def test_a_discharged_injunction_ends_leaves_the_deadlines_and_takes_no_breaches(client, case, officer):
    today = timezone.localdate()
    injunction = make_injunction(case=case, by=officer, ends_on=today + timedelta(days=5))
    assert any(d.kind == "Injunction ends" for d in selectors.deadlines(user=officer))
    services.discharge_order(
        order=injunction, by=officer, decided_on=today, court="Barnet County Court", reason="Moved"
    )
    injunction.refresh_from_db()
    assert injunction.status == "discharged" and injunction.ends_on == today and injunction.next_review_on is None
    assert not any(d.kind == "Injunction ends" for d in selectors.deadlines(user=officer))
    with pytest.raises(InvalidTransition, match="no longer in force"):
        services.record_order_breach(order=injunction, by=officer, occurred_on=today, description="Music again")
    client.force_login(officer)
    register = client.get(reverse("enforcement:injunction_list")).content.decode()
    assert ">Discharged</strong>" in register


def test_an_indefinite_injunction_discharged_gets_that_day_as_its_last(injunction, officer):
    today = timezone.localdate()
    discharge = services.discharge_order(order=injunction, by=officer, decided_on=today, court="C", reason="Moved")
    assert discharge.previous_ends_on is None and discharge.new_ends_on == today


def test_only_users_who_may_change_the_case_can_vary_or_discharge(
    shared_case, closure_order, cbo, injunction, housing_user, police_user
):
    today = timezone.localdate()
    for user in (housing_user, police_user):
        for order in (closure_order, cbo, injunction):
            with pytest.raises(NotAllowed):
                services.vary_order(order=order, by=user, decided_on=today, court="C", new_ends_on=today + timedelta(1))
            with pytest.raises(NotAllowed):
                services.discharge_order(order=order, by=user, decided_on=today, court="C", reason="x")
    assert not OrderVariation.objects.exists()


def test_history_rows_name_the_officer_and_the_reason(cbo, closure_order, officer):
    today = timezone.localdate()
    variation = services.vary_order(order=cbo, by=officer, decided_on=today, court="C", new_requirements="Curfew")
    row = latest_history(OrderVariation, variation.pk)
    assert row.history_type == "+" and row.history_user == officer
    assert row.history_change_reason == "Order varied by the court"
    order_row = latest_history(CriminalBehaviourOrder, cbo.pk)
    assert order_row.history_user == officer and order_row.history_change_reason.startswith("Varied by the court")
    discharge = services.discharge_order(order=closure_order, by=officer, decided_on=today, court="C", reason="x")
    assert latest_history(OrderVariation, discharge.pk).history_change_reason == "Order discharged by the court"
    order_row = latest_history(ClosureOrder, closure_order.pk)
    assert order_row.history_user == officer and order_row.status == "discharged"
    assert order_row.history_change_reason.startswith("Discharged by the court")


# --- The screens -----------------------------------------------------------------------------------------


def urls(closure_order, cbo, injunction) -> list[str]:
    return [
        reverse("enforcement:closure_order_vary", args=[closure_order.pk]),
        reverse("enforcement:closure_order_discharge", args=[closure_order.pk]),
        reverse("enforcement:cbo_vary", args=[cbo.pk]),
        reverse("enforcement:cbo_discharge", args=[cbo.pk]),
        reverse("enforcement:injunction_vary", args=[injunction.pk]),
        reverse("enforcement:injunction_discharge", args=[injunction.pk]),
    ]


def test_an_officer_varies_a_cbo_through_the_screens(client, cbo, officer):
    today = timezone.localdate()
    client.force_login(officer)
    detail = reverse("enforcement:cbo_detail", args=[cbo.pk])
    url = reverse("enforcement:cbo_vary", args=[cbo.pk])
    assert f'href="{url}"' in client.get(detail).content.decode()
    assert "Hendon Magistrates" in client.get(url).content.decode()  # the court is filled in
    response = client.post(
        url,
        {
            **date_fields("decided_on", today),
            "court": "Hendon Magistrates' Court",
            **date_fields("new_ends_on", today + timedelta(days=800)),
            "new_prohibitions": "Not to enter Edgware Road",
        },
    )
    assert response.status_code == 302 and response["Location"] == detail
    views_before = AccessLog.objects.filter(object_type="cbo", object_id=cbo.pk).count()
    body = client.get(detail).content.decode()
    assert "Variations and discharge" in body and "new prohibitions: Not to enter Edgware Road" in body
    assert f"to {presenters.d(today + timedelta(days=800))}" in body
    assert "Varied" in body
    assert AccessLog.objects.filter(object_type="cbo", object_id=cbo.pk).count() == views_before + 1


def test_an_officer_discharges_a_closure_order_through_the_screens(client, closure_order, officer):
    today = timezone.localdate()
    client.force_login(officer)
    detail = reverse("enforcement:closure_detail", args=[closure_order.notice_id])
    url = reverse("enforcement:closure_order_discharge", args=[closure_order.pk])
    assert f'href="{url}"' in client.get(detail).content.decode()
    response = client.post(url, {**date_fields("decided_on", today), "court": "Willesden", "reason": "Owner evicted"})
    assert response.status_code == 302 and response["Location"] == detail
    body = client.get(detail).content.decode()
    assert f"Discharged on {presenters.d(today)} by Willesden: Owner evicted." in body
    assert f'href="{url}"' not in body  # nothing more to record on a discharged order
    closure_order.refresh_from_db()
    assert closure_order.status == "discharged"


def test_the_screen_shows_the_refusal_and_saves_nothing(client, injunction, closure_order, cbo, officer):
    today = timezone.localdate()
    client.force_login(officer)
    response = client.post(
        reverse("enforcement:injunction_vary", args=[injunction.pk]),
        {**date_fields("decided_on", today), "court": "Barnet", **date_fields("new_ends_on", today)},
    )
    assert response.status_code == 200
    assert "The new last day of the order must be after the date of the variation" in response.content.decode()
    latest = services.closure_order_total_latest_end(closure_order.starts_on)
    response = client.post(
        reverse("enforcement:closure_order_vary", args=[closure_order.pk]),
        {**date_fields("decided_on", today), "court": "W", **date_fields("new_ends_on", latest + timedelta(days=1))},
    )
    assert "can never last more than 6 months in all" in response.content.decode()
    response = client.post(reverse("enforcement:cbo_discharge", args=[cbo.pk]), {})
    assert "Enter the reason the court discharged the order" in response.content.decode()
    assert not OrderVariation.objects.exists()


def test_a_view_only_partner_gets_403_and_an_unshared_partner_404(
    client, shared_case, closure_order, cbo, injunction, housing_user, police_user
):
    for user, status in ((housing_user, 403), (police_user, 404)):
        client.force_login(user)
        for url in urls(closure_order, cbo, injunction):
            assert client.get(url).status_code == status, url
            assert client.post(url, {"reason": "x"}).status_code == status, url
    client.force_login(housing_user)
    detail = client.get(reverse("enforcement:cbo_detail", args=[cbo.pk])).content.decode()
    assert reverse("enforcement:cbo_vary", args=[cbo.pk]) not in detail
    assert not OrderVariation.objects.exists()


def test_the_case_timeline_shows_variations_and_discharges(client, cbo, injunction, officer):
    today = timezone.localdate()
    services.vary_order(order=cbo, by=officer, decided_on=today, court="C", new_requirements="Curfew")
    services.discharge_order(order=injunction, by=officer, decided_on=today, court="C", reason="Moved")
    client.force_login(officer)
    body = client.get(f"/cases/{cbo.case.reference}/timeline/").content.decode()
    assert "Order varied by the court" in body and "Order discharged by the court" in body


def test_a_variation_keeps_the_under_18_and_adult_length_rules(case, officer):
    from tests.factories import make_notice_recipient

    today = timezone.localdate()
    teenager = make_notice_recipient(
        case=case, by=officer, first_name="Jay", date_of_birth=today.replace(year=today.year - 16) - timedelta(days=1)
    )
    youth_cbo = make_cbo(case=case, by=officer, subject=teenager, ends_on=today + timedelta(days=400))
    assert youth_cbo.is_youth
    with pytest.raises(NotAllowed, match="under 18 must last between 1 and 3 years"):
        services.vary_order(
            order=youth_cbo,
            by=officer,
            decided_on=today,
            court="Hendon Youth Court",
            new_ends_on=today + timedelta(days=4 * 365),
        )
    youth_injunction = make_injunction(case=case, by=officer, subject=teenager, ends_on=today + timedelta(days=180))
    with pytest.raises(NotAllowed, match="under 18 lasts at most 12 months"):
        services.vary_order(
            order=youth_injunction,
            by=officer,
            decided_on=today,
            court="Hendon Youth Court",
            new_ends_on=today + timedelta(days=500),
        )
    adult_cbo = make_cbo(case=case, by=officer)
    with pytest.raises(NotAllowed, match="on an adult lasts at least 2 years"):
        services.vary_order(
            order=adult_cbo,
            by=officer,
            decided_on=today,
            court="Hendon Magistrates' Court",
            new_ends_on=today + timedelta(days=30),
        )
    assert not OrderVariation.objects.exists()  # every refusal saved nothing
    services.vary_order(
        order=youth_cbo,
        by=officer,
        decided_on=today,
        court="Hendon Youth Court",
        new_ends_on=today + timedelta(days=2 * 365),
    )
    youth_cbo.refresh_from_db()
    assert youth_cbo.ends_on == today + timedelta(days=2 * 365)

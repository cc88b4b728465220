"""Case costs (#20): officer time and spend per action, for agencies that record them; who records, who sees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from casework import costs, services
from casework.errors import NotAllowed
from casework.models import ActionCost, LegalBasis, SpendKind


@pytest.fixture
def costed(shared_case, officer, council, police, police_user):
    """The council leads and records costs; the police (change rights) own an action; Barnet Homes reads."""
    council.records_costs = True
    council.save()
    police.records_costs = True
    police.save()
    services.share_case(
        case=shared_case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Patrols", by=officer, can_change=True
    )
    today = timezone.localdate()
    ours = services.add_action(
        case=shared_case, by=officer, description="Mediation", owner_agency=council, due_date=today
    )
    theirs = services.add_action(
        case=shared_case, by=officer, description="Patrols", owner_agency=police, due_date=today
    )
    return shared_case, ours, theirs


def _record(action, by, **kwargs):
    values = {"spent_on": timezone.localdate(), "minutes": 90, "spend": Decimal("0")}
    values.update(kwargs)
    return costs.record_cost(action=action, by=by, **values)


def test_the_lead_records_time_and_spend_with_history(costed, officer):
    case, ours, _ = costed
    cost = _record(ours, officer, minutes=150, spend=Decimal("250.00"), spend_kind=SpendKind.MEDIATION)
    assert (cost.agency, cost.case, cost.minutes, cost.spend) == (ours.owner_agency, case, 150, Decimal("250.00"))
    row = cost.history.get()
    assert row.history_user == officer and row.history_change_reason == "Cost recorded"


def test_an_agency_that_does_not_record_costs_cannot(costed, officer, council):
    _, ours, _ = costed
    council.records_costs = False
    council.save()
    with pytest.raises(NotAllowed, match="does not record case costs"):
        _record(ours, officer)
    assert not ActionCost.objects.exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"minutes": -1}, "cannot be less than 0"),
        ({"minutes": 0, "spend": Decimal("-5")}, "cannot be less than 0"),
        ({"minutes": 101 * 60}, "100 hours or less"),
        ({"minutes": 0, "spend": Decimal("50000.01"), "spend_kind": SpendKind.LEGAL}, "£50,000 or less"),
        ({"minutes": 0}, "Enter the officer time, the spend, or both"),
        ({"spend": Decimal("10")}, "Choose what the money was spent on"),
        ({"spent_on": timezone.localdate() + timedelta(days=1)}, "today or in the past"),
        ({"spent_on": timezone.localdate() - timedelta(days=4000)}, "on or after the day the case was opened"),
    ],
)
def test_bad_costs_are_refused_and_nothing_is_saved(costed, officer, values, message):
    _, ours, _ = costed
    with pytest.raises(NotAllowed, match=message):
        _record(ours, officer, **values)
    assert not ActionCost.objects.exists()


def test_owner_and_lead_record_others_do_not(costed, officer, police_user, housing_user, manager):
    _, ours, theirs = costed
    _record(theirs, police_user)  # the owner agency
    _record(theirs, officer)  # the lead agency, for the owner
    for who in (housing_user, manager):
        with pytest.raises(NotAllowed):
            _record(theirs, who)
    with pytest.raises(NotAllowed):  # police may change the case but do not own the council's action
        _record(ours, police_user)
    assert ActionCost.objects.count() == 2


def test_each_agency_sees_its_own_costs_and_the_lead_sees_all(
    client, costed, officer, police_user, housing_user, manager
):
    case, ours, theirs = costed
    _record(ours, officer, minutes=60, spend=Decimal("1200.50"), spend_kind=SpendKind.CLEAN_UP, description="Skip hire")
    _record(theirs, police_user, minutes=45)
    url = f"/cases/{case.reference}/actions/"

    client.force_login(officer)
    page = client.get(url).content.decode()
    assert "1 hour 45 minutes" in page and "£1,200.50" in page and "Every agency" in page

    client.force_login(police_user)
    page = client.get(url).content.decode()
    assert "45 minutes" in page and "1,200.50" not in page and "Skip hire" not in page
    assert "Your agency&#x27;s costs only" in page or "Your agency's costs only" in page

    client.force_login(housing_user)  # a partner that records nothing and owns nothing: no costs shown at all
    page = client.get(url).content.decode()
    assert "Time and spend" not in page and "1,200.50" not in page and "45 minutes" not in page

    client.force_login(manager)
    page = client.get(url).content.decode()
    assert "1 hour 45 minutes" in page and "£1,200.50" in page


def test_the_form_records_hours_and_minutes(client, costed, officer):
    case, ours, _ = costed
    client.force_login(officer)
    url = f"/cases/{case.reference}/actions/{ours.pk}/costs/add/"
    today = timezone.localdate()
    date = {"spent_on_0": today.day, "spent_on_1": today.month, "spent_on_2": today.year}
    response = client.post(url, {**date, "hours": "2", "minutes": "15", "spend": "75.5", "spend_kind": "legal"})
    assert response.status_code == 302
    cost = ActionCost.objects.get()
    assert (cost.minutes, cost.spend, cost.spend_kind) == (135, Decimal("75.50"), "legal")
    assert "2 hours 15 minutes" in client.get(f"/cases/{case.reference}/actions/").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hours": "-1"}, "The hours cannot be less than 0"),
        ({"minutes": "75"}, "The minutes must be 59 or less"),
        ({"hours": "two"}, "Enter the hours as a whole number"),
        ({"spend": "-3", "spend_kind": "legal"}, "The spend cannot be less than 0"),
        ({"spend": "60000", "spend_kind": "legal"}, "£50,000 or less"),
        ({"spend": "10"}, "Choose what the money was spent on"),
        ({"spend_kind": "legal"}, "Enter how much was spent"),
        ({}, "Enter the officer time, the spend, or both"),
    ],
)
def test_the_form_says_what_is_wrong(client, costed, officer, data, message):
    case, ours, _ = costed
    client.force_login(officer)
    today = timezone.localdate()
    date = {"spent_on_0": today.day, "spent_on_1": today.month, "spent_on_2": today.year}
    response = client.post(f"/cases/{case.reference}/actions/{ours.pk}/costs/add/", {**date, **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ActionCost.objects.exists()


def test_a_cost_is_removed_by_its_agency_or_the_lead_only(client, costed, officer, police_user):
    case, ours, theirs = costed
    lead_cost = _record(ours, officer)
    police_cost = _record(theirs, police_user)
    client.force_login(police_user)
    assert client.post(f"/cases/{case.reference}/actions/costs/{lead_cost.pk}/remove/").status_code == 404
    client.force_login(officer)
    assert client.post(f"/cases/{case.reference}/actions/costs/{police_cost.pk}/remove/").status_code == 302
    assert list(ActionCost.objects.all()) == [lead_cost]
    removed = ActionCost.history.filter(id=police_cost.pk).latest("history_date")
    assert removed.history_type == "-" and removed.history_user == officer


def test_recording_on_an_action_of_an_agency_without_costs_is_refused(client, costed, officer, council):
    case, ours, _ = costed
    council.records_costs = False
    council.save()
    client.force_login(officer)
    assert client.get(f"/cases/{case.reference}/actions/{ours.pk}/costs/add/").status_code == 403
    page = client.get(f"/cases/{case.reference}/actions/").content.decode()
    assert f"/actions/{ours.pk}/costs/add/" not in page


def test_the_actions_tab_reads_costs_in_a_fixed_number_of_queries(
    client, costed, officer, django_assert_max_num_queries
):
    case, ours, theirs = costed
    client.force_login(officer)
    client.get(f"/cases/{case.reference}/actions/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/cases/{case.reference}/actions/")
    for n in range(5):
        action = services.add_action(
            case=case, by=officer, description=f"More {n}", owner_agency=ours.owner_agency, due_date=ours.due_date
        )
        _record(action, officer)
        _record(theirs, officer)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/cases/{case.reference}/actions/")
    assert len(many) == len(few)

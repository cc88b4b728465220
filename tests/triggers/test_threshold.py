"""The threshold rules: what counts, what does not, and the reasoning the officer sees."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from casework import services as casework_services
from casework.models import PartyRole
from tests.factories import CaseFactory, TriggerApplicationFactory, incident_report
from triggers import selectors
from triggers.threshold import Complaint, Rules, evaluate

RECEIVED = date(2026, 3, 15)
RULES = Rules()


def complaint(occurred_on, reported_on=None, *, to="Police", hate=False, who="applicant"):
    return Complaint(
        occurred_on=occurred_on,
        reported_on=reported_on or occurred_on,
        reported_to=to,
        hate_related=hate,
        complainant=who,
    )


def test_three_complaints_in_six_months_meet_the_threshold():
    result = evaluate(
        complaints=[complaint(date(2026, 1, 5)), complaint(date(2026, 2, 1)), complaint(date(2026, 3, 1))],
        received_on=RECEIVED,
        rules=RULES,
    )
    assert result.met
    assert result.qualifying_incidents == 3
    assert result.summary.startswith("3 qualifying complaints (3 needed)")
    assert "→ threshold met" in result.summary
    assert "Counted: 5 January 2026, reported to Police on 5 January 2026." in result.lines


def test_two_complaints_do_not():
    result = evaluate(
        complaints=[complaint(date(2026, 1, 5)), complaint(date(2026, 2, 1))], received_on=RECEIVED, rules=RULES
    )
    assert not result.met
    assert result.qualifying_incidents == 2
    assert result.summary.endswith("→ threshold not met.")


def test_a_complaint_reported_32_days_after_the_incident_does_not_count():
    late = complaint(date(2026, 1, 5), date(2026, 1, 5) + timedelta(days=32))
    result = evaluate(
        complaints=[late, complaint(date(2026, 2, 1)), complaint(date(2026, 3, 1))], received_on=RECEIVED, rules=RULES
    )
    assert not result.met
    assert result.qualifying_incidents == 2
    assert any("5 January 2026 was reported 32 days later (more than 1 month)" in line for line in result.lines)


def test_a_complaint_reported_exactly_one_month_later_counts():
    on_the_day = complaint(date(2026, 1, 10), date(2026, 2, 10))
    result = evaluate(
        complaints=[on_the_day, complaint(date(2026, 2, 1)), complaint(date(2026, 3, 1))],
        received_on=RECEIVED,
        rules=RULES,
    )
    assert result.met
    assert result.qualifying_incidents == 3


def test_window_edges_exactly_six_months():
    edge = date(2025, 9, 15)  # exactly 6 months before 15 March 2026
    inside = evaluate(
        complaints=[complaint(edge), complaint(date(2026, 1, 1)), complaint(date(2026, 2, 1))],
        received_on=RECEIVED,
        rules=RULES,
    )
    assert inside.met and inside.window_start == edge
    outside = evaluate(
        complaints=[complaint(edge - timedelta(days=1)), complaint(date(2026, 1, 1)), complaint(date(2026, 2, 1))],
        received_on=RECEIVED,
        rules=RULES,
    )
    assert not outside.met
    assert any("14 September 2025" in line and "more than 6 months" in line for line in outside.lines)


def test_the_same_incident_reported_to_several_agencies_counts_once():
    same_day = date(2026, 2, 1)
    result = evaluate(
        complaints=[
            complaint(same_day, to="Police"),
            complaint(same_day, same_day + timedelta(days=2), to="Barnet Council"),
            complaint(date(2026, 3, 1)),
        ],
        received_on=RECEIVED,
        rules=RULES,
    )
    assert not result.met
    assert result.qualifying_incidents == 2
    assert any(line.startswith("Counted once: 1 February 2026") for line in result.lines)


def test_one_hate_incident_meets_the_hate_rule():
    result = evaluate(complaints=[complaint(date(2026, 2, 1), hate=True)], received_on=RECEIVED, rules=RULES)
    assert result.met
    assert result.rules_met == ["a hate incident"]
    assert "a hate incident was reported" in result.summary
    switched_off = evaluate(
        complaints=[complaint(date(2026, 2, 1), hate=True)], received_on=RECEIVED, rules=Rules(hate_incident=False)
    )
    assert not switched_off.met


def test_five_complainants_about_the_same_problem_meet_the_local_rule():
    day = date(2026, 2, 1)
    five = [complaint(day, who=f"person:{n}") for n in range(5)]
    result = evaluate(complaints=five, received_on=RECEIVED, rules=RULES)
    assert result.qualifying_incidents == 1  # one incident, five people
    assert result.met and result.complainants == 5
    assert not evaluate(complaints=five[:4], received_on=RECEIVED, rules=RULES).met
    assert not evaluate(complaints=five, received_on=RECEIVED, rules=Rules(complainants=None)).met


def test_incidents_after_the_application_do_not_count():
    result = evaluate(complaints=[complaint(RECEIVED + timedelta(days=1))], received_on=RECEIVED, rules=RULES)
    assert result.qualifying_incidents == 0
    assert "after the application was received" in result.lines[1]


def test_rules_come_from_settings(settings):
    settings.TRIGGERS = {"THRESHOLD": {"COMPLAINTS": 2, "COMPLAINANTS": None}}
    rules = Rules.from_settings()
    assert rules == Rules(
        complaints=2, window_months=6, reported_within_months=1, hate_incident=True, complainants=None
    )
    two = [complaint(date(2026, 1, 5)), complaint(date(2026, 2, 1))]
    assert evaluate(complaints=two, received_on=RECEIVED, rules=rules).met


@pytest.mark.django_db
def test_the_check_counts_incidents_on_linked_cases_once(council, officer, manager, ward):
    """One incident listed by the applicant + two on a linked case (one the same night) -> 2 incidents, then 3."""
    received_at = timezone.make_aware(datetime(2026, 3, 15, 10))
    application = TriggerApplicationFactory(
        owner_agency=council,
        received_at=received_at,
        applicant_name="Maria Evans",
        incidents=[incident_report(date(2026, 2, 1))],
    )
    case = CaseFactory(by=officer, ward=ward)
    victim = casework_services.create_person(by=officer, first_name="Maria", last_name="Evans")
    party = casework_services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=victim)

    def log(day: date, hours_later: int = 2):
        at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=20)))
        casework_services.add_incident(
            case=case,
            by=officer,
            occurred_at=at,
            reported_at=at + timedelta(hours=hours_later),
            reported_to=council,
            description="Shouting and threats",
            reported_by=party,
        )

    log(date(2026, 2, 1))
    log(date(2026, 2, 20))
    from triggers import services

    services.link_case(application=application, case=case, by=manager, found_by="postcode")
    check = selectors.threshold_check(application=application, user=manager)
    assert check.qualifying_incidents == 2
    assert check.complainants == 1  # the victim on the case is the applicant
    assert not check.met
    log(date(2026, 3, 1))
    check = selectors.threshold_check(application=application, user=manager)
    assert check.met
    assert check.qualifying_incidents == 3


@pytest.mark.django_db
def test_incidents_on_cases_the_user_cannot_see_stay_out_of_their_check(council, barnet_homes, manager, ward):
    from casework import roles
    from tests.factories import make_member
    from triggers import services

    housing_officer = make_member(barnet_homes, roles.PARTNER_CASEWORKER, "hb-officer")
    case = CaseFactory(by=housing_officer, ward=ward)
    for days in (30, 20, 10):
        at = timezone.now() - timedelta(days=days)
        casework_services.add_incident(
            case=case, by=housing_officer, occurred_at=at, reported_at=at, reported_to=barnet_homes, description="x"
        )
    application = TriggerApplicationFactory(owner_agency=council)
    services.link_case(application=application, case=case, by=manager)
    assert selectors.threshold_check(application=application, user=manager).met

    reader = make_member(council, roles.AUDITOR, "reader")  # sees every case: same answer
    assert selectors.threshold_check(application=application, user=reader).met
    outsider = make_member(council, roles.ENFORCEMENT_OFFICER, "council-officer")  # cannot see the housing case
    result = selectors.threshold_check(application=application, user=outsider)
    assert result.qualifying_incidents == 0 and not result.met


def test_a_local_threshold_above_the_statutory_three_complaints_is_capped(settings):
    settings.TRIGGERS = {"THRESHOLD": {"COMPLAINTS": 5}}
    assert Rules.from_settings().complaints == 3  # s104: no higher than three complaints

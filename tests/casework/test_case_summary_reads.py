"""The case summary's facts read with the case and its parties, written as SQL for the CPU they save (issue 23):
each must say what the ORM query it replaced says, on SQLite and PostgreSQL alike."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import access, closure, extensions, selectors, services, victim
from casework.models import (
    Case,
    CaseClosure,
    CaseReviewExplained,
    ClosureStatus,
    PartyRole,
    Person,
    SafeguardingReferral,
)
from casework.views import CASE_TABS, case_tabs
from tests.factories import CaseFactory


def _summary_of(user, case) -> Case:
    return access.get_visible_case(user, case.reference, also=selectors.with_summary)


@pytest.mark.django_db
def test_the_summary_read_with_the_case_says_what_its_records_say(case, officer, council, manager):
    empty = _summary_of(officer, case)
    assert selectors.summary_counts(empty) == {"incidents": 0, "parties": 2}
    assert selectors.latest_risk(empty) is None and empty.cw_pending_closure_id is None
    now = timezone.now()
    for days in (3, 1):
        services.add_incident(
            case=case, by=officer, occurred_at=now - timedelta(days=days), reported_at=now, reported_to=council,
            description="Shouting",
        )  # fmt: skip
    services.record_risk_assessment(case=case, by=officer, answers={"isolated": True}, repeat_victimisation_count=0)
    latest = services.record_risk_assessment(
        case=case, by=officer, answers={"self_harm": True}, repeat_victimisation_count=0
    )
    case.refresh_from_db()
    pending = closure.request_closure(case=case, by=officer, outcome="resolved", reasons="Moved away")
    assert pending.status == ClosureStatus.AWAITING_SIGN_OFF
    read = _summary_of(officer, case)
    assert selectors.summary_counts(read) == {"incidents": case.incidents.count(), "parties": case.parties.count()}
    risk = selectors.latest_risk(read)
    assert (risk.pk, risk.level, risk.score, risk.assessed_at) == (
        latest.pk,
        latest.level,
        latest.score,
        latest.assessed_at,
    )
    assert read.cw_pending_closure_id == CaseClosure.objects.get(case=case).pk


@pytest.mark.django_db
def test_second_report_counts_and_told_records_read_with_the_parties(case, ward, officer, police_user):
    maria = case.parties.get(role=PartyRole.VICTIM).person
    second = CaseFactory(by=police_user, ward=ward, title="Threats again", opened_at=timezone.now())
    party = services.add_party(case=second, by=police_user, role=PartyRole.VICTIM, person=maria)
    long_ago = CaseFactory(by=officer, ward=ward, opened_at=timezone.now() - timedelta(days=400))
    services.add_party(case=long_ago, by=officer, role=PartyRole.VICTIM, person=maria)
    bystander = Person.objects.create(first_name="Not", last_name="Reported")
    services.add_party(case=second, by=police_user, role=PartyRole.WITNESS, person=bystander)

    def read():
        annotations = victim.second_report_annotations(second)
        return {p.pk: (p.cw_other_reports, p.cw_told_id) for p in second.parties.annotate(**annotations)}

    assert read()[party.pk] == (1, None)  # the earlier case in the window, not the one 400 days ago
    assert all(v == (0, None) for pk, v in read().items() if pk != party.pk)
    today = timezone.localdate()
    for told_on in (today - timedelta(days=2), today):
        CaseReviewExplained.objects.create(
            case=second, party=party, told_on=told_on, told_by="letter", recorded_by=police_user
        )
    newest = CaseReviewExplained.objects.order_by("-told_on", "-id").first()
    assert read()[party.pk] == (1, newest.pk)


@pytest.mark.django_db
def test_the_parties_say_whether_anyone_was_merged_into_them_or_referred(case, officer):
    maria = case.parties.get(role=PartyRole.VICTIM).person
    kevin = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM).person
    Person.objects.create(first_name="Maria", last_name="Duplicate", merged_into=maria)
    SafeguardingReferral.objects.create(
        person=kevin, referred_to="Adult social care", referred_on=timezone.localdate(), made_by="PC Jones",
        recorded_at=timezone.now(),
    )  # fmt: skip
    case_access = access.case_access_or_404(officer, case.reference)
    flags = {p.person_id: (p.cw_has_duplicates, p.cw_has_referrals) for p in selectors.case_parties(case_access)}
    assert flags == {maria.pk: (True, False), kevin.pk: (False, True)}


@pytest.mark.parametrize("reference", ["ASB-2026-00001", "old ref 7", "Réf%20é:@~", "a?b#c"])
def test_the_case_tabs_link_where_reverse_links(reference):
    tabs = case_tabs(reference, "Notes")
    expected = [reverse(name, args=[reference]) for _, name in (*CASE_TABS, *extensions.CASE_TABS)]
    assert [t["href"] for t in tabs] == expected
    assert [t["label"] for t in tabs if t["active"]] == ["Notes"]

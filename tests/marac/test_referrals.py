"""Referrals: who may refer, screening, the repeat flag and sharing with the core agencies on acceptance."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from audit.models import Disclosure
from casework import access
from casework.errors import InvalidTransition, NotAllowed
from casework.models import CaseShare
from marac import services
from marac.models import NextStep, Referral, ReferralStatus
from tests.factories import MaracReferralFactory, make_marac_meeting


def close_from_marac(referral, coordinator, on: date):
    """Hear the case at a meeting on `on` and close it from the MARAC there."""
    meeting = make_marac_meeting(by=coordinator, on=on)
    services.generate_panel_list(meeting=meeting, by=coordinator)
    services.publish_panel_list(meeting=meeting, by=coordinator)
    entry = meeting.entries.get(referral=referral)
    services.record_case_review(
        entry=entry,
        by=coordinator,
        discussion="Victim rehoused; no incidents for three months.",
        decisions="Close.",
        risk_level="standard",
        next_step=NextStep.CLOSE,
        closure_reason="Victim safe and behaviour stopped",
    )
    referral.refresh_from_db()
    return referral


@pytest.mark.django_db
def test_a_partner_refers_a_case_shared_with_it(shared_case, housing_user, coordinator, core):
    referral = MaracReferralFactory(case=shared_case, by=housing_user, risk_level="medium")
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.referring_agency.short_name == "barnet-homes"
    assert referral.is_repeat is False
    reasons = list(Referral.history.filter(id=referral.pk).values_list("history_change_reason", flat=True))
    assert reasons == ["Referred to CS MARAC"]
    assert list(services.Referral.objects.filter(status=ReferralStatus.SUBMITTED)) == [referral]


@pytest.mark.django_db
def test_nobody_refers_a_case_they_cannot_see_and_readers_cannot_refer(case, police_user, manager, officer, core):
    with pytest.raises(NotAllowed, match="cannot see"):
        MaracReferralFactory(case=case, by=police_user)
    with pytest.raises(NotAllowed, match="permission"):
        MaracReferralFactory(case=case, by=manager)
    assert Referral.objects.count() == 0
    assert MaracReferralFactory(case=case, by=officer).status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
def test_referring_shares_the_case_with_the_coordinating_agency_when_it_cannot_see_it(
    police_case, police_user, coordinator, council, core
):
    assert not access.can_view(coordinator, police_case)
    MaracReferralFactory(case=police_case, by=police_user)
    share = CaseShare.objects.get(case=police_case, agency=council, revoked_at__isnull=True)
    assert share.can_change is True
    assert access.can_view(coordinator, police_case)
    disclosure = Disclosure.objects.get(case_id=police_case.pk, to_agency=str(council))
    assert disclosure.username == "police" and "MARAC" in disclosure.purpose


@pytest.mark.django_db
def test_a_case_has_one_live_referral_at_a_time(case, officer, coordinator, core):
    first = MaracReferralFactory(case=case, by=officer)
    with pytest.raises(NotAllowed, match="already has a CS MARAC referral"):
        MaracReferralFactory(case=case, by=officer)
    services.accept_referral(referral=first, by=coordinator)
    with pytest.raises(NotAllowed, match="on the marac"):
        MaracReferralFactory(case=case, by=officer)


@pytest.mark.django_db
def test_accepting_shares_view_only_with_every_core_agency_that_cannot_see_the_case(
    shared_case, officer, coordinator, barnet_homes, police, probation
):
    """Changed for #20 (decision 0015): core agencies used to get change rights; now view only, and the case's
    officer is told so they can decide on change rights (tests/casework/test_victim_journey.py)."""
    referral = MaracReferralFactory(case=shared_case, by=officer)
    before = Disclosure.objects.count()
    referral, shared = services.accept_referral(referral=referral, by=coordinator)
    assert referral.status == ReferralStatus.ACCEPTED and referral.accepted_at is not None
    # The council leads and Barnet Homes already sees the case: only the police and probation are new.
    assert {a.short_name for a in shared} == {"met", "probation"}
    live = {s.agency.short_name: s for s in CaseShare.objects.filter(case=shared_case, revoked_at__isnull=True)}
    assert set(live) == {"barnet-homes", "met", "probation"}
    assert not live["met"].can_change and not live["probation"].can_change
    assert live["barnet-homes"].can_change is False  # an existing share is left as it was
    disclosures = Disclosure.objects.order_by("id")[before:]
    assert {d.to_agency for d in disclosures} == {str(police), str(probation)}
    assert all(d.username == "coordinator" and d.legal_basis for d in disclosures)


@pytest.mark.django_db
def test_screening_decisions_follow_the_transition_table(case, officer, housing_user, coordinator, core):
    referral = MaracReferralFactory(case=case, by=officer)
    with pytest.raises(NotAllowed):
        services.accept_referral(referral=referral, by=officer)
    with pytest.raises(NotAllowed, match="reason"):
        services.decline_referral(referral=referral, by=coordinator, reason=" ")
    referral = services.request_more_information(
        referral=referral, by=coordinator, request="How many incidents were reported in the last month?"
    )
    assert referral.status == ReferralStatus.MORE_INFORMATION
    with pytest.raises(NotAllowed, match="referring agency"):
        services.provide_more_information(referral=referral, by=housing_user, information="Four")
    referral = services.provide_more_information(referral=referral, by=officer, information="Four, all at night")
    assert referral.status == ReferralStatus.SUBMITTED and "Four, all at night" in referral.information_provided
    referral = services.decline_referral(referral=referral, by=coordinator, reason="Single-agency action not tried")
    assert referral.status == ReferralStatus.DECLINED
    with pytest.raises(InvalidTransition, match="declined cannot become on the marac"):
        services.accept_referral(referral=referral, by=coordinator)
    # A declined referral does not block a new one.
    assert MaracReferralFactory(case=case, by=officer).status == ReferralStatus.SUBMITTED


@pytest.mark.django_db
@pytest.mark.parametrize(("days", "repeat"), [(364, True), (365, True), (366, False)])
def test_repeat_referral_flag_when_the_case_was_on_the_marac_in_the_last_12_months(
    case, officer, coordinator, core, days, repeat
):
    closed_on = date(2025, 3, 4)
    first = MaracReferralFactory(
        case=case,
        by=officer,
        accept_by=coordinator,
        referred_at=timezone.make_aware(datetime(2025, 1, 6, 9)),
    )
    first = close_from_marac(first, coordinator, on=closed_on)
    assert first.status == ReferralStatus.CLOSED and first.closed_on == closed_on
    again = MaracReferralFactory(
        case=case,
        by=officer,
        referred_at=timezone.make_aware(datetime.combine(closed_on + timedelta(days=days), datetime.min.time())),
    )
    assert again.is_repeat is repeat
    assert again.previous_referral == (first if repeat else None)


@pytest.mark.django_db
def test_a_case_still_on_the_marac_elsewhere_in_its_history_counts_as_repeat(case, officer, coordinator, core):
    """A referral declined long ago does not count; only time on the MARAC does."""
    old = MaracReferralFactory(case=case, by=officer)
    services.decline_referral(referral=old, by=coordinator, reason="Not high risk")
    assert MaracReferralFactory(case=case, by=officer).is_repeat is False


@pytest.mark.django_db
def test_closure_is_proposed_by_the_coordinator_or_the_referrer_only(
    shared_case, officer, housing_user, coordinator, core
):
    referral = MaracReferralFactory(case=shared_case, by=officer, accept_by=coordinator)
    with pytest.raises(NotAllowed):
        services.propose_closure(referral=referral, by=housing_user, proposal="Quiet now")
    referral = services.propose_closure(referral=referral, by=officer, proposal="No incidents for 8 weeks")
    assert referral.closure_proposed_at is not None

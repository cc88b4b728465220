"""One test per statutory rule: the refusal names the rule and nothing is saved."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from casework import roles
from casework.errors import InvalidTransition, NotAllowed
from casework.models import AgencyKind
from enforcement import services
from enforcement.models import (
    ClosureNotice,
    ClosureOrder,
    ClosureOrderExtension,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CPNStatus,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    FPNStatus,
    OffenceCode,
    PSPOExtension,
    PublicSpacesProtectionOrder,
)
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    make_cbo,
    make_closure_notice,
    make_cpn,
    make_fpn,
    make_member,
    make_notice_recipient,
    make_pspo,
    make_written_warning,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


# --- CPN: written warning first ---------------------------------------------------------------------------


def _cpn(case, by, *, issued_on, warning=None, **kwargs):
    return services.issue_cpn(
        case=case,
        by=by,
        warning=warning,
        issued_on=issued_on,
        served_how="in_person",
        compliance_deadline=issued_on + timedelta(days=14),
        **kwargs,
    )


def test_cpn_is_refused_without_a_written_warning(case, officer):
    person = make_notice_recipient(case=case, by=officer)
    with pytest.raises(NotAllowed, match="written warning") as refusal:
        _cpn(case, officer, issued_on=date(2024, 3, 1), recipient_person=person)
    assert "s43(5)" in str(refusal.value)
    assert CommunityProtectionNotice.objects.count() == 0


def test_cpn_is_refused_while_the_warning_compliance_time_is_running(case, officer):
    warning = make_written_warning(
        case=case, by=officer, served_at=at(2024, 2, 1, 10), compliance_deadline=date(2024, 2, 15)
    )
    with pytest.raises(NotAllowed, match="runs until 15 February 2024"):
        _cpn(case, officer, warning=warning, issued_on=date(2024, 2, 15))
    assert CommunityProtectionNotice.objects.count() == 0
    cpn = _cpn(case, officer, warning=warning, issued_on=date(2024, 2, 16))
    assert cpn.warning == warning and cpn.recipient_person == warning.recipient_person


def test_a_recorded_breach_does_not_shorten_the_time_to_comply(case, officer):
    warning = make_written_warning(
        case=case, by=officer, served_at=at(2024, 2, 1, 10), compliance_deadline=date(2024, 3, 1)
    )
    services.record_warning_breach(warning=warning, by=officer, on=date(2024, 2, 8), notes="Music again at 2am")
    with pytest.raises(NotAllowed, match=r"s43\(5\)\(b\)"):
        _cpn(case, officer, warning=warning, issued_on=date(2024, 2, 10))
    cpn = _cpn(case, officer, warning=warning, issued_on=date(2024, 3, 2))
    assert cpn.requirements == warning.requirements  # the CPN's requirements follow the warning


def test_cpn_is_refused_for_a_different_recipient_than_the_warning(case, officer):
    warning = make_written_warning(case=case, by=officer, served_at=at(2024, 2, 1, 10))
    other = make_notice_recipient(case=case, by=officer, first_name="Other", last_name="Person")
    with pytest.raises(NotAllowed, match="same recipient"):
        _cpn(case, officer, warning=warning, issued_on=date(2024, 3, 1), recipient_person=other)
    assert CommunityProtectionNotice.objects.count() == 0


def test_cpn_finds_the_recipients_warning_when_none_is_named(case, officer):
    warning = make_written_warning(case=case, by=officer, served_at=at(2024, 2, 1, 10))
    cpn = _cpn(case, officer, issued_on=date(2024, 3, 1), recipient_person=warning.recipient_person)
    assert cpn.warning == warning


@pytest.mark.parametrize("outcome", ["withdrawn", "complied"])
def test_cpn_is_refused_after_a_withdrawn_or_complied_warning(case, officer, outcome):
    warning = make_written_warning(case=case, by=officer, served_at=at(2024, 2, 1, 10))
    service = services.withdraw_warning if outcome == "withdrawn" else services.mark_warning_complied
    service(warning=warning, by=officer, on=date(2024, 2, 10), notes="Reason given")
    with pytest.raises(NotAllowed, match=outcome):
        _cpn(case, officer, warning=warning, issued_on=date(2024, 3, 1))
    assert CommunityProtectionNotice.objects.count() == 0


def test_a_person_under_16_cannot_be_given_a_warning_and_can_on_their_16th_birthday(case, officer):
    teen = make_notice_recipient(case=case, by=officer, first_name="Young", date_of_birth=date(2008, 3, 10))
    with pytest.raises(NotAllowed, match="aged 16 or over"):
        make_written_warning(case=case, by=officer, person=teen, served_at=at(2024, 3, 9, 18))
    assert CommunityProtectionWarning.objects.count() == 0
    warning = make_written_warning(case=case, by=officer, person=teen, served_at=at(2024, 3, 10, 9))
    assert warning.pk


def test_a_person_recipient_needs_a_date_of_birth(case, officer):
    from casework import services as casework_services

    unknown = casework_services.create_person(by=officer, first_name="No", last_name="Birthday")
    with pytest.raises(NotAllowed, match="date of birth"):
        make_written_warning(case=case, by=officer, person=unknown, served_at=at(2024, 3, 9, 18))
    assert CommunityProtectionWarning.objects.count() == 0


def test_a_business_can_be_given_a_warning_and_a_cpn(case, officer):
    from casework.models import Organisation

    shop = Organisation.objects.create(name="Late Night Foods Ltd")
    warning = services.serve_written_warning(
        case=case,
        by=officer,
        recipient_organisation=shop,
        recipient_address="1 The Parade",
        conduct="Waste left on the pavement",
        requirements="Store waste inside until collection",
        compliance_deadline=date(2024, 2, 10),
        served_at=at(2024, 2, 1, 10),
        served_how="left_at_address",
    )
    cpn = _cpn(case, officer, warning=warning, issued_on=date(2024, 2, 20))
    assert cpn.recipient_organisation == shop and cpn.recipient_person is None


def test_the_compliance_deadline_must_give_time_to_comply(case, officer):
    with pytest.raises(NotAllowed, match="enough time"):
        make_written_warning(case=case, by=officer, served_at=at(2024, 2, 1, 10), compliance_deadline=date(2024, 2, 1))
    assert CommunityProtectionWarning.objects.count() == 0


def test_only_councils_police_and_social_landlords_issue_cpns(ward):
    probation = AgencyFactory(name="Probation", short_name="probation", kind=AgencyKind.PROBATION)
    worker = make_member(probation, roles.ENFORCEMENT_OFFICER, "probation-officer")
    case = CaseFactory(by=worker, ward=ward)
    with pytest.raises(NotAllowed, match="s53"):
        make_written_warning(case=case, by=worker, served_at=at(2024, 2, 1, 10))
    assert CommunityProtectionWarning.objects.count() == 0


# --- CPN appeals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "allowed"), [(19, True), (20, True), (21, False)])
def test_appeal_must_be_lodged_within_21_days_of_issue(case, officer, day, allowed):
    cpn = make_cpn(case=case, by=officer, issued_on=date(2024, 3, 1))
    assert cpn.appeal_deadline == date(2024, 3, 21)  # 21 days beginning with 1 March
    lodged = date(2024, 3, 1) + timedelta(days=day)
    if allowed:
        services.lodge_appeal(notice=cpn, by=officer, lodged_on=lodged, grounds="Not my music")
        cpn.refresh_from_db()
        assert cpn.status == CPNStatus.APPEALED and cpn.appeal_lodged_on == lodged
    else:
        with pytest.raises(NotAllowed, match="within 21 days"):
            services.lodge_appeal(notice=cpn, by=officer, lodged_on=lodged, grounds="Not my music")
        cpn.refresh_from_db()
        assert cpn.status == CPNStatus.IN_FORCE and cpn.appeal_lodged_on is None


@pytest.mark.parametrize(
    ("issued", "deadline"),
    [
        (date(2024, 2, 9), date(2024, 2, 29)),
        (date(2023, 2, 9), date(2023, 3, 1)),
        (date(2023, 1, 31), date(2023, 2, 20)),
    ],
)
def test_appeal_deadline_across_month_ends_and_leap_years(case, officer, issued, deadline):
    assert make_cpn(case=case, by=officer, issued_on=issued).appeal_deadline == deadline


def test_a_written_warning_cannot_be_appealed(case, officer):
    warning = make_written_warning(case=case, by=officer, served_at=at(2024, 2, 1, 10))
    with pytest.raises(NotAllowed, match="written warning cannot be appealed"):
        services.lodge_appeal(notice=warning, by=officer, lodged_on=date(2024, 2, 5), grounds="Unfair")
    warning.refresh_from_db()
    assert warning.status == "served"
    assert not hasattr(warning, "appeal_deadline")


def test_a_quashed_notice_cannot_be_breached(case, officer):
    cpn = make_cpn(case=case, by=officer, issued_on=date(2024, 3, 1))
    services.lodge_appeal(notice=cpn, by=officer, lodged_on=date(2024, 3, 5), grounds="Wrong person")
    services.decide_appeal(cpn=cpn, by=officer, outcome="quashed", decided_on=date(2024, 4, 1))
    with pytest.raises(InvalidTransition, match="quashed"):
        services.record_cpn_breach(
            cpn=cpn, by=officer, occurred_on=date(2024, 4, 2), description="Music", evidence_summary="Diary"
        )
    assert cpn.breaches.count() == 0


# --- Fixed penalties -------------------------------------------------------------------------------------


def test_fpn_amounts_and_dates_come_from_the_offence_code_in_effect(officer):
    fpn = make_fpn(by=officer, offence_code="CST01", issued_at=at(2024, 6, 3, 14))
    assert (fpn.full_amount, fpn.early_payment_amount) == (Decimal("100.00"), Decimal("70.00"))
    assert fpn.early_payment_until == date(2024, 6, 17)
    assert fpn.payment_due == date(2024, 7, 1)
    assert fpn.no_proceedings_before == date(2024, 6, 18)  # the 14 days following 3 June end on 17 June
    assert fpn.case is None and fpn.owner_agency.short_name == "lbb"


def test_a_new_amount_applies_only_to_notices_issued_from_its_date_of_effect(officer, admin_user):
    old = OffenceCode.objects.get(code="CST13")
    old.effective_to = date(2026, 3, 31)
    services.save_offence_code(offence=old, by=admin_user)
    new = OffenceCode(
        code="CST13",
        statute=old.statute,
        description=old.description,
        full_amount=Decimal("500.00"),
        early_payment_amount=Decimal("350.00"),
        early_payment_days=14,
        payment_days=28,
        effective_from=date(2026, 4, 1),
    )
    services.save_offence_code(offence=new, by=admin_user)
    before = make_fpn(by=officer, offence_code="CST13", issued_at=at(2026, 3, 31, 12))
    after = make_fpn(by=officer, offence_code="CST13", issued_at=at(2026, 4, 1, 12))
    assert before.full_amount == Decimal("100.00") and after.full_amount == Decimal("500.00")


@pytest.mark.parametrize(
    ("paid_on", "amount", "accepted"),
    [
        (date(2024, 6, 17), "70.00", True),  # last day of the discount
        (date(2024, 6, 18), "70.00", False),  # the discount has ended
        (date(2024, 6, 18), "100.00", True),
        (date(2024, 7, 2), "100.00", False),  # after the payment period
    ],
)
def test_payment_must_be_the_amount_due_on_the_day_within_the_period(officer, paid_on, amount, accepted):
    fpn = make_fpn(by=officer, issued_at=at(2024, 6, 3, 14))
    if accepted:
        services.record_fpn_payment(fpn=fpn, by=officer, paid_on=paid_on, amount=Decimal(amount))
        fpn.refresh_from_db()
        assert fpn.status == FPNStatus.PAID and fpn.amount_paid == Decimal(amount)
    else:
        with pytest.raises(NotAllowed):
            services.record_fpn_payment(fpn=fpn, by=officer, paid_on=paid_on, amount=Decimal(amount))
        fpn.refresh_from_db()
        assert fpn.status == FPNStatus.ISSUED and fpn.paid_on is None


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (date(2024, 6, 16), "within 14 days"),  # day 13: no proceedings within 14 days
        (date(2024, 7, 1), "has until 1 July 2024"),  # still inside the payment period
    ],
)
def test_unpaid_notice_cannot_be_listed_for_prosecution_early(officer, on, message):
    fpn = make_fpn(by=officer, issued_at=at(2024, 6, 3, 14))
    with pytest.raises(NotAllowed, match=message):
        services.list_fpn_for_prosecution(fpn=fpn, by=officer, on=on)
    fpn.refresh_from_db()
    assert fpn.status == FPNStatus.ISSUED and fpn.prosecution_listed_on is None


def test_unpaid_notice_is_listed_for_prosecution_after_the_period(officer):
    fpn = make_fpn(by=officer, issued_at=at(2024, 6, 3, 14))
    services.list_fpn_for_prosecution(fpn=fpn, by=officer, on=date(2024, 7, 2))
    fpn.refresh_from_db()
    assert fpn.status == FPNStatus.PROSECUTION
    with pytest.raises(InvalidTransition):
        services.record_fpn_payment(fpn=fpn, by=officer, paid_on=date(2024, 7, 2), amount=Decimal("100"))


def test_cancelling_needs_a_reason_and_a_cancelled_notice_cannot_be_paid(officer):
    fpn = make_fpn(by=officer, issued_at=at(2024, 6, 3, 14))
    with pytest.raises(NotAllowed, match="reason"):
        services.cancel_fpn(fpn=fpn, by=officer, reason=" ")
    services.cancel_fpn(fpn=fpn, by=officer, reason="Issued to the wrong person")
    with pytest.raises(InvalidTransition, match="cancelled"):
        services.record_fpn_payment(fpn=fpn, by=officer, paid_on=date(2024, 6, 5), amount=Decimal("70"))


def test_offence_code_figures_that_break_the_14_day_rule_are_refused(admin_user):
    offence = OffenceCode.objects.get(code="CST01")
    offence.payment_days = 10
    offence.early_payment_days = 7
    with pytest.raises(NotAllowed, match="at least 14 days"):
        services.save_offence_code(offence=offence, by=admin_user)
    assert OffenceCode.objects.get(code="CST01").payment_days == 28


def test_cpn_breach_leads_to_a_cst08_fixed_penalty_once(case, officer):
    cpn = make_cpn(case=case, by=officer, issued_on=date(2024, 3, 1))
    breach = services.record_cpn_breach(
        cpn=cpn, by=officer, occurred_on=date(2024, 3, 20), description="Music at 2am", evidence_summary="Diary"
    )
    fpn = services.issue_fpn_for_cpn_breach(
        breach=breach,
        by=officer,
        issued_at=at(2024, 3, 21, 10),
        offence_description="Failed to comply",
        location="Flat 3",
    )
    assert fpn.offence.code == "CST08" and fpn.case == case and fpn.recipient_name == "Kevin Loud"
    with pytest.raises(InvalidTransition, match="already been dealt with"):
        services.issue_fpn_for_cpn_breach(
            breach=breach, by=officer, issued_at=at(2024, 3, 21, 11), offence_description="Again", location="Flat 3"
        )
    assert FixedPenaltyNotice.objects.count() == 1


# --- PSPOs -----------------------------------------------------------------------------------------------


def test_pspo_lasts_at_most_3_years(officer):
    start = date(2022, 12, 1)
    with pytest.raises(NotAllowed, match="at most 3 years"):
        make_pspo(by=officer, in_force_from=start, expires_on=date(2025, 12, 1))
    assert PublicSpacesProtectionOrder.objects.count() == 0
    pspo = make_pspo(by=officer, in_force_from=start, expires_on=date(2025, 11, 30))
    assert pspo.conditions.count() == 11


def test_pspo_extension_is_at_most_3_years_and_recorded(officer):
    pspo = make_pspo(by=officer, in_force_from=date(2022, 12, 1), expires_on=date(2025, 11, 30))
    with pytest.raises(NotAllowed, match="at most 3 years"):
        services.extend_pspo(
            pspo=pspo, by=officer, decided_on=date(2025, 10, 1), new_expires_on=date(2028, 12, 1), reason="Consulted"
        )
    assert PSPOExtension.objects.count() == 0
    services.extend_pspo(
        pspo=pspo, by=officer, decided_on=date(2025, 10, 1), new_expires_on=date(2028, 11, 30), reason="Consulted"
    )
    pspo.refresh_from_db()
    assert pspo.expires_on == date(2028, 11, 30)
    assert pspo.extensions.get().previous_expires_on == date(2025, 11, 30)


def test_an_expired_pspo_cannot_be_extended(officer):
    pspo = make_pspo(by=officer, in_force_from=date(2022, 12, 1), expires_on=date(2025, 11, 30))
    with pytest.raises(NotAllowed, match="before it expires"):
        services.extend_pspo(
            pspo=pspo, by=officer, decided_on=date(2025, 12, 1), new_expires_on=date(2026, 11, 30), reason="Late"
        )
    assert PSPOExtension.objects.count() == 0


def test_only_a_council_makes_a_pspo_after_consultation(police, officer):
    constable = make_member(police, roles.ENFORCEMENT_OFFICER, "constable")
    with pytest.raises(NotAllowed, match="local authority"):
        make_pspo(by=constable)
    with pytest.raises(NotAllowed, match="after the consultation"):
        make_pspo(by=officer, in_force_from=date(2024, 1, 1), consultation_ended_on=date(2024, 2, 1))
    assert PublicSpacesProtectionOrder.objects.count() == 0


# --- Closure notices and orders --------------------------------------------------------------------------


def test_closure_notice_lasts_at_most_24_hours(case, officer):
    with pytest.raises(NotAllowed, match="at most 24 hours"):
        make_closure_notice(case=case, by=officer, duration_hours=25)
    assert ClosureNotice.objects.count() == 0
    assert make_closure_notice(case=case, by=officer, duration_hours=24).duration_hours == 24


def test_closure_notice_extends_to_at_most_48_hours_by_a_senior_officer(case, officer):
    notice = make_closure_notice(case=case, by=officer, served_at=at(2024, 5, 1, 10), hearing_at=at(2024, 5, 2, 10))
    decided = at(2024, 5, 1, 20)
    with pytest.raises(NotAllowed, match="at most 48 hours"):
        services.extend_closure_notice(
            notice=notice,
            by=officer,
            total_hours=49,
            extended_by_role="council_chief_executive",
            extended_by_name="Chief Executive",
            decided_at=decided,
        )
    with pytest.raises(NotAllowed, match="chief executive"):
        services.extend_closure_notice(
            notice=notice,
            by=officer,
            total_hours=48,
            extended_by_role="police_superintendent",
            extended_by_name="Supt Smith",
            decided_at=decided,
        )
    notice.refresh_from_db()
    assert notice.duration_hours == 24 and not notice.extended_by_role
    services.extend_closure_notice(
        notice=notice,
        by=officer,
        total_hours=48,
        extended_by_role="council_chief_executive",
        extended_by_name="Chief Executive",
        decided_at=decided,
    )
    notice.refresh_from_db()
    assert notice.duration_hours == 48 and notice.expires_at == at(2024, 5, 3, 10)


def test_closure_hearing_after_48_hours_is_refused(case, officer):
    served = at(2024, 5, 1, 10)
    with pytest.raises(NotAllowed, match="within 48 hours"):
        make_closure_notice(case=case, by=officer, served_at=served, hearing_at=served + timedelta(hours=48, minutes=1))
    assert ClosureNotice.objects.count() == 0
    notice = make_closure_notice(case=case, by=officer, served_at=served, hearing_at=served + timedelta(hours=48))
    assert notice.hearing_deadline == at(2024, 5, 3, 10)


def test_closure_hearing_window_disregards_christmas_day(case, officer):
    served = at(2025, 12, 24, 10)
    with pytest.raises(NotAllowed, match="Christmas Day disregarded"):
        make_closure_notice(case=case, by=officer, served_at=served, hearing_at=at(2025, 12, 27, 10, 1))
    notice = make_closure_notice(case=case, by=officer, served_at=served, hearing_at=at(2025, 12, 27, 10, 0))
    assert notice.hearing_deadline == at(2025, 12, 27, 10, 0)


def test_only_the_police_or_council_issue_closure_notices(case, housing_user, barnet_homes, officer, ward):
    housing_case = CaseFactory(by=make_member(barnet_homes, roles.ENFORCEMENT_OFFICER, "hb-officer"), ward=ward)
    hb_officer = housing_case.created_by
    with pytest.raises(NotAllowed, match="police or the council"):
        make_closure_notice(case=housing_case, by=hb_officer)
    assert ClosureNotice.objects.count() == 0


def _granted(notice, officer, *, starts_on, ends_on):
    return services.grant_closure_order(
        notice=notice,
        by=officer,
        heard_at=notice.hearing_at,
        court="Willesden Magistrates' Court",
        scope="full",
        starts_on=starts_on,
        ends_on=ends_on,
    )


def test_closure_order_lasts_at_most_3_months(case, officer):
    notice = make_closure_notice(case=case, by=officer, served_at=at(2024, 5, 1, 10), hearing_at=at(2024, 5, 2, 10))
    with pytest.raises(NotAllowed, match="at most 3 months"):
        _granted(notice, officer, starts_on=date(2024, 5, 2), ends_on=date(2024, 8, 2))
    notice.refresh_from_db()
    assert notice.status == "in_force" and ClosureOrder.objects.count() == 0
    order = _granted(notice, officer, starts_on=date(2024, 5, 2), ends_on=date(2024, 8, 1))
    assert order.appeal_deadline == date(2024, 5, 22)  # 21 days beginning with the day of the decision


def test_closure_order_extensions_never_go_beyond_6_months_in_all(case, officer):
    notice = make_closure_notice(case=case, by=officer, served_at=at(2024, 5, 1, 10), hearing_at=at(2024, 5, 2, 10))
    order = _granted(notice, officer, starts_on=date(2024, 5, 2), ends_on=date(2024, 8, 1))
    with pytest.raises(NotAllowed, match="more than 6 months"):
        services.extend_closure_order(
            order=order, by=officer, decided_on=date(2024, 7, 25), new_ends_on=date(2024, 11, 2), court="Willesden"
        )
    assert ClosureOrderExtension.objects.count() == 0
    services.extend_closure_order(
        order=order, by=officer, decided_on=date(2024, 7, 25), new_ends_on=date(2024, 11, 1), court="Willesden"
    )
    order.refresh_from_db()
    assert order.ends_on == date(2024, 11, 1) and order.original_ends_on == date(2024, 8, 1)


def test_closure_order_decision_must_come_from_a_hearing_within_the_window(case, officer):
    notice = make_closure_notice(case=case, by=officer, served_at=at(2024, 5, 1, 10), hearing_at=at(2024, 5, 2, 10))
    with pytest.raises(NotAllowed, match="within 48 hours"):
        services.grant_closure_order(
            notice=notice,
            by=officer,
            heard_at=at(2024, 5, 3, 11),
            court="Willesden",
            scope="full",
            starts_on=date(2024, 5, 3),
            ends_on=date(2024, 6, 1),
        )
    assert ClosureOrder.objects.count() == 0


# --- CBOs and injunctions --------------------------------------------------------------------------------


def _cbo(case, officer, *, born, made_on, ends_on):
    subject = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=born)
    return make_cbo(
        case=case, by=officer, subject=subject, made_on=made_on, ends_on=ends_on, indefinite=ends_on is None
    )


def test_adult_cbo_lasts_at_least_2_years_or_is_indefinite(case, officer):
    with pytest.raises(NotAllowed, match="at least 2 years"):
        _cbo(case, officer, born=date(1990, 1, 1), made_on=date(2024, 4, 1), ends_on=date(2026, 3, 30))
    assert CriminalBehaviourOrder.objects.count() == 0
    assert _cbo(case, officer, born=date(1990, 1, 1), made_on=date(2024, 4, 1), ends_on=date(2026, 3, 31)).pk
    indefinite = _cbo(case, officer, born=date(1990, 1, 1), made_on=date(2024, 4, 1), ends_on=None)
    assert indefinite.ends_on is None and indefinite.next_review_on is None


@pytest.mark.parametrize(
    ("ends_on", "allowed"),
    [
        (None, False),
        (date(2025, 3, 30), False),
        (date(2025, 3, 31), True),
        (date(2027, 3, 31), True),
        (date(2027, 4, 1), False),
    ],
)
def test_under_18_cbo_lasts_1_to_3_years_with_annual_review(case, officer, ends_on, allowed):
    born = date(2007, 4, 2)  # 16 on the day the order is made
    if allowed:
        order = _cbo(case, officer, born=born, made_on=date(2024, 4, 1), ends_on=ends_on)
        assert order.is_youth
        assert order.next_review_on == (date(2025, 3, 31) if ends_on >= date(2025, 3, 31) else None)
    else:
        with pytest.raises(NotAllowed, match="between 1 and 3 years"):
            _cbo(case, officer, born=born, made_on=date(2024, 4, 1), ends_on=ends_on)
        assert CriminalBehaviourOrder.objects.count() == 0


def test_an_18th_birthday_on_the_day_the_order_is_made_makes_an_adult_order(case, officer):
    order = _cbo(case, officer, born=date(2006, 4, 1), made_on=date(2024, 4, 1), ends_on=None)
    assert not order.is_youth


def test_under_18_injunction_lasts_at_most_12_months(case, officer):
    born = date(2008, 1, 1)
    subject = make_notice_recipient(case=case, by=officer, first_name="Kid", date_of_birth=born)
    common = dict(
        case=case,
        by=officer,
        subject=subject,
        subject_date_of_birth=born,
        court="Barnet Youth Court",
        application_heard_on=date(2024, 4, 1),
        made_on=date(2024, 4, 1),
        starts_on=date(2024, 4, 1),
        prohibitions="Not to enter the estate",
    )
    with pytest.raises(NotAllowed, match="at most 12 months"):
        services.record_injunction(ends_on=date(2025, 4, 1), **common)
    injunction = services.record_injunction(
        ends_on=date(2025, 3, 31),
        power_of_arrest=True,
        power_of_arrest_terms="Violence",
        power_of_arrest_ground="violence",
        **common,
    )
    assert injunction.is_youth and injunction.power_of_arrest


def test_breach_of_an_order_must_fall_within_its_dates(case, officer):
    order = _cbo(case, officer, born=date(1990, 1, 1), made_on=date(2024, 4, 1), ends_on=date(2026, 3, 31))
    with pytest.raises(NotAllowed, match="not in force"):
        services.record_order_breach(order=order, by=officer, occurred_on=date(2026, 4, 1), description="Seen there")
    assert order.breaches.count() == 0
    services.record_order_breach(order=order, by=officer, occurred_on=date(2026, 3, 31), description="Seen there")
    assert order.breaches.count() == 1

"""The rules review of December 2026: each rule checked against the 2014 Act's wording at its boundary day.

Each test failed before its fix (docs/rules.md, "Corrections"): the day was counted one too early or too late,
or the statutory period was stretched past its limit.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from casework.errors import NotAllowed
from enforcement import services
from enforcement.models import FPNStatus, OffenceCode
from tests.factories import make_cbo, make_fpn, make_notice_recipient

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


# --- s52(5)(a) and s68(4): no proceedings before the end of the 14 days *following* the date of the notice ---


def test_proceedings_may_start_only_after_the_14_days_following_the_notice(officer, admin_user):
    """Issued 3 June: the 14 days following end on 17 June, so proceedings may start on 18 June, not 17 June."""
    offence = OffenceCode.objects.get(code="CST08")
    offence.payment_days = 14
    services.save_offence_code(offence=offence, by=admin_user)
    fpn = make_fpn(by=officer, offence_code="CST08", issued_at=at(2024, 6, 3, 14))
    assert fpn.payment_due == date(2024, 6, 17)
    assert fpn.no_proceedings_before == date(2024, 6, 18)
    with pytest.raises(NotAllowed, match="not before 18 June 2024"):
        services.list_fpn_for_prosecution(fpn=fpn, by=officer, on=date(2024, 6, 17))
    services.list_fpn_for_prosecution(fpn=fpn, by=officer, on=date(2024, 6, 18))
    fpn.refresh_from_db()
    assert fpn.status == FPNStatus.PROSECUTION and fpn.prosecution_listed_on == date(2024, 6, 18)


def test_a_notice_recorded_with_the_old_date_is_still_not_prosecuted_on_the_14th_day(officer, admin_user):
    """Notices issued before the fix hold the 14th day as the first day of proceedings; the service counts from
    the day of issue, so the 14th day is refused for them too."""
    offence = OffenceCode.objects.get(code="CST08")
    offence.payment_days = 14
    services.save_offence_code(offence=offence, by=admin_user)
    fpn = make_fpn(by=officer, offence_code="CST08", issued_at=at(2024, 6, 3, 14))
    type(fpn).objects.filter(pk=fpn.pk).update(no_proceedings_before=date(2024, 6, 17), payment_due=date(2024, 6, 16))
    with pytest.raises(NotAllowed, match="within 14 days"):
        services.list_fpn_for_prosecution(fpn=fpn, by=officer, on=date(2024, 6, 17))


# --- s52(8) and s68: the lower amount only for payment within a period of less than 14 days ---------------


@pytest.mark.parametrize("code", ["CST08", "CST09"])
def test_the_discount_date_is_never_moved_past_the_13th_day_for_cpn_and_pspo_breaches(officer, code):
    """Issued Monday 2 December 2024: the 13th day is Sunday 15 December. Moving it to the next working day
    (Monday 16 December) would offer the discount for 14 days, which s52(8) and s68 forbid."""
    fpn = make_fpn(by=officer, offence_code=code, issued_at=at(2024, 12, 2, 10))
    assert fpn.early_payment_until == date(2024, 12, 15)
    with pytest.raises(NotAllowed):
        services.record_fpn_payment(fpn=fpn, by=officer, paid_on=date(2024, 12, 16), amount=Decimal("70.00"))


def test_other_offence_codes_still_move_payment_dates_to_the_next_working_day(officer):
    """CST01 (EPA littering) has no under-14-days rule: its discount date still moves off a weekend."""
    fpn = make_fpn(by=officer, offence_code="CST01", issued_at=at(2024, 12, 1, 10))  # a Sunday
    assert fpn.early_payment_until == date(2024, 12, 16)  # 15 December is a Sunday


def test_a_discount_date_on_a_working_day_is_the_13th_day(officer):
    fpn = make_fpn(by=officer, offence_code="CST08", issued_at=at(2024, 6, 4, 14))  # a Tuesday
    assert fpn.early_payment_until == date(2024, 6, 17)  # Monday, the 13th day


# --- s28 (CBOs; s348 of the Sentencing Code): the review within each 12 months beginning with the order ------


def _youth_cbo(case, officer, *, born, starts_on=date(2024, 4, 1), ends_on=date(2027, 3, 31)):
    subject = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=born)
    return make_cbo(case=case, by=officer, subject=subject, made_on=starts_on, ends_on=ends_on)


def test_the_first_review_is_due_by_the_last_day_of_the_12_months_beginning_with_the_order(case, officer):
    """Made 1 April 2024: the 12 months beginning with that day end on 31 March 2025, not 1 April 2025."""
    order = _youth_cbo(case, officer, born=date(2012, 1, 1))
    assert order.next_review_on == date(2025, 3, 31)


def test_an_order_ending_on_the_last_day_of_the_review_period_is_still_reviewed(case, officer):
    order = _youth_cbo(case, officer, born=date(2012, 1, 1), ends_on=date(2025, 3, 31))
    assert order.next_review_on == date(2025, 3, 31)


def test_no_review_is_due_when_the_subject_is_18_by_the_end_of_the_review_period(case, officer):
    """Born 1 October 2006: under 18 when the order is made (so an under-18 order), 18 by 31 March 2025."""
    order = _youth_cbo(case, officer, born=date(2006, 10, 1))
    assert order.is_youth and order.next_review_on is None


def test_after_a_review_the_next_is_due_by_the_end_of_the_next_review_period(case, officer):
    """A review on 1 December 2024 satisfies the first period; the next is due by 31 March 2026 (the end of the
    12 months beginning 1 April 2025), not 12 months after the day of the review."""
    order = _youth_cbo(case, officer, born=date(2012, 1, 1))
    services.record_review(order=order, by=officer, reviewed_on=date(2024, 12, 1))
    order.refresh_from_db()
    assert order.next_review_on == date(2026, 3, 31)
    services.record_review(order=order, by=officer, reviewed_on=date(2025, 1, 10))  # again, in the same period
    order.refresh_from_db()
    assert order.next_review_on == date(2026, 3, 31)


def test_no_further_review_once_the_subject_will_be_18_at_the_end_of_the_next_period(case, officer):
    order = _youth_cbo(case, officer, born=date(2007, 4, 2))  # 17 on 31 March 2025, 18 by 31 March 2026
    assert order.next_review_on == date(2025, 3, 31)
    services.record_review(order=order, by=officer, reviewed_on=date(2025, 3, 1))
    order.refresh_from_db()
    assert order.next_review_on is None


def test_a_variation_starts_a_new_12_month_review_period(case, officer):
    order = _youth_cbo(case, officer, born=date(2012, 1, 1))
    services.vary_order(
        order=order,
        by=officer,
        decided_on=date(2024, 9, 10),
        court="Hendon Magistrates' Court",
        new_prohibitions="Not to enter Watling Avenue or the Burnt Oak estate",
    )
    order.refresh_from_db()
    assert order.next_review_on == date(2025, 9, 9)


# --- s25(1)-(2) (s343 of the Sentencing Code): a CBO takes effect on the day it is made ----------------------


def _adult_cbo(case, officer, subject, *, made_on, starts_on, ends_on=None):
    return make_cbo(
        case=case,
        by=officer,
        subject=subject,
        made_on=made_on,
        starts_on=starts_on,
        ends_on=ends_on,
        indefinite=ends_on is None,
    )


def test_a_cbo_takes_effect_on_the_day_it_is_made(case, officer):
    subject = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 1, 1))
    with pytest.raises(NotAllowed, match="takes effect on the day it is made"):
        _adult_cbo(case, officer, subject, made_on=date(2024, 4, 1), starts_on=date(2024, 5, 1))
    assert _adult_cbo(case, officer, subject, made_on=date(2024, 4, 1), starts_on=date(2024, 4, 1)).pk


def test_a_cbo_may_take_effect_when_the_offenders_previous_cbo_ends(case, officer):
    subject = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(1990, 1, 1))
    _adult_cbo(
        case, officer, subject, made_on=date(2023, 1, 10), starts_on=date(2023, 1, 10), ends_on=date(2025, 6, 30)
    )
    later = _adult_cbo(case, officer, subject, made_on=date(2024, 4, 1), starts_on=date(2025, 7, 1))
    assert later.starts_on == date(2025, 7, 1)
    with pytest.raises(NotAllowed, match="s25"):
        _adult_cbo(case, officer, subject, made_on=date(2024, 4, 1), starts_on=date(2025, 7, 2))


# --- The £500 cap (Crime and Policing Act 2026): never for a breach committed before it commenced -----------


def _commence_500_cap_on(day: date, admin_user) -> None:
    from statutory.models import Commencement
    from statutory.services import set_commencement

    commencement = Commencement.objects.get(key="cpa2026-fpn-cap")
    set_commencement(commencement=commencement, commences_on=day, regulations="SI 2026/999", by=admin_user)
    old = OffenceCode.objects.get(code="CST08")
    old.effective_to = day - timedelta(days=1)
    services.save_offence_code(offence=old, by=admin_user)
    new = OffenceCode(
        code="CST08",
        statute=old.statute,
        description=old.description,
        full_amount=Decimal("500.00"),
        early_payment_amount=Decimal("350.00"),
        early_payment_days=13,
        payment_days=28,
        effective_from=day,
    )
    services.save_offence_code(offence=new, by=admin_user)


def test_a_breach_before_the_500_pound_cap_commenced_is_fined_at_the_amounts_then_in_force(officer, admin_user):
    """A heavier penalty than the one applicable when the offence was committed is never imposed (Article 7
    ECHR): a breach on 31 October fined on 2 November, after the £500 cap commenced on 1 November, is £100."""
    _commence_500_cap_on(date(2026, 11, 1), admin_user)
    before = make_fpn(by=officer, offence_code="CST08", issued_at=at(2026, 11, 2, 12), offence_at=at(2026, 10, 31, 22))
    assert (before.full_amount, before.early_payment_amount) == (Decimal("100.00"), Decimal("70.00"))
    after = make_fpn(by=officer, offence_code="CST08", issued_at=at(2026, 11, 2, 12), offence_at=at(2026, 11, 1, 9))
    assert after.full_amount == Decimal("500.00")

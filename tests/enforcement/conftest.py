"""A case carrying one of every enforcement record, for permission and screen tests."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from enforcement import services
from tests.factories import (
    make_closure_notice,
    make_cpn,
    make_fpn,
    make_notice_recipient,
    make_pspo,
)


@dataclass
class Records:
    case: object
    warning: object
    cpn: object
    breach: object
    breach_fpn: object
    case_fpn: object
    street_fpn: object
    notice: object
    order: object
    cbo: object
    injunction: object
    pspo: object
    pspo_breach: object


@pytest.fixture
def records(case, officer) -> Records:
    today = timezone.localdate()
    cpn = make_cpn(case=case, by=officer, issued_on=today - timedelta(days=5))
    breach = services.record_cpn_breach(
        cpn=cpn, by=officer, occurred_on=today - timedelta(days=1), description="Music at 2am", evidence_summary="Diary"
    )
    breach_fpn = services.issue_fpn_for_cpn_breach(
        breach=breach, by=officer, issued_at=timezone.now(), offence_description="Failed to comply", location="Flat 3"
    )
    case_fpn = make_fpn(by=officer, case=case, offence_code="CST13", recipient_name="Kevin Loud")
    street_fpn = make_fpn(by=officer, offence_code="CST01", recipient_name="Street Litterer")
    notice = make_closure_notice(
        case=case,
        by=officer,
        served_at=timezone.now() - timedelta(hours=30),
        hearing_at=timezone.now() - timedelta(hours=10),
    )
    order = services.grant_closure_order(
        notice=notice,
        by=officer,
        heard_at=notice.hearing_at,
        court="Willesden Magistrates' Court",
        scope="full",
        starts_on=today,
        ends_on=today + timedelta(days=60),
    )
    subject = make_notice_recipient(case=case, by=officer, first_name="Dean", date_of_birth=date(2009, 1, 1))
    cbo = services.record_cbo(
        case=case,
        by=officer,
        subject=subject,
        subject_date_of_birth=date(2009, 1, 1),
        court="Hendon Magistrates' Court",
        conviction_offence="Criminal damage",
        application_heard_on=today,
        made_on=today,
        starts_on=today,
        ends_on=today + timedelta(days=800),
        prohibitions="Not to enter Watling Avenue",
    )
    injunction = services.record_injunction(
        case=case,
        by=officer,
        subject=cpn.recipient_person,
        subject_date_of_birth=cpn.recipient_person.date_of_birth,
        court="Barnet County Court",
        application_heard_on=today,
        made_on=today,
        starts_on=today,
        ends_on=None,
        prohibitions="Not to play amplified music",
        power_of_arrest=True,
        power_of_arrest_terms="Threats of violence",
        power_of_arrest_ground="violence",
    )
    pspo = make_pspo(by=officer)
    pspo_breach = services.record_pspo_breach(
        pspo=pspo,
        condition=pspo.conditions.get(number=7),
        by=officer,
        occurred_at=timezone.now() - timedelta(hours=1),
        location="Watling Avenue",
        description="Urinating in the street",
        offender_name="Lee Fox",
        offender_address="9 Station Road",
        case=case,
    )
    return Records(
        case=case,
        warning=cpn.warning,
        cpn=cpn,
        breach=breach,
        breach_fpn=breach_fpn,
        case_fpn=case_fpn,
        street_fpn=street_fpn,
        notice=notice,
        order=order,
        cbo=cbo,
        injunction=injunction,
        pspo=pspo,
        pspo_breach=pspo_breach,
    )


def case_urls(r: Records) -> list[str]:
    """Every enforcement URL that shows or changes something on the case."""
    ref = r.case.reference
    return [
        f"/enforcement/cases/{ref}/",
        f"/enforcement/cases/{ref}/warnings/new/",
        f"/enforcement/cases/{ref}/cpns/new/",
        f"/enforcement/cases/{ref}/fpns/new/",
        f"/enforcement/cases/{ref}/closures/new/",
        f"/enforcement/cases/{ref}/cbos/new/",
        f"/enforcement/cases/{ref}/injunctions/new/",
        f"/enforcement/warnings/{r.warning.pk}/",
        f"/enforcement/warnings/{r.warning.pk}/outcome/",
        f"/enforcement/warnings/{r.warning.pk}/pdf/",
        f"/enforcement/cpns/{r.cpn.pk}/",
        f"/enforcement/cpns/{r.cpn.pk}/pdf/",
        f"/enforcement/cpns/{r.cpn.pk}/appeal/",
        f"/enforcement/cpns/{r.cpn.pk}/appeal/decision/",
        f"/enforcement/cpns/{r.cpn.pk}/status/",
        f"/enforcement/cpns/{r.cpn.pk}/breaches/add/",
        f"/enforcement/cpn-breaches/{r.breach.pk}/fpn/",
        f"/enforcement/cpn-breaches/{r.breach.pk}/prosecute/",
        f"/enforcement/fpns/{r.breach_fpn.pk}/",
        f"/enforcement/fpns/{r.breach_fpn.pk}/pdf/",
        f"/enforcement/fpns/{r.case_fpn.pk}/",
        f"/enforcement/fpns/{r.case_fpn.pk}/pdf/",
        f"/enforcement/fpns/{r.case_fpn.pk}/payment/",
        f"/enforcement/fpns/{r.case_fpn.pk}/cancel/",
        f"/enforcement/fpns/{r.case_fpn.pk}/prosecute/",
        f"/enforcement/closures/{r.notice.pk}/",
        f"/enforcement/closures/{r.notice.pk}/pdf/",
        f"/enforcement/closures/{r.notice.pk}/extend/",
        f"/enforcement/closures/{r.notice.pk}/decision/",
        f"/enforcement/closures/{r.notice.pk}/cancel/",
        f"/enforcement/closure-orders/{r.order.pk}/extend/",
        f"/enforcement/closure-orders/{r.order.pk}/breaches/add/",
        f"/enforcement/cbos/{r.cbo.pk}/",
        f"/enforcement/cbos/{r.cbo.pk}/breaches/add/",
        f"/enforcement/cbos/{r.cbo.pk}/review/",
        f"/enforcement/injunctions/{r.injunction.pk}/",
        f"/enforcement/injunctions/{r.injunction.pk}/breaches/add/",
        f"/enforcement/injunctions/{r.injunction.pk}/review/",
        f"/enforcement/pspo-breaches/{r.pspo_breach.pk}/",
        f"/enforcement/pspo-breaches/{r.pspo_breach.pk}/fpn/",
        f"/enforcement/pspo-breaches/{r.pspo_breach.pk}/prosecute/",
    ]


READ_URL_SUFFIXES = ("/", "/pdf/")

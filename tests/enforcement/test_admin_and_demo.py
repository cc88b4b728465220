"""Administrators keep the offence codes (with history); the demo builds through the services, once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from enforcement.models import (
    ClosureOrder,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    FixedPenaltyNotice,
    OffenceCode,
    PublicSpacesProtectionOrder,
)
from tests.factories import make_cpn

pytestmark = pytest.mark.django_db


def _offence_post(offence: OffenceCode, **changes) -> dict:
    data = {
        "code": offence.code,
        "statute": offence.statute,
        "description": offence.description,
        "full_amount": str(offence.full_amount),
        "early_payment_amount": str(offence.early_payment_amount),
        "early_payment_days": str(offence.early_payment_days),
        "payment_days": str(offence.payment_days),
        "effective_from": offence.effective_from.isoformat(),
        "effective_to": "",
    }
    data.update(changes)
    return data


def test_seeded_offence_codes_match_seed_003(db):
    codes = list(OffenceCode.objects.order_by("id").values_list("code", flat=True))
    assert codes[:7] == ["CST01", "CST02", "CST03", "CST04", "CST05", "CST06", "CST07a"]
    assert {"CST07b", "CST13", "CST14", "CST17"} <= set(codes) and len(codes) == 18
    cst08 = OffenceCode.objects.get(code="CST08")
    assert "Section 48" in cst08.statute and cst08.full_amount == Decimal("100.00")
    assert cst08.early_payment_amount == Decimal("70.00") and cst08.early_payment_days == 13  # s52(8): under 14
    assert cst08.history.get().history_change_reason == "Seeded from seed 003, Table 2"


def test_an_administrator_changes_an_amount_and_history_records_who(client, admin_user):
    offence = OffenceCode.objects.get(code="CST13")
    client.force_login(admin_user)
    url = reverse("admin:enforcement_offencecode_change", args=[offence.pk])
    response = client.post(url, _offence_post(offence, full_amount="400.00", early_payment_amount="280.00"))
    assert response.status_code == 302
    offence.refresh_from_db()
    assert offence.full_amount == Decimal("400.00")
    latest = offence.history.latest()
    assert latest.history_user == admin_user and latest.history_change_reason == "Offence code changed"


def test_the_admin_refuses_figures_that_break_the_rules(client, admin_user):
    offence = OffenceCode.objects.get(code="CST01")
    client.force_login(admin_user)
    url = reverse("admin:enforcement_offencecode_change", args=[offence.pk])
    response = client.post(url, _offence_post(offence, payment_days="10", early_payment_days="7"))
    assert response.status_code == 200 and "at least 14 days" in response.content.decode()
    response = client.post(url, _offence_post(offence, early_payment_amount="120.00"))
    assert "no more than the full amount" in response.content.decode()
    offence.refresh_from_db()
    assert (offence.payment_days, offence.early_payment_amount) == (28, Decimal("70.00"))


def test_case_linked_records_are_not_in_the_admin_even_for_the_lead_agencys_administrator(
    client, case, officer, admin_user
):
    """Notices are case data: worked on in the screens, never in the admin (tests/security/test_admin_site.py)."""
    cpn = make_cpn(case=case, by=officer)
    client.force_login(admin_user)  # a council administrator: the council leads the case
    for url in (
        "/admin/enforcement/communityprotectionnotice/",
        f"/admin/enforcement/communityprotectionnotice/{cpn.pk}/change/",
        f"/admin/enforcement/communityprotectionnotice/{cpn.pk}/history/",
    ):
        assert client.get(url).status_code in (302, 404), url


def test_demo_builds_the_case_study_and_is_idempotent(db):
    from casework.demo import load as load_casework
    from enforcement.demo import load

    load_casework(cases=12)
    load()
    counts = [
        m.objects.count()
        for m in (CommunityProtectionWarning, CommunityProtectionNotice, FixedPenaltyNotice, ClosureOrder)
    ]
    assert all(counts) and PublicSpacesProtectionOrder.objects.get().conditions.count() == 11
    order = ClosureOrder.objects.get()
    assert order.scope == "full"
    assert CommunityProtectionNotice.objects.filter(case=order.case, breaches__isnull=False).exists()
    history = CommunityProtectionWarning.history.filter(case_id=order.case_id).first()
    assert history.history_user.username == "officer"
    load()
    assert counts == [
        m.objects.count()
        for m in (CommunityProtectionWarning, CommunityProtectionNotice, FixedPenaltyNotice, ClosureOrder)
    ]

"""The case's visibility governs its notices; street fixed penalties belong to the issuing agency."""

import re

import pytest
from django.urls import reverse

from casework import roles
from casework.models import LegalBasis
from casework.services import share_case
from enforcement import selectors
from enforcement.models import FixedPenaltyNotice
from tests.enforcement.conftest import case_urls
from tests.factories import make_fpn, make_member

pytestmark = pytest.mark.django_db


def _is_read_page(url: str) -> bool:
    """Detail pages, PDFs and the case page (not issue or action forms)."""
    return re.fullmatch(r"/enforcement/(cases/[^/]+|[a-z-]+/\d+)/(pdf/)?", url) is not None


def test_an_unshared_partner_gets_404_on_every_enforcement_url_of_the_case(client, records, police_user):
    client.force_login(police_user)
    for url in case_urls(records):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_a_user_from_another_council_team_without_a_share_gets_404_too(client, records, police):
    police_officer = make_member(police, roles.ENFORCEMENT_OFFICER, "pc-enforcement")
    client.force_login(police_officer)
    for url in case_urls(records):
        assert client.get(url).status_code == 404, url


def test_a_view_only_partner_reads_the_notices_but_cannot_act_on_them(client, records, housing_user, officer):
    share_case(
        case=records.case,
        agency=housing_user.membership.agency,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Tenancy enforcement",
        by=officer,
    )
    client.force_login(housing_user)
    for url in case_urls(records):
        status = client.get(url).status_code
        if _is_read_page(url):
            assert status == 200, url
        else:
            assert status == 403, url


def test_managers_and_auditors_read_every_case_and_change_none(client, records, manager, auditor):
    for reader in (manager, auditor):
        client.force_login(reader)
        assert client.get(f"/enforcement/cpns/{records.cpn.pk}/").status_code == 200
        assert client.get(f"/enforcement/fpns/{records.street_fpn.pk}/").status_code == 200
        assert client.get(f"/enforcement/cpns/{records.cpn.pk}/appeal/").status_code == 403
        assert client.get(f"/enforcement/cases/{records.case.reference}/warnings/new/").status_code == 403


def test_when_the_case_is_shared_its_notices_become_visible_and_when_revoked_they_go(records, officer, police_user):
    from casework.services import revoke_share

    assert not selectors.cpns_for(police_user).exists()
    share = share_case(
        case=records.case,
        agency=police_user.membership.agency,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Joint problem solving",
        by=officer,
    )
    assert list(selectors.cpns_for(police_user)) == [records.cpn]
    assert set(selectors.fpns_for(police_user)) == {records.breach_fpn, records.case_fpn}
    revoke_share(share=share, by=officer, reason="Finished")
    assert not selectors.cpns_for(police_user).exists()
    assert not selectors.fpns_for(police_user).exists()


def test_street_fpns_are_visible_to_the_issuing_agency_only(client, officer, council, police_user, manager):
    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "officer2")
    fpn = make_fpn(by=officer, recipient_name="Street Litterer")
    url = reverse("enforcement:fpn_detail", args=[fpn.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 200
    assert client.get(reverse("enforcement:fpn_payment", args=[fpn.pk])).status_code == 200
    client.force_login(manager)
    assert client.get(url).status_code == 200
    client.force_login(police_user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("enforcement:fpn_pdf", args=[fpn.pk])).status_code == 404
    response = client.get(reverse("enforcement:fpn_list"))
    assert "Street Litterer" not in response.content.decode()


def test_a_police_street_fpn_is_not_visible_to_the_council(client, officer, police):
    constable = make_member(police, roles.ENFORCEMENT_OFFICER, "constable")
    fpn = make_fpn(by=constable, recipient_name="Police Ticket")
    assert fpn.owner_agency == police
    client.force_login(officer)
    assert client.get(reverse("enforcement:fpn_detail", args=[fpn.pk])).status_code == 404
    assert not selectors.fpns_for(officer).filter(pk=fpn.pk).exists()


def test_registers_list_only_what_the_user_may_see(client, records, police_user, officer):
    client.force_login(police_user)
    for name in ("warning_list", "cpn_list", "fpn_list", "closure_list", "cbo_list", "injunction_list"):
        response = client.get(reverse(f"enforcement:{name}"))
        assert response.status_code == 200, name
        assert "0 records found" in response.content.decode(), name
    client.force_login(officer)
    body = client.get(reverse("enforcement:fpn_list")).content.decode()
    assert records.street_fpn.notice_number in body and records.case_fpn.notice_number in body


def test_pspo_breaches_without_a_case_belong_to_the_recording_agency(officer, police_user):
    from datetime import timedelta

    from django.utils import timezone

    from enforcement import services
    from tests.factories import make_pspo

    pspo = make_pspo(by=officer)
    breach = services.record_pspo_breach(
        pspo=pspo,
        condition=pspo.conditions.first(),
        by=officer,
        occurred_at=timezone.now() - timedelta(hours=1),
        location="Park",
        description="Drinking",
    )
    assert selectors.pspo_breaches_for(officer).filter(pk=breach.pk).exists()
    assert not selectors.pspo_breaches_for(police_user).filter(pk=breach.pk).exists()
    assert not selectors.pspos_for(police_user).filter(pk=pspo.pk).exists()  # a council's order, no case


def test_the_nav_shows_enforcement_to_holders_of_the_fpn_view_permission(client, officer):
    from django.contrib.auth import get_user_model

    client.force_login(officer)
    assert 'href="/enforcement/"' in client.get("/").content.decode()
    nobody = get_user_model().objects.create_user("nobody", password="x-Long-password-1")
    client.force_login(nobody)
    assert 'href="/enforcement/"' not in client.get("/").content.decode()
    assert client.get("/enforcement/").status_code == 403


def test_services_refuse_a_user_who_cannot_change_the_case(records, housing_user):
    from datetime import date

    from casework.errors import NotAllowed
    from enforcement import services

    with pytest.raises(NotAllowed):
        services.lodge_appeal(notice=records.cpn, by=housing_user, lodged_on=date.today(), grounds="x")
    with pytest.raises(NotAllowed):
        services.cancel_fpn(fpn=records.street_fpn, by=housing_user, reason="x")
    assert FixedPenaltyNotice.objects.filter(status="cancelled").count() == 0

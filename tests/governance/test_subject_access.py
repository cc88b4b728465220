"""A subject access request from receipt to a redacted disclosure pack, every step logged."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from audit.models import AccessLog, Disclosure
from casework import services as casework_services
from casework.errors import InvalidTransition
from casework.models import CaseParty, PartyRole, Person
from governance import services
from governance.disclosure import build_pack
from governance.models import SarStatus


@pytest.fixture
def harm_causer(case) -> Person:
    return Person.objects.get(last_name="Loud")


@pytest.fixture
def with_narrative(case, officer, harm_causer):
    victim = CaseParty.objects.get(case=case, role=PartyRole.VICTIM)
    casework_services.add_incident(
        case=case,
        by=officer,
        occurred_at=timezone.now() - timedelta(days=3),
        reported_at=timezone.now() - timedelta(days=2),
        reported_to=case.lead_agency,
        description="Maria Secretname said Kevin Loud shouted at her; call her on 07700 900123.",
        reported_by=victim,
    )
    casework_services.add_note(case=case, by=officer, text="Spoke to Secretname. Warned Loud about the noise.")
    return case


@pytest.mark.django_db
def test_the_pack_for_the_person_causing_harm_withholds_the_anonymous_victim(with_narrative, harm_causer):
    pack = build_pack(person=harm_causer)
    html = render_to_string(
        "governance/print/sar_pack.html",
        {
            "sar": type("S", (), {"reference": "SAR-1", "received_on": date.today(), "searches": "casework"})(),
            "pack": pack,
            "clock": None,
            "produced_at": timezone.now(),
        },
    )
    for secret in ("Maria", "Secretname", "07700 900123", "07700900123", "Victim"):
        assert secret not in html, secret
    assert "Kevin Loud" in html and "Warned Loud about the noise" in html  # the subject's own data stays
    assert "[withheld] said Kevin Loud shouted" in html
    assert "reported by [withheld]" in html
    assert pack.redactions >= 3


@pytest.mark.django_db
def test_a_request_from_receipt_to_decision(client, auditor, with_narrative, harm_causer):
    received = timezone.localdate() - timedelta(days=10)
    sar = services.receive_sar(person=harm_causer, requester_name="Kevin Loud", received_on=received, by=auditor)
    due = sar.clock().deadline  # after a weekend or bank holiday shift (test_clock.py pins the calendar itself)
    with pytest.raises(InvalidTransition):
        services.record_searches(sar=sar, searches="Casework", searched_on=received, by=auditor)  # identity first
    services.record_identity_check(sar=sar, checked_on=received, evidence="Passport seen", by=auditor)
    services.pause_for_clarification(
        sar=sar, paused_on=received + timedelta(days=1), question="Which cases?", by=auditor
    )
    assert sar.clock().deadline is None
    services.resume_after_clarification(sar=sar, resumed_on=received + timedelta(days=3), by=auditor)
    resumed = sar.clock()
    assert resumed.paused_days == 2
    assert resumed.deadline >= due and resumed.deadline >= received + timedelta(days=1 + 28 + 2)
    services.record_searches(sar=sar, searches="Casework: every case naming him.", searched_on=received, by=auditor)

    client.force_login(auditor)
    page = client.get(f"/governance/subject-access/{sar.pk}/").content.decode()
    assert "Respond by" in page and "2 days paused" in page
    response = client.get(f"/governance/subject-access/{sar.pk}/pack.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    disclosure = Disclosure.objects.get(object_type="subject_access_request")
    assert disclosure.details["cases"] == [with_narrative.reference]
    response = client.post(
        f"/governance/subject-access/{sar.pk}/decide/",
        {"decide-decision": "disclosed_redacted", "decide-reason": "Victim withheld", "decide-decided_on": received},
    )
    sar.refresh_from_db()
    assert sar.status == SarStatus.DECIDED and sar.decided_by == auditor
    steps = list(
        AccessLog.objects.filter(object_type="subject_access_request", object_id=str(sar.pk))
        .exclude(details__step=None)
        .values_list("details__step", flat=True)
    )
    assert {"received", "identity_checked", "paused", "resumed", "searched", "pack", "decided"} <= set(steps)
    assert AccessLog.objects.filter(object_type="subject_access_request", person_id=harm_causer.pk).count() >= 7

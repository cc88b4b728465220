"""The PCC review of a Case Review (Crime and Policing Act 2026): refused until commenced, then a status."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from statutory import services as statutory_services
from statutory.models import Commencement
from tests.triggers.outcomes import send_approved_outcome
from triggers import services
from triggers.models import ApplicationStatus, EscalationKind

pytestmark = pytest.mark.django_db


def _dated(name: str, value: date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def test_the_applicant_asks_the_pcc_to_review_only_from_commencement(
    client, application, manager, approver, admin_user
):
    decided = services.record_threshold_decision(application=application, by=manager, met=False, reason="Not met")
    sent = send_approved_outcome(decided, writer=manager, approver=approver, body="Threshold not met: what we will do")
    client.force_login(manager)
    today = timezone.localdate()
    url = f"/triggers/{sent.reference}/escalations/add/"
    post = {
        "kind": EscalationKind.PCC_REVIEW,
        **_dated("requested_on", today),
        "body": "Mayor's Office for Policing and Crime (MOPAC)",
        "grounds": "Nothing has changed since the review",
    }
    response = client.post(url, post)
    assert response.status_code == 200 and "not in force" in response.content.decode()
    assert not sent.escalations.exists()
    statutory_services.set_commencement(
        commencement=Commencement.objects.get(key="cpa2026-pcc-case-review"),
        commences_on=today - timedelta(days=1),
        regulations="SI 2026/999",
        by=admin_user,
    )
    assert client.post(url, post).status_code == 302
    sent.refresh_from_db()
    escalation = sent.escalations.get()
    assert sent.status == ApplicationStatus.PCC_REVIEW and escalation.kind == EscalationKind.PCC_REVIEW
    page = client.get(f"/triggers/{sent.reference}/escalations/").content.decode()
    assert "Statutory review by the PCC (Crime and Policing Act 2026)" in page
    client.post(
        f"/triggers/{sent.reference}/escalations/{escalation.pk}/result/",
        {"result": "handling_upheld", "notes": "Handled reasonably", **_dated("concluded_on", today)},
    )
    sent.refresh_from_db()
    assert sent.status == ApplicationStatus.CLOSED

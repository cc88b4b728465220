"""The data-protection complaints register: received, acknowledged within 30 days, investigated, outcome."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AccessLog
from governance import services
from governance.models import ComplaintStatus, DataProtectionComplaint


@pytest.mark.django_db
def test_a_complaint_through_the_screens_and_the_register(client, auditor):
    client.force_login(auditor)
    received = timezone.localdate() - timedelta(days=40)
    response = client.post(
        "/governance/complaints/",
        {"complainant": "A Resident", "summary": "My address was shared", "received_on": received.isoformat()},
    )
    complaint = DataProtectionComplaint.objects.get()
    assert response["Location"] == f"/governance/complaints/{complaint.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert (received + timedelta(days=30)).strftime("%-d %B %Y") in page
    client.post(
        f"/governance/complaints/{complaint.pk}/acknowledge/",
        {"acknowledge-acknowledged_on": (received + timedelta(days=5)).isoformat()},
    )
    client.post(
        f"/governance/complaints/{complaint.pk}/investigate/",
        {
            "investigate-started_on": (received + timedelta(days=6)).isoformat(),
            "investigate-investigator": "IG officer",
        },
    )
    client.post(
        f"/governance/complaints/{complaint.pk}/outcome/",
        {
            "outcome-outcome": "partly_upheld",
            "outcome-outcome_on": (received + timedelta(days=20)).isoformat(),
            "outcome-summary": "Apologised; sharing agreement reviewed",
        },
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and not complaint.acknowledged_late
    steps = AccessLog.objects.filter(object_type="dp_complaint", object_id=str(complaint.pk))
    assert {"received", "acknowledged", "investigating", "outcome"} <= set(
        steps.values_list("details__step", flat=True)
    )


@pytest.mark.django_db
def test_the_register_filters_overdue_acknowledgements_and_exports_csv(client, auditor):
    today = timezone.localdate()
    late = services.receive_complaint(
        complainant="=HYPERLINK(1)", summary="x", received_on=today - timedelta(days=45), by=auditor
    )
    services.receive_complaint(complainant="On time", summary="y", received_on=today - timedelta(days=3), by=auditor)
    client.force_login(auditor)
    page = client.get("/governance/complaints/", {"overdue": "on"}).content.decode()
    assert late.reference in page and "On time" not in page
    response = client.get("/governance/complaints/", {"overdue": "on", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Reference" and len(rows) == 2
    assert rows[1][1] == "'=HYPERLINK(1)"  # formula neutralised
    assert AccessLog.objects.filter(object_type="dp_complaint", action="export").exists()

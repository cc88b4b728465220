"""Issue #15: the six months are counted by the date each complaint was made (s104), entered through the form."""

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import TriggerApplicationFactory

pytestmark = pytest.mark.django_db


def d(name: str, value: date) -> dict:
    return {f"{name}_0": str(value.day), f"{name}_1": str(value.month), f"{name}_2": str(value.year)}


def _add(client, reference: str, occurred: date, reported: date):
    response = client.post(
        reverse("triggers:incident_add", args=[reference]),
        {**d("occurred_on", occurred), **d("reported_on", reported), "reported_to": "police", "description": "x"},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]


def test_behaviour_before_the_window_reported_inside_it_counts(client, council, manager):
    application = TriggerApplicationFactory(
        owner_agency=council, received_at=timezone.make_aware(datetime(2025, 11, 20, 10)), applicant_name="Maria Evans"
    )
    client.force_login(manager)
    _add(client, application.reference, date(2025, 5, 10), date(2025, 6, 1))  # window starts 20 May 2025
    _add(client, application.reference, date(2025, 8, 1), date(2025, 8, 1))
    _add(client, application.reference, date(2025, 10, 1), date(2025, 10, 2))
    page = client.get(reverse("triggers:threshold", args=[application.reference])).content.decode()
    assert "Window: 20 May 2025 to 20 November 2025" in page
    assert "Counted: 10 May 2025, reported to" in page and "on 1 June 2025" in page
    assert "3 qualifying complaints (3 needed)" in page and "threshold met" in page


def test_a_complaint_made_before_the_window_does_not_count_even_if_reported_in_time(client, council, manager):
    application = TriggerApplicationFactory(
        owner_agency=council, received_at=timezone.make_aware(datetime(2025, 11, 20, 10)), applicant_name="Maria Evans"
    )
    client.force_login(manager)
    _add(client, application.reference, date(2025, 5, 10), date(2025, 5, 19))  # complaint made a day too early
    _add(client, application.reference, date(2025, 8, 1), date(2025, 8, 1))
    _add(client, application.reference, date(2025, 10, 1), date(2025, 10, 2))
    page = client.get(reverse("triggers:threshold", args=[application.reference])).content.decode()
    assert "2 qualifying complaints (3 needed)" in page
    assert "complaint made on 19 May 2025" in page

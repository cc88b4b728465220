"""The demo data: applications at every stage, built on the casework demo, and idempotent."""

import pytest

from casework.demo import load as load_casework
from triggers.demo import load
from triggers.models import Application, ApplicationStatus, CaseLink, Escalation


@pytest.mark.django_db
def test_demo_builds_applications_at_every_stage_and_running_twice_changes_nothing():
    load_casework(cases=12)
    load()
    counts = (Application.objects.count(), CaseLink.objects.count(), Escalation.objects.count())
    assert counts[0] == 11
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {ApplicationStatus.RECEIVED, ApplicationStatus.CLOSED, ApplicationStatus.REVIEW_ARRANGED} <= statuses
    load()
    assert (Application.objects.count(), CaseLink.objects.count(), Escalation.objects.count()) == counts

"""Fixtures for the Community Trigger tests: a clean rate-limit cache and ready-made applications."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from casework import roles
from tests.factories import TriggerApplicationFactory, incident_report, make_member
from tests.notifications.conftest import smtp_server  # noqa: F401 - the SMTP server (run_jobs is in tests/conftest.py)


@pytest.fixture(autouse=True)
def _clean_cache():
    """The rate limiter counts in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def application(council):
    """An application received online a week ago, listing three incidents reported to the police in time."""
    today = timezone.localdate()
    return TriggerApplicationFactory(
        owner_agency=council,
        received_at=timezone.now() - timedelta(days=7),
        applicant_name="Maria Evans",
        incidents=[incident_report(today - timedelta(days=d)) for d in (60, 40, 20)],
    )


@pytest.fixture
def approver(council):
    """A second Community safety manager: outcome letters are approved by someone other than their writer."""
    return make_member(council, roles.COMMUNITY_SAFETY_MANAGER, "manager2")

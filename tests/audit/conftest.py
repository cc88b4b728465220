"""Fixtures for the audit tests."""

from tests.notifications.conftest import run_jobs  # noqa: F401 (the job runner, for verification runs)

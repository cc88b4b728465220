"""The planner settings docs/performance.md was measured with: set on our connections, checked at start-up."""

import logging

import pytest
from django.db import connection

from common import planner

MEASURED = {"jit": "off", "random_page_cost": "1.1", "effective_cache_size": "16GB"}


def test_the_measured_settings_raise_nothing():
    assert planner.differences(MEASURED) == []
    assert planner.differences({**MEASURED, "random_page_cost": "1", "effective_cache_size": "4GB"}) == []


def test_a_server_at_its_defaults_is_named_setting_by_setting():
    found = planner.differences({"jit": "on", "random_page_cost": "4", "effective_cache_size": "128MB"})
    assert found == [
        "jit is on, expected off",
        "random_page_cost is 4, expected 1.1 or less",
        "effective_cache_size is 128MB, expected 4GB or more",
    ]


@pytest.mark.django_db
def test_the_system_check_warns_when_the_server_differs(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(planner, "server_values", lambda conn: {**MEASURED, "jit": "on"})
    messages = planner.check_planner_settings(databases=["default"])
    assert [m.id for m in messages] == ["casework.W023"]
    assert "jit is on, expected off" in messages[0].msg


@pytest.mark.django_db
def test_the_first_connection_logs_the_differences_once(monkeypatch, caplog):
    monkeypatch.setattr(planner, "_warned", False)
    monkeypatch.setattr(planner, "server_values", lambda conn: {**MEASURED, "random_page_cost": "4"})
    fake = type("Conn", (), {"vendor": "postgresql"})()
    with caplog.at_level(logging.WARNING, logger="casework.performance"):
        planner.warn_once(sender=None, connection=fake)
        planner.warn_once(sender=None, connection=fake)
    assert [r.getMessage() for r in caplog.records] == [
        "PostgreSQL planner setting differs from the measured configuration: "
        "random_page_cost is 4, expected 1.1 or less"
    ]


@pytest.mark.django_db
def test_our_connections_plan_as_measured():
    """On PostgreSQL (CI) the connection options set jit and random_page_cost whatever the server says;
    effective_cache_size is the server's (the CI server's default, 4GB, is the floor)."""
    if connection.vendor != "postgresql":
        assert planner.check_planner_settings(databases=["default"]) == []
        return
    values = planner.server_values(connection)
    assert values["jit"] == "off" and float(values["random_page_cost"]) == 1.1

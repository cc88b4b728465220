"""Faults: the database connection killed under a request, and a mail server that fails.

The database tests call Django's WSGI handler in this thread, as a gunicorn sync worker does, so the
persistent connection (CONN_MAX_AGE) and its health check (CONN_HEALTH_CHECKS) behave as in production.
A PostgreSQL restart under real load is bench/faults.py (figures in docs/security.md).
"""

import logging
import smtplib

import psycopg2
import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection

from casework import services
from casework.models import Address, Case
from tests.security.conftest import WSGIDriver, session_for


class BrokenEmailBackend(BaseEmailBackend):
    """A mail relay that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "relay down")


def _backend_pid() -> int:
    return connection.connection.get_backend_pid()


def _terminate(pid: int) -> None:
    """Kill one server process from outside, as a failover, an OOM kill or a restart would."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("options", None)
    killer = psycopg2.connect(**params)
    killer.autocommit = True
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    killer.close()


@pytest.fixture
def persistent_connection(postgres_only):
    """The production connection settings (from config/settings.py) on this thread's connection."""
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    connection.close()
    yield connection.settings_dict
    connection.settings_dict.update(saved)
    connection.close()


def test_production_settings_keep_connections_and_check_them():
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_database_connection_fails_one_request_cleanly_and_the_next_recovers(
    persistent_connection, officer, ward, monkeypatch
):
    app = WSGIDriver(session_for(officer))
    assert connection.health_check_enabled is True

    # 1. Between requests: the server process behind the worker's kept connection dies.
    status, _, _ = app.request("GET", "/cases/")
    assert status == 200
    first_pid = _backend_pid()
    _terminate(first_pid)
    status, _, _ = app.request("GET", "/cases/")
    assert status == 200, "CONN_HEALTH_CHECKS should have replaced the dead connection before the request"
    assert _backend_pid() != first_pid

    # 2. During a write: the address is saved, then the connection dies before the case is.
    original = services.create_case

    def dies_half_way(**kwargs):
        _terminate(_backend_pid())
        return original(**kwargs)

    monkeypatch.setattr(services, "create_case", dies_half_way)
    before = (Address.objects.count(), Case.objects.count())
    form = {
        "title": "Half-written case for Maria Secretname",
        "category": "noise",
        "description": "x",
        "ward": ward.pk,
        "address_line1": "9 Half Street",
        "postcode": "NW4 4BQ",
    }
    status, _, body = app.request("POST", "/cases/new/", form)
    assert status == 500
    text = body.decode()
    assert "Sorry, there is a problem with the service" in text
    assert "Secretname" not in text and "Half Street" not in text and "psycopg2" not in text
    monkeypatch.setattr(services, "create_case", original)
    assert (Address.objects.count(), Case.objects.count()) == before, "the half-done write was rolled back"
    assert not Address.objects.filter(line1="9 Half Street").exists()

    # 3. The very next request works, with no restart of anything.
    status, _, _ = app.request("POST", "/cases/new/", form)
    assert status == 302
    assert Case.objects.filter(title=form["title"]).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_without_health_checks_the_first_request_after_a_kill_would_fail(persistent_connection, officer):
    """The control for the test above: CONN_HEALTH_CHECKS is what saves that request."""
    persistent_connection["CONN_HEALTH_CHECKS"] = False
    connection.close()  # the setting is read when a connection opens
    app = WSGIDriver(session_for(officer))
    assert connection.health_check_enabled is False
    assert app.request("GET", "/cases/")[0] == 200
    _terminate(_backend_pid())
    assert app.request("GET", "/cases/")[0] == 500
    assert app.request("GET", "/cases/")[0] == 200  # Django drops the broken connection after the error


@pytest.mark.django_db
def test_a_failing_mail_server_during_password_reset_loses_nothing(client, officer, settings, caplog):
    """The reset page answers as usual (no error, no hint whether the address exists), the failure is
    logged for the service desk, and the account is untouched."""
    settings.EMAIL_BACKEND = "tests.security.test_faults.BrokenEmailBackend"
    password_hash = officer.password
    with caplog.at_level(logging.ERROR, logger="django.contrib.auth"):
        response = client.post("/accounts/password_reset/", {"email": officer.email})
    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert any("Failed to send password reset email" in r.getMessage() for r in caplog.records)
    officer.refresh_from_db()
    assert officer.password == password_hash and officer.is_active
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert unknown.status_code == 302 and unknown["Location"] == response["Location"]

"""Fixtures for the reliability and security suite: an outsider agency, PostgreSQL-only switches, raw WSGI."""

import io
import os
import secrets

import pytest
from django.db import connection

from casework import roles
from tests.factories import AgencyFactory, make_member


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than a few seconds (threads, subprocesses, sleeps)")
    # hypothesis keeps a unicode table on disk: outside the work tree, not in a .hypothesis/ folder in it
    import tempfile

    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "casework-hypothesis"))


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite cannot show this")


@pytest.fixture
def probation(db):
    return AgencyFactory(name="Probation Service", short_name="probation")


@pytest.fixture
def outsider(probation):
    """A partner caseworker of an agency nothing has been shared with."""
    return make_member(probation, roles.PARTNER_CASEWORKER, "outsider")


@pytest.fixture
def outsider_officer(probation):
    """The same outsider agency, with the widest working role (may open cases, enforce, refer)."""
    return make_member(probation, roles.ENFORCEMENT_OFFICER, "outsider-officer")


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


class WSGIDriver:
    """Calls Django's real WSGI handler in this thread, the way a gunicorn sync worker does.

    Unlike django.test.Client it keeps Django's request_started/finished connection housekeeping
    (close_old_connections, CONN_HEALTH_CHECKS), so it shows what happens to a persistent database
    connection between requests.
    """

    def __init__(self, session_key: str):
        from django.core.handlers.wsgi import WSGIHandler

        self.app = WSGIHandler()
        self.csrf = secrets.token_hex(16)
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, dict, bytes]:
        from urllib.parse import urlencode

        body = b""
        if method == "POST":
            body = urlencode({**(data or {}), "csrfmiddlewaretoken": self.csrf}, doseq=True).encode()
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": self.cookie,
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": io.StringIO(),
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
        }
        status_headers = {}

        def start_response(status, headers, exc_info=None):
            status_headers["status"] = int(status.split()[0])
            status_headers["headers"] = dict(headers)

        chunks = self.app(environ, start_response)
        try:
            content = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()  # fires request_finished, as a WSGI server does
        return status_headers["status"], status_headers["headers"], content


def session_for(user) -> str:
    """A signed-in session for `user`, as the login page would leave it."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value

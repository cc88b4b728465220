"""Sessions and accounts: inactivity expiry, password rules, sign-in throttling, two-factor sign-in that an
administrator can require per role, and the security headers on every kind of page."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import roles
from casework.models import RoleSecurityPolicy
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


# --- Sessions ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.slow
def test_a_session_expires_after_inactivity_and_activity_keeps_it_alive(client, officer, settings):
    settings.SESSION_COOKIE_AGE = 2
    assert sign_in(client, "officer").status_code == 302
    time.sleep(1.2)
    assert client.get("/cases/").status_code == 200  # active: the expiry moves forward
    time.sleep(1.2)  # 2.4 s after signing in, but only 1.2 s after the last request
    assert client.get("/cases/").status_code == 200
    time.sleep(2.5)
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/cases/")


def test_production_session_settings():
    from django.conf import settings

    from accounts.sessions import refresh_interval

    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ENGINE == "accounts.sessions"  # in the database: sign-out deletes it on the server
    # The expiry is refreshed by accounts.sessions at most a minute after the last refresh, not on every request.
    session_at = settings.MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert settings.MIDDLEWARE[session_at + 1] == "accounts.sessions.IdleSessionRefreshMiddleware"
    assert refresh_interval() <= 60 and not settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.django_db
def test_the_session_expiry_is_refreshed_at_most_once_a_minute(client, officer):
    """Issue 23: no session write on every page; the expiry moves when the last refresh is a minute old."""
    from django.contrib.sessions.models import Session

    assert sign_in(client, "officer").status_code == 302
    key = client.cookies["sessionid"].value
    client.get("/cases/")
    first = Session.objects.get(session_key=key).expire_date
    client.get("/cases/")  # within the minute: nothing written
    assert Session.objects.get(session_key=key).expire_date == first
    stale = first - timedelta(seconds=61)  # as if the last refresh were a minute ago
    Session.objects.filter(session_key=key).update(expire_date=stale)
    client.get("/cases/")
    assert Session.objects.get(session_key=key).expire_date > stale


@pytest.mark.django_db
def test_an_unknown_session_cookie_creates_no_session(client):
    from django.contrib.sessions.models import Session

    client.cookies["sessionid"] = "expired-or-forged-session-id"
    client.get("/accounts/login/")
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_signing_out_ends_the_session_on_the_server(client, officer):
    sign_in(client, "officer")
    session_key = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    client.cookies["sessionid"] = session_key  # a stolen cookie replayed after sign-out
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_signing_in_gives_a_new_session_id(client, officer):
    client.get("/accounts/login/")
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    sign_in(client, "officer")
    assert client.cookies["sessionid"].value != "attacker-chosen-session-id"


# --- Passwords --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "new_password,message",
    [
        ("Short-1a", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("730219461853", "This password is entirely numeric."),
        ("officer12345", "The password is too similar to the username."),
    ],
)
def test_password_change_refuses_weak_passwords(client, officer, new_password, message):
    client.force_login(officer)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


@pytest.mark.django_db
def test_password_change_accepts_a_strong_password_and_keeps_the_user_signed_in(client, officer):
    client.force_login(officer)
    new = "Willow-lantern-orbit-92"
    response = client.post(
        "/accounts/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(new)
    assert client.get("/cases/").status_code == 200


# --- Sign-in throttling (django-axes) ---------------------------------------------------------------------


@pytest.mark.django_db
def test_password_spraying_from_one_address_locks_that_address(client, officer, housing_user, settings):
    """Wrong passwords for many accounts from one address reach a per-address ceiling (accounts/signin.py,
    50 an hour by default; 5 here): then that address is refused for everyone. One account's five wrong
    passwords lock only that account from that address (tests/security/test_lockouts.py)."""
    from django.core.cache import cache

    cache.clear()
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 5
    for username in ("alice", "bob", "carol", "dave"):
        assert sign_in(client, username, "Wrong-password-123").status_code == 200
    assert sign_in(client, "housing", "Wrong-password-123").status_code == 429
    locked = sign_in(client, "officer")  # the right password, but from the locked address
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_look_the_same(client, officer):
    """No account-existence oracle on the sign-in page."""
    known = sign_in(client, "officer", "Wrong-password-123").content.decode()
    unknown = sign_in(client, "nobody-here", "Wrong-password-123").content.decode()
    strip = lambda body: body.replace("nobody-here", "officer")  # noqa: E731 - the username is echoed in the form
    assert "There is a problem" in known
    error = "Please enter a correct username and password"
    assert (error in known) == (error in strip(unknown))


# --- Two-factor sign-in -----------------------------------------------------------------------------------


@pytest.fixture
def officers_need_two_factor(db):
    return RoleSecurityPolicy.objects.create(
        group=Group.objects.get(name=roles.ENFORCEMENT_OFFICER), require_two_factor=True
    )


@pytest.mark.django_db
def test_an_administrator_requires_two_factor_for_a_role_in_admin(client, admin_user):
    client.force_login(admin_user)
    group = Group.objects.get(name=roles.MARAC_COORDINATOR)
    assert client.get("/admin/casework/rolesecuritypolicy/add/").status_code == 200
    response = client.post("/admin/casework/rolesecuritypolicy/add/", {"group": group.pk, "require_two_factor": "on"})
    assert response.status_code == 302
    policy = RoleSecurityPolicy.objects.get(group=group)
    assert policy.require_two_factor and policy.history.first().history_user == admin_user
    listing = client.get("/admin/casework/rolesecuritypolicy/").content.decode()
    assert roles.MARAC_COORDINATOR in listing


@pytest.mark.django_db
def test_a_required_role_must_set_up_an_app_before_any_other_page(client, officer, officers_need_two_factor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code followed at once by the right one (throttling: below)
    assert sign_in(client, "officer").status_code == 302
    for url in ("/", "/cases/", "/cases/new/", "/accounts/password_change/", "/admin/", "/api/v1/cases/"):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/two-factor/set-up/?next="), url
    page = client.get("/accounts/two-factor/set-up/?next=/cases/")
    body = page.content.decode()
    assert page.status_code == 200 and "data:image/svg+xml;base64," in body
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/accounts/two-factor/set-up/", {"token": "000000", "next": "/cases/"})
    assert "The code is not correct" in wrong.content.decode() or code_for(device) == "000000"
    device.refresh_from_db()
    assert not device.confirmed
    done = client.post("/accounts/two-factor/set-up/", {"token": code_for(device), "next": "/cases/"})
    assert done.status_code == 302 and done["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@pytest.mark.django_db
def test_a_user_with_an_app_enters_a_code_at_every_sign_in(client, officer, officers_need_two_factor):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    sign_in(client, "officer")
    response = client.get("/cases/ASB-2026-00001/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/verify/?next=%2Fcases%2FASB-2026-00001%2F"
    # Someone holding only the password cannot pair a second app.
    setup = client.get("/accounts/two-factor/set-up/")
    assert setup.status_code == 302 and setup["Location"].startswith("/accounts/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=officer).count() == 1
    bad = client.post("/accounts/two-factor/verify/", {"token": "12345x", "next": "/cases/"})
    assert "Enter the 6-digit code" in bad.content.decode()
    code = code_for(device)
    ok = client.post("/accounts/two-factor/verify/", {"token": code, "next": "/cases/"})
    assert ok.status_code == 302 and ok["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200
    # The same code cannot be used twice (a code seen over someone's shoulder is spent).
    other = client.__class__()
    sign_in(other, "officer")
    replay = other.post("/accounts/two-factor/verify/", {"token": code, "next": "/cases/"})
    assert replay.status_code == 200 and other.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_wrong_codes_are_throttled(client, officer, officers_need_two_factor):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    sign_in(client, "officer")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    for _ in range(3):
        client.post("/accounts/two-factor/verify/", {"token": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1  # later tries inside the back-off window are not even checked
    response = client.post("/accounts/two-factor/verify/", {"token": code_for(device)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/cases/").status_code == 302


@pytest.mark.django_db
def test_two_factor_is_optional_for_other_roles_and_can_be_turned_on_and_off(client, housing_user):
    sign_in(client, "housing")
    assert client.get("/cases/").status_code == 200  # no policy, no app: no second step
    status = client.get("/accounts/two-factor/").content.decode()
    assert "Off" in status and "Does not require it" in status
    client.get("/accounts/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=housing_user)
    client.post("/accounts/two-factor/set-up/", {"token": code_for(device)})
    client.post("/accounts/logout/")
    sign_in(client, "housing")
    assert client.get("/cases/")["Location"].startswith("/accounts/two-factor/verify/")
    client.post("/accounts/two-factor/verify/", {"token": code_for(device, offset=1)})
    assert client.post("/accounts/two-factor/turn-off/").status_code == 302
    assert not TOTPDevice.objects.filter(user=housing_user).exists()


@pytest.mark.django_db
def test_a_required_role_cannot_turn_two_factor_off(client, officer, officers_need_two_factor):
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    sign_in(client, "officer")
    client.post("/accounts/two-factor/verify/", {"token": code_for(device)})
    assert client.post("/accounts/two-factor/turn-off/").status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()


@pytest.mark.django_db
def test_a_half_signed_in_user_can_still_sign_out_and_public_pages_stay_public(
    client, officer, officers_need_two_factor
):
    sign_in(client, "officer")
    assert client.get("/healthz").status_code == 200
    assert client.get("/accessibility/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_two_factor_pages_pass_their_checks_without_a_policy_query_storm(
    client, officer, django_assert_max_num_queries
):
    """Users with no app and no policy pay one extra query per page for the check."""
    client.force_login(officer)
    client.get("/cases/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/")
    checks = [q["sql"] for q in ctx.captured_queries if "security_policy" in q["sql"] or "otp_totp" in q["sql"]]
    assert len(checks) == 1, checks


# --- Security headers -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cases/", "/accounts/login/", "/cases/ASB-0000-00000/", "/accounts/two-factor/"])
def test_security_headers_on_every_kind_of_page(client, officer, url):
    client.force_login(officer)
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'") and "unsafe-inline" not in directives["script-src"]
    if response.status_code == 200:
        assert "'nonce-" in directives["script-src"]  # the one inline script of the layout carries it
    assert "unsafe-eval" not in csp and "unsafe-inline" not in directives.get("style-src", "")
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/healthz")
secure = client.get("/healthz", secure=True)
print(json.dumps({"plain": [plain.status_code, plain.get("Location", "")],
                  "secure": [secure.status_code, dict(secure.headers)]}))
"""


@pytest.mark.slow
def test_production_settings_send_hsts_and_redirect_to_https(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://testserver/healthz"]
    status, headers = probe["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]

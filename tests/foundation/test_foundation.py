"""The walking skeleton: sign-in protection, throttling, health, deploy checks, demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from casework import roles
from casework.models import Agency, Case, Ward
from config.urls import PUBLIC_URL_NAMES

ROOT = Path(__file__).resolve().parents[2]


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def _concrete(route: str) -> str:
    """Fill route converters with plausible values."""
    import re

    route = route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<(?:str|slug|path):[^>]+>", "ASB-2026-00001", route)
    route = re.sub(r"<uuid:[^>]+>", "6f1c2b1e-0000-4000-8000-000000000001", route)
    route = re.sub(r"<[^>]+>", "x", route)
    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
    return "/" + route


def all_routes():
    return list(_walk(get_resolver().url_patterns))


@pytest.mark.django_db
def test_every_page_except_public_ones_sends_an_anonymous_user_to_sign_in(client):
    checked = 0
    for route, name in all_routes():
        if name in PUBLIC_URL_NAMES or route.startswith("admin/") or (name or "").startswith("public"):
            continue
        if "public" in route.split("/")[0:2]:
            continue
        if route.startswith("api/"):  # the API answers 401 JSON itself: tests/api/test_authorization_matrix.py
            continue
        url = _concrete(route)
        response = client.get(url)
        assert response.status_code == 302, f"{url} ({name}) answered {response.status_code} to an anonymous user"
        assert response["Location"].startswith("/accounts/login/"), f"{url} redirected to {response['Location']}"
        checked += 1
    assert checked > 20


@pytest.mark.django_db
def test_admin_is_for_administrators_only(client, officer, admin_user):
    client.force_login(officer)
    assert client.get("/admin/").status_code == 302
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_sign_in_locks_after_five_failures(client, officer, settings):
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "officer", "password": "wrong-password"})
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    fifth = client.post("/accounts/login/", {"username": "officer", "password": "wrong-password"})
    assert fifth.status_code == 429
    locked = client.post("/accounts/login/", {"username": "officer", "password": "Correct-horse-battery-1"})
    assert locked.status_code == 429
    assert "locked" in locked.content.decode().lower()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_and_out(client, officer):
    response = client.post("/accounts/login/", {"username": "officer", "password": "Correct-horse-battery-1"})
    assert response.status_code == 302
    home = client.get("/")
    assert "My work" in home.content.decode()
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_session_expires_after_inactivity(settings):
    """30 minutes idle; the expiry is refreshed by accounts.sessions at most once a minute, not saved on every
    request (behaviour in tests/security/test_accounts.py)."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_ENGINE == "accounts.sessions"
    assert 0 < settings.SESSION_REFRESH_SECONDS <= settings.SESSION_COOKIE_AGE // 10


@pytest.mark.django_db
def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_security_headers(client, officer):
    client.force_login(officer)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Request-ID"]


def test_check_deploy_is_clean_in_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "casework.barnet.example",
        "TESTING": "0",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret():
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "x", "TESTING": "0"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_role_groups_exist_with_permissions():
    officer_perms = set(
        Group.objects.get(name=roles.ENFORCEMENT_OFFICER).permissions.values_list("codename", flat=True)
    )
    assert {"add_case", "change_case", "view_case"} <= officer_perms
    manager_perms = set(
        Group.objects.get(name=roles.COMMUNITY_SAFETY_MANAGER).permissions.values_list("codename", flat=True)
    )
    assert "view_all_cases" in manager_perms and "change_case" not in manager_perms
    auditor_perms = set(Group.objects.get(name=roles.AUDITOR).permissions.values_list("codename", flat=True))
    assert "view_accesslog" in auditor_perms


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    from django.core.management import call_command

    call_command("load_demo", cases=5, stdout=open(os.devnull, "w"))
    counts = (Ward.objects.count(), Agency.objects.count(), Case.objects.count())
    call_command("load_demo", cases=5, stdout=open(os.devnull, "w"))
    assert (Ward.objects.count(), Agency.objects.count(), Case.objects.count()) == counts
    assert counts[0] == 24
    assert Ward.objects.filter(name="Totteridge & Whetstone").exists()

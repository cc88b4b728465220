"""Two-factor sign-in is required out of the box for the roles that read everything or manage accounts
(issue #22, MEDIUM): Administrator, Auditor and Community safety manager.

The rest of the suite runs with the development relaxation (tests/conftest.py); these tests switch it off
to prove the default, and prove the relaxation cannot be used in production.
"""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework import roles
from casework.models import RoleSecurityPolicy

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def strict_two_factor(settings):
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": False}


@pytest.mark.django_db
def test_the_default_requires_two_factor_for_administrators_auditors_and_managers(
    client, strict_two_factor, admin_user, auditor, manager, officer
):
    for user in (admin_user, auditor, manager):
        client.force_login(user)
        response = client.get("/cases/")
        assert response.status_code == 302, user.username
        assert response["Location"].startswith("/accounts/two-factor/set-up/"), user.username
    client.force_login(officer)
    assert client.get("/cases/").status_code == 200  # other roles may choose


@pytest.mark.django_db
def test_an_administrator_cannot_switch_the_default_off_in_admin(client, strict_two_factor, auditor):
    RoleSecurityPolicy.objects.create(group=Group.objects.get(name=roles.AUDITOR), require_two_factor=False)
    client.force_login(auditor)
    assert client.get("/cases/")["Location"].startswith("/accounts/two-factor/set-up/")


def _settings_probe(**env) -> subprocess.CompletedProcess:
    probe = "from django.conf import settings; print(settings.SECURITY['TWO_FACTOR_RELAXED'])"
    environment = {
        **os.environ,
        "DEBUG": "0",
        "TESTING": "0",
        "SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **env,
    }
    environment.pop("TWO_FACTOR_RELAXED", None) if "TWO_FACTOR_RELAXED" not in env else None
    code = f"import django; django.setup(); {probe}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_development_relaxation_is_refused_in_production():
    strict = _settings_probe()
    assert strict.returncode == 0, strict.stderr
    assert strict.stdout.strip().splitlines()[-1] == "False"
    relaxed = _settings_probe(TWO_FACTOR_RELAXED="1")
    assert relaxed.returncode != 0 and "TWO_FACTOR_RELAXED" in relaxed.stderr


@pytest.mark.django_db
def test_the_demo_enrols_its_administrator_auditor_and_manager_and_says_how_to_get_a_code(client, strict_two_factor):
    out = StringIO()
    call_command("load_demo", cases=2, stdout=out)
    printed = out.getvalue()
    for username in ("admin", "auditor", "manager"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert username in printed
    assert "demo_code" in printed
    code_out = StringIO()
    call_command("demo_code", "admin", stdout=code_out)
    device = TOTPDevice.objects.get(user__username="admin")
    expected = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert expected in code_out.getvalue()
    from casework.demo import DEMO_PASSWORD

    assert client.post("/accounts/login/", {"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/verify/")
    done = client.post("/accounts/two-factor/verify/", {"token": expected, "next": "/admin/"})
    assert done.status_code == 302 and client.get("/admin/").status_code == 200

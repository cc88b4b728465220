"""API tokens end with the credential and the job they stand for (issue #22, MEDIUM): revoked when the
password changes or is reset, when the user is deactivated or leaves the agency; expired after a set number
of days; and created only after a fresh two-factor check where the user's role requires two-factor."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.api import create_token
from casework.models import ApiToken, Membership

PASSWORD = "correct horse battery staple"
NEW = "a-new-long-passphrase-42"


def _api(secret: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


def _works(secret: str) -> bool:
    return _api(secret).get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_a_password_change_revokes_the_users_tokens(client, housing_user):
    housing_user.set_password(PASSWORD)
    housing_user.save()
    _token, secret = create_token(user=housing_user, name="Housing system")
    assert _works(secret)
    client.force_login(housing_user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    assert not _works(secret)
    assert ApiToken.objects.get(user=housing_user).revoked_at is not None


@pytest.mark.django_db
def test_a_password_reset_revokes_the_users_tokens(client, housing_user):
    _token, secret = create_token(user=housing_user, name="Housing system")
    uid = urlsafe_base64_encode(force_bytes(housing_user.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(housing_user)}/"
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert not _works(secret)


@pytest.mark.django_db
def test_deactivating_or_leaving_the_agency_revokes_tokens(housing_user, police_user, police):
    _t1, deactivated = create_token(user=housing_user, name="Housing system")
    housing_user.is_active = False
    housing_user.save()
    housing_user.is_active = True
    housing_user.save()  # reactivated: the old token stays dead
    assert not _works(deactivated)

    _t2, moved = create_token(user=police_user, name="Police system")
    Membership.objects.filter(user=police_user).delete()
    assert ApiToken.objects.get(user=police_user).revoked_at is not None
    assert not _works(moved)


@pytest.mark.django_db
def test_moving_to_another_agency_revokes_tokens(housing_user, police):
    _token, secret = create_token(user=housing_user, name="Housing system")
    membership = Membership.objects.get(user=housing_user)
    membership.agency = police
    membership.save()
    assert ApiToken.objects.get(user=housing_user).revoked_at is not None


@pytest.mark.django_db
def test_tokens_expire_after_the_configured_days(housing_user, shared_case, settings):
    settings.SECURITY = {**settings.SECURITY, "API_TOKEN_DAYS": 90}
    token, secret = create_token(user=housing_user, name="Housing system")
    assert _works(secret)
    ApiToken.objects.filter(pk=token.pk).update(created_at=timezone.now() - timedelta(days=91))
    refused = _api(secret).get("/api/v1/cases/")
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "This token has expired. Create a new one."


@pytest.mark.django_db
def test_the_default_lifetime_is_ninety_days():
    from django.conf import settings

    assert settings.SECURITY["API_TOKEN_DAYS"] == 90


@pytest.mark.django_db
def test_creating_a_token_needs_a_fresh_code_where_the_role_requires_two_factor(client, manager, settings):
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": False}
    device = TOTPDevice.objects.create(user=manager, name="app", confirmed=True)
    client.force_login(manager)
    response = client.post("/account/tokens/new/", {"name": "Dashboard export"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/verify/")
    assert not ApiToken.objects.filter(user=manager).exists()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    verified = client.post("/accounts/two-factor/verify/", {"token": code, "next": "/account/tokens/new/"})
    assert verified.status_code == 302 and verified["Location"] == "/account/tokens/new/"
    assert client.post("/account/tokens/new/", {"name": "Dashboard export"}).status_code == 200
    assert ApiToken.objects.filter(user=manager).count() == 1
    # A code entered long ago is not fresh: a new one is asked for.
    session = client.session
    session["otp_verified_at"] = (timezone.now() - timedelta(hours=1)).timestamp()
    session.save()
    again = client.post("/account/tokens/new/", {"name": "Second"})
    assert again.status_code == 302 and "fresh=1" in again["Location"]
    page = client.get(again["Location"])
    assert page.status_code == 200 and "Enter the code" in page.content.decode()

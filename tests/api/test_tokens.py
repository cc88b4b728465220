"""API tokens: created on the account page and shown once, stored hashed, last use noted, revoked = refused."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.api import create_token
from casework.models import ApiToken


def _secret_from(page: str) -> str:
    marker = 'data-testid="token-secret">'
    return page.split(marker, 1)[1].split("<", 1)[0]


@pytest.mark.django_db
def test_token_lifecycle_through_the_account_pages(client, housing_user, shared_case):
    client.force_login(housing_user)
    assert "You have no API tokens" in client.get("/account/tokens/").content.decode()

    created = client.post("/account/tokens/new/", {"name": "Barnet Homes housing system"})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    page = created.content.decode()
    secret = _secret_from(page)
    assert secret.startswith("scc_") and len(secret) > 40
    assert "you will not be able to see it again" in page

    token = ApiToken.objects.get(user=housing_user)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    stored = {str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields}
    assert not any(secret in value for value in stored), "the secret itself must never be stored"
    assert not any(secret in str(row.__dict__) for row in token.history.all())

    listing = client.get("/account/tokens/").content.decode()
    assert "Barnet Homes housing system" in listing and token.prefix in listing and "Never used" in listing
    assert secret not in listing, "the secret is shown once, at creation"

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/cases/").json()["results"][0]["reference"] == shared_case.reference
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Never used" not in client.get("/account/tokens/").content.decode()

    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 200
    revoked = client.post(f"/account/tokens/{token.pk}/revoke/", follow=True)
    assert "revoked: it no longer works" in revoked.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None

    refused = api.get("/api/v1/cases/")
    assert refused.status_code == 401
    assert refused.json()["error"] == {
        "code": "authentication_failed",
        "message": "This token has been revoked.",
        "fields": {},
    }
    reasons = list(token.history.order_by("history_id").values_list("history_change_reason", "history_user"))
    assert reasons == [("API token created", housing_user.pk), ("API token revoked", housing_user.pk)]


@pytest.mark.django_db
def test_a_token_needs_a_name(client, housing_user):
    client.force_login(housing_user)
    response = client.post("/account/tokens/new/", {"name": ""})
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_nobody_can_see_or_revoke_someone_elses_token(client, housing_user, police_user):
    token, _ = create_token(user=housing_user, name="Housing system")
    client.force_login(police_user)
    assert "Housing system" not in client.get("/account/tokens/").content.decode()
    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(housing_user, shared_case):
    token, secret = create_token(user=housing_user, name="Housing system")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    api.get("/api/v1/cases/")
    token.refresh_from_db()
    assert token.last_used_at == recent
    stale = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=stale)
    api.get("/api/v1/cases/")
    token.refresh_from_db()
    assert token.last_used_at > stale
    assert token.history.count() == 1, "noting the last use adds no history row"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header, code",
    [
        ("Token", "authentication_failed"),
        ("Token one two", "authentication_failed"),
        ("Token scc_not-a-real-secret", "authentication_failed"),
        ("Bearer scc_not-a-real-secret", "not_authenticated"),
        ("", "not_authenticated"),
    ],
)
def test_bad_credentials_are_refused_with_401(housing_user, header, code):
    create_token(user=housing_user, name="Housing system")
    api = APIClient()
    if header:
        api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response["WWW-Authenticate"] == 'Token realm="api"'


@pytest.mark.django_db
def test_a_deactivated_users_tokens_stop_working(housing_user):
    _, secret = create_token(user=housing_user, name="Housing system")
    housing_user.is_active = False
    housing_user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert api.get("/api/v1/cases/").status_code == 401


@pytest.mark.django_db
def test_rate_limit_is_per_token(housing_user, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "3/minute"}}
    _, first = create_token(user=housing_user, name="Housing system")
    _, second = create_token(user=housing_user, name="Repairs system")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert [api.get("/api/v1/cases/").status_code for _ in range(3)] == [200, 200, 200]
    throttled = api.get("/api/v1/cases/")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    error = throttled.json()["error"]
    assert error["code"] == "throttled" and "Too many requests" in error["message"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert api.get("/api/v1/cases/").status_code == 200, "another token has its own allowance"


@pytest.mark.django_db
def test_the_browser_session_works_with_csrf_and_only_after_two_factor(housing_user, shared_case):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(housing_user)
    assert api.get("/api/v1/cases/").status_code == 200
    browsable = api.get("/api/v1/cases/", HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200 and shared_case.reference in browsable.content.decode()
    no_csrf = api.post(f"/api/v1/cases/{shared_case.reference}/notes/", {"text": "x"}, format="json")
    assert no_csrf.status_code == 403 and "CSRF" in no_csrf.json()["error"]["message"]

    TOTPDevice.objects.create(user=housing_user, name="Authenticator app", confirmed=True)
    owes_a_code = APIClient()
    owes_a_code.force_login(housing_user)  # password only: the code has not been entered in this session
    response = owes_a_code.get("/api/v1/cases/")
    assert response.status_code == 401
    assert shared_case.reference not in response.content.decode()


@pytest.mark.django_db
def test_live_tokens_are_listed_before_revoked_ones(client, housing_user):
    from accounts.api import revoke_token

    old, _ = create_token(user=housing_user, name="Old system")
    create_token(user=housing_user, name="New system")
    revoke_token(token=old, by=housing_user)
    create_token(user=housing_user, name="Newest system")
    client.force_login(housing_user)
    page = client.get("/account/tokens/").content.decode()
    assert page.index("Newest system") < page.index("New system") < page.index("Old system")

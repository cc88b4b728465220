"""Sign-in lockouts (issue #22, MEDIUM): five wrong passwords lock that username from that client address
only, the client address is read from the trusted proxy's header (never from a header anyone can send),
and an administrator unlocks an account from a screen, audited."""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from audit.models import AccessLog
from common.client_ip import client_ip

LB = "10.0.0.1"  # the load balancer: every request arrives from it
WRONG = "Wrong-password-123"
RIGHT = "Correct-horse-battery-1"


def sign_in(client, username, password, *, client_address):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=LB,
        HTTP_X_FORWARDED_FOR=client_address,
    )


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_account_from_that_address_only(client, behind_one_proxy, officer, housing_user):
    for _ in range(5):
        sign_in(client, "officer", WRONG, client_address="203.0.113.5")
    assert sign_in(client, "officer", RIGHT, client_address="203.0.113.5").status_code == 429
    # Colleagues behind the same proxy (and the same office address) still sign in.
    assert sign_in(client, "housing", RIGHT, client_address="203.0.113.5").status_code == 302
    client.post("/accounts/logout/")
    assert sign_in(client, "housing", RIGHT, client_address="198.51.100.7").status_code == 302
    client.post("/accounts/logout/")
    # The account itself, from its owner's own address, is not locked by someone guessing elsewhere.
    assert sign_in(client, "officer", RIGHT, client_address="198.51.100.9").status_code == 302


def test_the_client_address_comes_from_the_trusted_proxy_only(settings):
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == LB  # no proxy configured: the header is anyone's to forge
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "203.0.113.5"  # what our load balancer saw, not what the client claimed
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(spoofed) == "1.2.3.4"
    for junk in ("", "not-an-address", "203.0.113.5<script>"):
        assert client_ip(factory.get("/", REMOTE_ADDR=LB, HTTP_X_FORWARDED_FOR=junk)) == LB
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: fall back to the connection's address
    assert client_ip(spoofed) == LB


def test_axes_and_the_public_form_share_the_helper(settings):
    from triggers import ratelimit

    assert settings.AXES_CLIENT_IP_CALLABLE == "common.client_ip.client_ip"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert ratelimit.client_ip is client_ip


@pytest.mark.django_db
def test_an_administrator_unlocks_an_account_from_a_screen_and_it_is_audited(
    client, behind_one_proxy, officer, admin_user, manager
):
    for _ in range(5):
        sign_in(client, "officer", WRONG, client_address="203.0.113.5")
    assert sign_in(client, "officer", RIGHT, client_address="203.0.113.5").status_code == 429

    client.force_login(manager)
    assert client.get("/accounts/lockouts/").status_code == 403
    client.force_login(admin_user)
    page = client.get("/accounts/lockouts/")
    body = page.content.decode()
    assert page.status_code == 200 and "officer" in body and "203.0.113.5" in body and "Unlock" in body
    attempt = AccessAttempt.objects.get(username="officer")
    manager_client = client.__class__()
    manager_client.force_login(manager)
    assert manager_client.post(f"/accounts/lockouts/{attempt.pk}/unlock/").status_code == 403
    response = client.post(f"/accounts/lockouts/{attempt.pk}/unlock/", follow=True)
    assert "officer can sign in again" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="officer").exists()
    row = AccessLog.objects.get(object_type="sign_in_lockout")
    assert row.user == admin_user and row.action == "change" and "officer" in row.object_label
    client.post("/accounts/logout/")
    assert sign_in(client, "officer", RIGHT, client_address="203.0.113.5").status_code == 302

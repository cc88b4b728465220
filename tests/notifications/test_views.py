"""The notification screens: your own notifications only, one cheap count in the header, no link to a case you
cannot see; the delivery log for administrators only, and every look at it in the access log."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from audit.models import AccessLog
from casework import services
from casework.models import LegalBasis
from notifications import services as notification_services
from notifications.models import Delivery, EmailFrequency, Notification

READER_ONLY = {"own": 200, "other": 200, "admin": 200, "anonymous": 302}
ADMIN_ONLY = {"own": 403, "other": 403, "admin": 200, "anonymous": 302}
ADMIN_POST = {"own": 403, "other": 403, "admin": 302, "anonymous": 302}

# Every URL of the notifications app and who may open it (a new URL without an entry fails the test below).
EXPECTED = {
    "list": ("GET", READER_ONLY),
    "mark_read": ("POST", {"own": 302, "other": 404, "admin": 404, "anonymous": 302}),
    "preferences": ("GET", READER_ONLY),
    "delivery_log": ("GET", ADMIN_ONLY),
    "delivery_detail": ("GET", ADMIN_ONLY),
    "delivery_retry": ("POST", ADMIN_POST),
}


def share(case, agency, by):
    return services.share_case(case=case, agency=agency, legal_basis=LegalBasis.CDA_S115, purpose="Joint work", by=by)


@pytest.fixture
def shared(case, officer, barnet_homes, housing_user):
    share(case, barnet_homes, officer)
    return Notification.objects.get(user=housing_user)


def test_every_notifications_url_has_an_expectation():
    names = {p.name for p in get_resolver("notifications.urls").url_patterns if isinstance(p, URLPattern)}
    assert names == set(EXPECTED)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["own", "other", "admin", "anonymous"])
def test_authorization_matrix(client, shared, housing_user, police_user, admin_user, who):
    delivery = Delivery.objects.first()
    users = {"own": housing_user, "other": police_user, "admin": admin_user, "anonymous": None}
    if users[who]:
        client.force_login(users[who])
    failures = []
    for name, (method, expected) in EXPECTED.items():
        args = [delivery.pk] if "delivery_" in name and name != "delivery_log" else []
        url = reverse(f"notifications:{name}", args=args)
        data = {"notification": shared.pk} if name == "mark_read" else {}
        response = client.post(url, data) if method == "POST" else client.get(url)
        if response.status_code != expected[who]:
            failures.append(f"{method} {url}: expected {expected[who]}, got {response.status_code}")
    assert not failures, "\n".join(failures)
    shared.refresh_from_db()
    assert (shared.read_at is not None) == (who == "own")  # no one marks another's notification read


@pytest.mark.django_db
def test_the_header_shows_the_unread_count_and_the_list_shows_only_your_own(
    client, shared, housing_user, police_user, case, officer, police
):
    share(case, police, officer)
    client.force_login(housing_user)
    page = client.get("/").content.decode()
    assert 'data-testid="notifications-link"' in page
    assert "Notifications <strong" in page and ">1<span" in page
    listing = client.get(reverse("notifications:list")).content.decode()
    assert f"A case has been shared with Barnet Homes: {case.reference}." in listing
    assert "Metropolitan Police" not in listing  # the police's notification is not hers
    assert f'href="/cases/{case.reference}/"' in listing


@pytest.mark.django_db
def test_the_unread_count_is_one_query_whatever_the_number_of_notifications(
    client, housing_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(housing_user)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:preferences"))
    Notification.objects.bulk_create(
        [Notification(user=housing_user, event="case_shared", message=f"n{i}") for i in range(60)]
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("notifications:preferences"))
    assert ">60<span" in response.content.decode()
    with CaptureQueriesContext(connection) as listing:
        client.get(reverse("notifications:list"))
    counts = [q["sql"] for q in listing.captured_queries if "notifications_notification" in q["sql"]]
    assert len(counts) <= 3  # the page, the paginator's count, the header's unread count


@pytest.mark.django_db
def test_after_a_revoke_nothing_links_to_the_case(client, case, officer, barnet_homes, housing_user, shared):
    share_row = case.shares.get(agency=barnet_homes)
    services.revoke_share(share=share_row, by=officer, reason="Tenancy ended")
    client.force_login(housing_user)
    listing = client.get(reverse("notifications:list")).content.decode()
    assert f"Barnet Homes no longer has access to case {case.reference}." in listing
    assert f"/cases/{case.reference}/" not in listing
    assert client.get(f"/cases/{case.reference}/").status_code == 404


@pytest.mark.django_db
def test_mark_one_and_mark_all_read(client, shared, housing_user):
    notification_services.notify(event="case_shared", users=[housing_user], message="Another")
    client.force_login(housing_user)
    client.post(reverse("notifications:mark_read"), {"notification": shared.pk})
    assert Notification.objects.filter(user=housing_user, read_at__isnull=True).count() == 1
    client.post(reverse("notifications:mark_read"))
    assert not Notification.objects.filter(user=housing_user, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_preferences_choose_a_daily_digest(client, housing_user):
    client.force_login(housing_user)
    response = client.post(
        reverse("notifications:preferences"), {"email_frequency": EmailFrequency.DAILY, "mobile_number": ""}
    )
    assert response.status_code == 302
    assert housing_user.notification_preference.email_frequency == EmailFrequency.DAILY


@pytest.mark.django_db
def test_the_delivery_log_is_for_administrators_and_reading_it_is_logged(client, shared, admin_user, housing_user):
    client.force_login(admin_user)
    page = client.get(reverse("notifications:delivery_log")).content.decode()
    assert housing_user.email in page and "Queued" in page and "Case shared" in page
    delivery = Delivery.objects.get(recipient=housing_user.email)
    detail = client.get(reverse("notifications:delivery_detail", args=[delivery.pk])).content.decode()
    assert "Sign in to Safer Communities Casework" in detail
    logged = AccessLog.objects.filter(user=admin_user).values_list("object_type", flat=True)
    assert {"delivery log", "delivery"} <= set(logged)

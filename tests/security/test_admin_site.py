"""The Django admin is for accounts, agencies and reference data, never for case data (issue #22, HIGH).

An administrator of an agency a case is not shared with used to read every field of the case, its MARAC
referral and Community Trigger application through the admin's history pages, revert them by posting the
history form, and read other users' authenticator keys on the TOTP device's config page.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from simple_history.admin import SimpleHistoryAdmin

from casework import roles
from casework.models import Case, Ward
from tests.factories import AgencyFactory, make_member
from tests.security.conftest import body_of
from tests.security.urlwalk import ADMIN_ALLOWED, admin_urls


def _snapshot() -> dict[str, int]:
    """Row counts of every case-data model (administrators may legitimately change accounts and reference data)."""
    counts = {}
    for label in ("casework", "enforcement", "marac", "triggers"):
        for model in apps.get_app_config(label).get_models():
            name = model._meta.label_lower
            if name in ADMIN_ALLOWED or name.replace(".historical", ".") in ADMIN_ALLOWED or not model._meta.managed:
                continue
            counts[model._meta.label] = model._default_manager.count()
    return counts


@pytest.fixture
def fire_brigade_admin(db):
    """The demo borough, and an administrator of an agency nothing is shared with (London Fire Brigade)."""
    call_command("load_demo", cases=4, stdout=StringIO())
    lfb = AgencyFactory(name="London Fire Brigade", short_name="lfb")
    admin_user = make_member(lfb, roles.ADMINISTRATOR, "lfb-admin")
    assert admin_user.is_staff
    return admin_user


def _secrets() -> list[str]:
    secrets = list(Case.objects.values_list("reference", flat=True))
    secrets += list(Case.objects.values_list("title", flat=True))
    for model in (apps.get_model("triggers", "Application"),):
        secrets += list(model.objects.values_list("reference", flat=True))
        secrets += list(model.objects.values_list("applicant_name", flat=True))
    secrets += [device.key for device in TOTPDevice.objects.all()]
    return [s for s in secrets if s and len(s) >= 6]


@pytest.mark.django_db
@pytest.mark.slow
def test_idor_sweep_of_the_admin_site_as_an_administrator_of_another_agency(client, fire_brigade_admin):
    """Every admin page of every model (registered or not), with real ids and history ids, GET and POST: case
    data is never answered (403/404/302), reference pages show no case data or authenticator key, nothing
    is written and no history form reverts anything."""
    officer = apps.get_model("auth", "User").objects.get(username="officer")
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    secrets = _secrets()
    client.force_login(fire_brigade_admin)
    before = _snapshot()
    tried = 0
    for label, url in admin_urls():
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"title": "Reverted", "name": "Reverted"})
            status = response.status_code
            if label not in ADMIN_ALLOWED:
                assert status in (302, 403, 404, 405), f"{method.upper()} {url} -> {status} (case data in admin)"
            else:
                assert status != 500, f"{method.upper()} {url} -> 500"
            text = body_of(response).decode(errors="replace")
            leaked = [s for s in secrets if s in text]
            assert not leaked, f"{leaked} leaked by {method.upper()} {url}"
            tried += 1
    after = _snapshot()
    assert after == before
    assert not Case.objects.filter(title="Reverted").exists()
    print(f"admin sweep: {tried} requests")
    assert tried > 200


def test_only_accounts_agencies_and_reference_data_are_registered_in_the_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered <= ADMIN_ALLOWED, f"case data in the admin: {sorted(registered - ADMIN_ALLOWED)}"


def test_history_forms_never_revert_anything_anywhere(client, admin_user, db):
    """Every admin with history refuses to save from its history form (a revert)."""
    from common.admin import HistoryAdmin

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin):
            assert isinstance(model_admin, HistoryAdmin), f"{model.__name__} admin can revert from history"
    ward = Ward.objects.create(name="Hendon", code="hendon")
    ward.name = "Hendon renamed"
    ward.save()
    first = ward.history.order_by("history_id").first()
    client.force_login(admin_user)
    url = f"/admin/casework/ward/{ward.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Hendon", "code": "hendon"})
    assert response.status_code in (403, 405)
    ward.refresh_from_db()
    assert ward.name == "Hendon renamed"


def test_no_one_reads_an_authenticator_key_in_the_admin(client, admin_user, officer):
    device = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=True)
    client.force_login(admin_user)
    for name in ("config", "qrcode"):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:otp_totp_totpdevice_{name}", args=[device.pk])
        response = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{name}/", follow=True)
        assert device.key not in response.content.decode()
        assert response.redirect_chain and response.status_code in (200, 404)  # "doesn't exist", or not found
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert change.status_code == 200 and device.key not in change.content.decode()
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "qrcode" not in listing.lower() and device.key not in listing


@pytest.mark.django_db
def test_the_administrator_role_holds_no_permission_on_case_data():
    """Administrators manage users, agencies and reference data; case data is read through the screens."""
    permissions = Group.objects.get(name=roles.ADMINISTRATOR).permissions.select_related("content_type")
    held = {f"{p.content_type.app_label}.{p.content_type.model}" for p in permissions}
    historical = {h for h in held if h.split(".")[1].startswith("historical")}
    assert not historical, historical
    # The delivery log (who was sent which message: references only, never case details) is read and resent
    # on its own screen, /notifications/deliveries/, not in the admin.
    assert held <= ADMIN_ALLOWED | {"admin.logentry", "notifications.delivery"}, sorted(held - ADMIN_ALLOWED)
    codenames = {p.codename for p in permissions}
    assert not {"change_group", "add_group", "delete_group", "view_all_cases", "view_case_sensitive"} & codenames


def test_an_administrator_cannot_make_anyone_a_superuser_or_grant_raw_permissions(client, admin_user, officer):
    client.force_login(admin_user)
    page = client.get(f"/admin/auth/user/{officer.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert client.get(f"/admin/auth/group/{Group.objects.first().pk}/change/").status_code == 200
    response = client.post(f"/admin/auth/group/{Group.objects.first().pk}/change/", {"name": "x"})
    assert response.status_code == 403

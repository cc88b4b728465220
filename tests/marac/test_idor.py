"""Every parameterised CS MARAC URL, filled with the ids of real demo records, GET and POST, by users of an
agency that nothing is shared with and that attends no meeting: never a 200, never a reference, no write."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from casework import roles
from casework.models import Case
from marac.models import Meeting, Referral
from tests.factories import AgencyFactory, make_member
from tests.security.conftest import body_of
from tests.security.urlwalk import filled, routes


@pytest.fixture
def demo_outsiders(db, settings):
    settings.MARAC = {}  # the demo's own agencies
    call_command("load_demo", cases=12, stdout=StringIO())
    stranger = AgencyFactory(name="Stranger Agency", short_name="stranger")
    return [
        make_member(stranger, role, f"stranger-{n}")
        for n, role in enumerate((roles.PARTNER_CASEWORKER, roles.ENFORCEMENT_OFFICER))
    ]


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_app_config("marac").get_models()}


@pytest.mark.django_db
def test_outsiders_get_nothing_from_any_marac_url(client, demo_outsiders):
    assert Meeting.objects.exists() and Referral.objects.exists()
    secrets = list(Case.objects.filter(marac_referrals__isnull=False).values_list("reference", flat=True))
    before = _counts()
    tried = 0
    for user in demo_outsiders:
        client.force_login(user)
        for route in routes():
            if route.namespace != "marac" or not route.params:
                continue
            for url in filled(route, limit=2):
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    assert response.status_code in (302, 403, 404, 405), f"{method.upper()} {url}"
                    text = body_of(response).decode(errors="replace")
                    assert not [s for s in secrets if s in text], f"{method.upper()} {url} leaked a reference"
                    tried += 1
    assert _counts() == before
    assert tried >= 80

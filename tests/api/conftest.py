"""The API's world: the casework fixtures' shared case, one user per column of the matrix, and their tokens."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.api import create_token
from casework import roles, services
from casework.models import LegalBasis
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MaracReferralFactory,
    make_fpn,
    make_member,
    make_written_warning,
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Rate-limit counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def outsider(db):
    probation = AgencyFactory(name="Probation", short_name="probation")
    return make_member(probation, roles.PARTNER_CASEWORKER, "outsider")


@pytest.fixture
def marac_settings(settings):
    """The fixtures' council (short name lbb) coordinates the CS MARAC."""
    settings.MARAC = {"COORDINATING_AGENCY": "lbb", "CORE_AGENCIES": ["lbb", "barnet-homes", "met"]}


@pytest.fixture
def world(
    shared_case, officer, police, barnet_homes, police_user, housing_user, manager, auditor, outsider, marac_settings
):
    """The fixtures' council case, shared view-only with Barnet Homes and with change with the police.

    It has an action, a written warning and a fixed penalty; a second case, shared the same way, has a
    CS MARAC referral (so the first can still be referred).
    """
    case = shared_case
    services.share_case(
        case=case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Joint patrols", by=officer, can_change=True
    )
    action = services.add_action(
        case=case, by=officer, description="Visit", owner_agency=case.lead_agency, due_date=case.opened_at.date()
    )
    make_written_warning(case=case, by=officer)  # to a second "Kevin Loud", with a date of birth
    make_fpn(by=officer, case=case, recipient_name="Kevin Loud")
    second = CaseFactory(by=officer, ward=case.ward, title="Drug dealing from a flat")
    for agency, can_change in ((barnet_homes, False), (police, True)):
        services.share_case(
            case=second,
            agency=agency,
            legal_basis=LegalBasis.CDA_S115,
            purpose="Joint work",
            by=officer,
            can_change=can_change,
        )
    referral = MaracReferralFactory(case=second, by=officer)
    users = {
        "lead": officer,
        "partner_view": housing_user,
        "partner_change": police_user,
        "unshared": outsider,
        "other_admin": make_member(outsider.membership.agency, roles.ADMINISTRATOR, "other-admin"),
        "manager": manager,
        "auditor": auditor,
        "anonymous": None,
    }
    return case, users, {"action_id": action.pk, "referral_id": referral.pk}


def token_client(user) -> APIClient:
    """A client that authenticates the way a partner's script does: with a token, no session."""
    client = APIClient()
    if user is not None:
        _token, secret = create_token(user=user, name=f"{user.username}'s script")
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def api_as():
    return token_client

"""Shared fixtures: one per role, in agencies that mirror the partnership."""

import pytest

from casework import roles, services
from casework.models import AgencyKind, LegalBasis, PartyRole
from tests.factories import AgencyFactory, CaseFactory, WardFactory, make_member


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_configure(config):
    """Transactional tests end with a flush, which the append-only triggers would refuse.

    The flush runs holding a 'flush' permit for exactly its own duration, so no test's assertions
    ever run with the triggers relaxed.
    """
    from django.test import testcases

    original = testcases.TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        from django.db import connections

        for alias in self._databases_names(include_mirrors=False):
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "INSERT INTO audit_erasure_permit (scope, granted_by, reason) "
                    "VALUES ('flush', 'pytest', 'test database flush')"
                )
        try:
            original(self)
            _restore_reference_data()
        finally:
            for alias in self._databases_names(include_mirrors=False):
                with connections[alias].cursor() as cursor:
                    cursor.execute("DELETE FROM audit_erasure_permit WHERE granted_by = 'pytest'")

    testcases.TransactionTestCase._fixture_teardown = _fixture_teardown


def _restore_reference_data():
    """The flush also empties what data migrations seeded; later tests in the run expect it back,
    history included: under pytest-xdist a worker may run a transactional file before the test that
    checks the seeded codes' history (enforcement/migrations/0002_offence_codes.py)."""
    from enforcement.models import OffenceCode
    from enforcement.reference import seed_offence_codes

    created = seed_offence_codes(OffenceCode)
    OffenceCode.history.filter(id__in=[row.pk for row in created]).update(
        history_change_reason="Seeded from seed 003, Table 2"
    )


@pytest.fixture
def ward(db):
    return WardFactory(name="Burnt Oak", code="burnt-oak")


@pytest.fixture
def council(db):
    return AgencyFactory(name="LBB Community Safety", short_name="lbb", kind=AgencyKind.COUNCIL)


@pytest.fixture
def barnet_homes(db):
    return AgencyFactory(name="Barnet Homes", short_name="barnet-homes", kind=AgencyKind.HOUSING)


@pytest.fixture
def police(db):
    return AgencyFactory(name="Metropolitan Police", short_name="met", kind=AgencyKind.POLICE)


@pytest.fixture
def officer(council):
    return make_member(council, roles.ENFORCEMENT_OFFICER, "officer", first_name="Priya", last_name="Shah")


@pytest.fixture
def housing_user(barnet_homes):
    return make_member(barnet_homes, roles.PARTNER_CASEWORKER, "housing")


@pytest.fixture
def police_user(police):
    return make_member(police, roles.PARTNER_CASEWORKER, "police")


@pytest.fixture
def manager(council):
    return make_member(council, roles.COMMUNITY_SAFETY_MANAGER, "manager")


@pytest.fixture
def auditor(council):
    return make_member(council, roles.AUDITOR, "auditor")


@pytest.fixture
def coordinator(council):
    return make_member(council, roles.MARAC_COORDINATOR, "coordinator")


@pytest.fixture
def admin_user(council):
    return make_member(council, roles.ADMINISTRATOR, "admin")


@pytest.fixture
def case(officer, ward):
    """A council-led case with an anonymous victim and a named person causing harm."""
    case = CaseFactory(by=officer, ward=ward, title="Intimidation on the stairwell")
    victim = services.create_person(by=officer, first_name="Maria", last_name="Secretname", phone="07700 900123")
    services.add_party(case=case, by=officer, role=PartyRole.VICTIM, person=victim, is_anonymous=True)
    perp = services.create_person(by=officer, first_name="Kevin", last_name="Loud")
    services.add_party(case=case, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=perp)
    return case


@pytest.fixture
def shared_case(case, officer, barnet_homes):
    """The case shared with Barnet Homes, view only."""
    services.share_case(
        case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy enforcement", by=officer
    )
    return case


def login(client, user):
    client.force_login(user)
    return client

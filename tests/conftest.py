"""Shared fixtures: one per role, in agencies that mirror the partnership."""

import io

import pytest

from casework import roles, services
from casework.models import AgencyKind, LegalBasis, PartyRole
from tests.factories import AgencyFactory, CaseFactory, WardFactory, make_member


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


# Database logins (audit.dbroles; decision 0011). With DATABASE_OWNER_URL set on PostgreSQL, as in CI,
# the test database is created and migrated by the owner, then every test runs with the application's
# own login (casework_app), so the suite proves the application works with no more than its grants.
# Tests marked `owner_db` (erasure, tampering as a superuser would, backups) run with the owner's login,
# and so does the flush that ends each transactional test. Elsewhere (SQLite) there is one login.
_wanted_role = {"role": "app"}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _wanted_role["role"] = "owner" if item.get_closest_marker("owner_db") else "app"
    _use_role(_wanted_role["role"])


def _use_role(role: str) -> None:
    from django.db import connections

    from audit import dbroles

    if "default" in connections.settings and not connections["default"].in_atomic_block:
        dbroles.use(role)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    _use_role("owner")  # creating the test database and migrating it are the owner's


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.core.management import call_command
    from django.db import connection

    from audit import dbroles

    if dbroles.roles_in_use():
        with django_db_blocker.unblock():
            call_command("setup_db_roles", stdout=io.StringIO())  # the app role's rights on the test database
    _use_role(_wanted_role["role"])
    yield
    connection.close()
    _use_role("owner")  # dropping the test database is the owner's too


def pytest_configure(config):
    """Transactional tests end with a flush, which the append-only triggers would refuse.

    The flush runs with the owner's login (the application's cannot take a permit) holding a 'flush'
    permit for exactly its own duration, so no test's assertions ever run with the triggers relaxed.
    """
    from django.test import testcases

    config.addinivalue_line("markers", "owner_db: runs with the schema owner's database login, not the app's")
    original = testcases.TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        from django.db import connections

        from audit.dbroles import as_owner

        with as_owner():
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
    from governance.models import LawfulBasis
    from governance.reference import seed_lawful_bases
    from statutory.models import Commencement
    from statutory.rules import COMMENCEMENTS

    created = seed_offence_codes(OffenceCode)
    OffenceCode.history.filter(id__in=[row.pk for row in created]).update(
        history_change_reason="Seeded from seed 003, Table 2"
    )
    seed_lawful_bases(LawfulBasis)
    for key, (title, provision) in COMMENCEMENTS.items():
        Commencement.objects.get_or_create(key=key, defaults={"title": title, "provision": provision})


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


@pytest.fixture(autouse=True)
def _two_factor_relaxed(settings):
    """Tests sign in with force_login, which cannot enter a code: the development relaxation is on, so roles
    that require two-factor by default are not sent to set it up. tests/security/test_two_factor_defaults.py
    switches it off to prove the default; role policies set in a test (RoleSecurityPolicy) still apply."""
    settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": True}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Sign-in failure counts per address, rate limits and double-submit keys live in the cache: each test
    starts from zero, so a test never meets another's counts."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _playwright_types_faster_than_people(request, settings):
    """The public form refuses an application sent sooner than a person could fill it in (triggers/botcheck.py);
    a browser driven by Playwright fills five pages in a few seconds, so browser tests lift that minimum."""
    if "tests/browser/" in str(request.node.path):
        settings.TRIGGERS = {**(getattr(settings, "TRIGGERS", None) or {}), "BOT_CHECK": {"MIN_SECONDS": 0}}


@pytest.fixture
def run_jobs(monkeypatch):
    """Run every job that is due, in this process, exactly as `manage.py run_worker --batch` would.

    The worker's connection housekeeping is switched off: inside a test's transaction it would close the
    connection the test is using."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        db_worker.Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest",
            excluded_queue_names=[],
        ).run()

    return run


@pytest.fixture(autouse=True)
def _every_pdf_is_tagged(monkeypatch):
    """Every PDF any test produces (notices, letters, panel lists, the board pack, SAR packs) is checked with
    poppler's pdfinfo: tagged (PDF/UA), with a title. Screen-reader users receive these documents too (#17)."""
    import shutil
    import subprocess
    import tempfile

    from casework import pdf

    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return
    render = pdf.render_pdf_bytes

    def checked(template_name, context, request=None, **kwargs):
        data = render(template_name, context, request, **kwargs)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(data)
            handle.flush()
            info = subprocess.run([pdfinfo, handle.name], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        assert fields.get("Tagged", "").strip() == "yes", f"{template_name} is not a tagged PDF"
        assert fields.get("Title", "").strip(), f"{template_name} has no title"
        return data

    monkeypatch.setattr(pdf, "render_pdf_bytes", checked)

"""common.prepared: statements prepared once per connection give what the statements themselves give."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext

from casework import access, services
from casework.models import Case, LegalBasis, Ward
from common import prepared
from common.prepared import prepared_statements
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    connection.ensure_connection()
    if not isinstance(connection.connection, prepared.PreparingConnection):
        pytest.skip("DB_PREPARED_STATEMENTS=0")
    return connection.connection


def _server_statements() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, generic_plans, custom_plans FROM pg_prepared_statements")
        return {name: (generic, custom) for name, generic, custom in cursor.fetchall()}


def _select(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_a_repeated_statement_is_prepared_once_and_answers_as_itself(postgres):
    ward = Ward.objects.create(name="Prepared Ward", code="PW")
    sql = "SELECT id, name, %s AS n, 'a%%b' FROM casework_ward WHERE id = %s"
    plain = _select(sql, [7, ward.pk])
    with prepared_statements():
        answers = [_select(sql, [7, ward.pk]) for _ in range(8)]
    assert plain == [(ward.pk, "Prepared Ward", 7, "a%b")]
    assert answers == [plain] * 8  # the bare %s is declared an integer, as the literal 7 was: 7, not "7"
    name = postgres.prepared[sql]
    assert name and name in _server_statements()
    assert sum(_server_statements()[name]) == 7  # prepared on the second run, then executed seven times


def test_outside_the_scope_nothing_is_prepared(postgres):
    sql = "SELECT count(*) FROM casework_ward WHERE code = %s"
    for _ in range(5):
        _select(sql, ["X"])
    assert sql not in postgres.prepared


def test_a_statement_postgres_cannot_prepare_is_sent_as_it_is_and_the_transaction_goes_on(postgres):
    sql = "SELECT %s::no_such_type"
    with prepared_statements(), transaction.atomic():
        for _ in range(3):
            with pytest.raises(ProgrammingError), transaction.atomic():
                _select(sql, [1])
        ward = Ward.objects.create(name="Still here", code="SH")
    assert postgres.prepared[sql] == ""
    assert Ward.objects.filter(pk=ward.pk).exists()


def test_errors_are_the_statements_own(postgres, officer):
    case = CaseFactory(by=officer)
    sql = "UPDATE casework_case SET reference = %s WHERE id = %s"
    other = CaseFactory(by=officer)
    with prepared_statements():
        for _ in range(3):
            with connection.cursor() as cursor:
                cursor.execute(sql, [case.reference, case.pk])
                assert cursor.rowcount == 1
        assert postgres.prepared[sql]
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [other.reference, case.pk])


def test_the_query_log_sees_the_orms_statement_once(postgres, officer):
    case = CaseFactory(by=officer)
    with prepared_statements():
        for _ in range(3):
            with CaptureQueriesContext(connection) as captured:
                assert Case.objects.filter(pk=case.pk).values_list("reference", flat=True).get() == case.reference
            assert len(captured.captured_queries) == 1
            assert "EXECUTE" not in captured.captured_queries[0]["sql"]


def test_the_least_recently_used_statement_is_deallocated(postgres, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PREPARED", 2)
    statements = [f"SELECT %s + {n}" for n in range(3)]
    names = []
    with prepared_statements():
        for n, sql in enumerate(statements):
            for _ in range(2):
                assert _select(sql, [1]) == [(1 + n,)]
            names.append(postgres.prepared[sql])
    assert list(postgres.prepared) == statements[1:]
    on_server = _server_statements()
    assert names[0] not in on_server and names[1] in on_server and names[2] in on_server


def test_one_prepared_case_lookup_answers_each_user_with_their_own_cases(
    postgres, officer, housing_user, police_user, manager, barnet_homes
):
    """The generic plan PostgreSQL keeps after five runs serves every user: each still sees exactly their cases."""
    shared = CaseFactory(by=officer)
    services.share_case(case=shared, agency=barnet_homes, by=officer, legal_basis=LegalBasis.CDA_S115, purpose="ASB")
    private = CaseFactory(by=officer)
    expected = {
        (officer, shared): True,
        (officer, private): True,
        (housing_user, shared): True,
        (housing_user, private): False,
        (police_user, shared): False,
        (police_user, private): False,
        (manager, shared): True,
        (manager, private): True,
    }
    for _ in range(4):  # past PostgreSQL's five custom plans, whichever user asks first
        for (user, case), visible in expected.items():
            for attempt in (user, type(user).objects.get(pk=user.pk)):  # a fresh user object: nothing cached
                if visible:
                    found = access.get_visible_case(attempt, case.reference)
                    assert found.pk == case.pk
                    if user != manager:  # the manager reads every case through a model permission
                        assert found.cw_holds_view_case is True
                        assert found.cw_holds_change_case is (user == officer)
                else:
                    with pytest.raises(access.CaseNotFound):
                        access.get_visible_case(attempt, case.reference)
    assert any(generic for generic, _ in _server_statements().values())

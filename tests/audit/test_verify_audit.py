"""verify_audit re-computes the hash chains and finds what a database superuser changed behind the triggers."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AccessLog, Disclosure
from tests.factories import log_case_views

# Erasure, tampering as a superuser would and backups are the schema owner's work (decision 0011).
pytestmark = pytest.mark.owner_db


def _disable_triggers(table: str) -> None:
    """What an attacker with superuser rights can do; rolled back with the test's transaction on both backends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks would block ALTER TABLE
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
        else:
            for op in ("update", "delete"):
                cursor.execute(f'DROP TRIGGER IF EXISTS "append_only_{op}_{table}"')


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.fixture
def logs(shared_case, officer):
    """Four access rows and one disclosure (the share) on a real case."""
    log_case_views(case=shared_case, user=officer, count=4)
    return list(AccessLog.objects.order_by("id")), list(Disclosure.objects.order_by("id"))


@pytest.mark.django_db
def test_intact_logs_verify(logs):
    access, disclosures = logs
    assert _verify().splitlines()[0] == f"OK: {len(access)} access rows, {len(disclosures)} disclosure rows"


@pytest.mark.django_db
def test_empty_logs_verify():
    assert _verify().splitlines()[0] == "OK: 0 access rows, 0 disclosure rows"


@pytest.mark.django_db
def test_an_access_row_altered_behind_the_triggers_back_is_found(logs):
    access, _ = logs
    target = access[2]
    _disable_triggers("audit_accesslog")
    _sql("UPDATE audit_accesslog SET username = %s WHERE id = %s", ["someone-else", target.pk])
    with pytest.raises(CommandError) as info:
        _verify()
    message = str(info.value)
    assert "access log" in message and f"row id {target.pk} " in message and "altered" in message
    assert target.at.isoformat() in message
    assert info.value.returncode != 0


@pytest.mark.django_db
def test_a_disclosure_altered_is_found(logs):
    _, disclosures = logs
    _disable_triggers("audit_disclosure")
    _sql("UPDATE audit_disclosure SET legal_basis = %s WHERE id = %s", ["Consent", disclosures[0].pk])
    with pytest.raises(CommandError) as info:
        _verify()
    assert "disclosure log" in str(info.value) and f"row id {disclosures[0].pk} " in str(info.value)


@pytest.mark.django_db
def test_a_row_deleted_from_the_middle_is_found_at_the_next_row(logs):
    access, _ = logs
    _disable_triggers("audit_accesslog")
    _sql("DELETE FROM audit_accesslog WHERE id = %s", [access[1].pk])
    with pytest.raises(CommandError) as info:
        _verify()
    assert f"row id {access[2].pk} " in str(info.value) and "removed" in str(info.value)


@pytest.mark.django_db
def test_deleting_the_tail_is_found(logs):
    access, _ = logs
    _disable_triggers("audit_accesslog")
    _sql("DELETE FROM audit_accesslog WHERE id = %s", [access[-1].pk])
    with pytest.raises(CommandError) as info:
        _verify()
    message = str(info.value)
    assert "access log" in message and f"says {len(access)} rows but {len(access) - 1} are present" in message


@pytest.mark.django_db
def test_a_rehashed_forgery_is_still_found_by_the_chain_head(logs, officer):
    """Rewriting the last row and recomputing its hash does not help: the head still holds the real last hash."""
    from audit.services import ACCESS_FIELDS, row_hash

    access, _ = logs
    last = AccessLog.objects.get(pk=access[-1].pk)
    last.username = "someone-else"
    forged = row_hash(last, ACCESS_FIELDS, last.prev_hash)
    _disable_triggers("audit_accesslog")
    _sql("UPDATE audit_accesslog SET username = %s, hash = %s WHERE id = %s", ["someone-else", forged, last.pk])
    with pytest.raises(CommandError) as info:
        _verify()
    assert "last hash does not match" in str(info.value)

"""Keyed checkpoints and the history chain (issue #22, finding A): what someone who gets past the triggers
and the application role (a database superuser, the schema owner) changes is still found by verify_audit.

The same attacks with the application's own login fail earlier, at the database: tests/audit/test_app_role.py.
"""

import hashlib
import hmac
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AccessLog, ChainHead, HistorySeal
from audit.services import ACCESS_FIELDS, GENESIS, row_hash
from tests.factories import log_case_views

# Disabling triggers is the owner's (or a superuser's) power: these tests play that attacker.
pytestmark = [pytest.mark.owner_db, pytest.mark.django_db]


def _run(command: str, **options) -> str:
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _disable_triggers(table: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER ALL')
        else:
            for op in ("update", "delete"):
                cursor.execute(f'DROP TRIGGER IF EXISTS "append_only_{op}_{table}"')


def _checkpoint_lines(settings) -> list[dict]:
    path = settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def trail(shared_case, officer):
    log_case_views(case=shared_case, user=officer, count=6)
    return shared_case


def test_a_checkpoint_seals_the_history_and_is_signed_with_the_key(trail, settings):
    out = _run("audit_checkpoint")
    assert "Checkpoint written to" in out
    [record] = _checkpoint_lines(settings)
    assert record["chains"]["access"]["length"] == AccessLog.objects.count() == 6
    assert record["chains"]["history"]["length"] == HistorySeal.objects.count() > 5
    body = json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True, separators=(",", ":"))
    expected = hmac.new(settings.AUDIT_CHECKPOINT_KEY.encode(), body.encode(), hashlib.sha256).hexdigest()
    assert record["mac"] == expected
    report = _run("verify_audit")
    assert report.startswith("OK: 6 access rows, 1 disclosure rows")
    assert "Checkpoints: 1 signed, all consistent" in report and "0 written since the last seal" in report


def test_a_full_rewrite_with_recomputed_hashes_is_caught_only_by_the_checkpoint(trail, settings, tmp_path):
    """The review's attack: delete access rows, re-hash every row after them, move the chain head."""
    _run("audit_checkpoint")
    _disable_triggers("audit_accesslog")
    doomed = list(AccessLog.objects.order_by("id").values_list("id", flat=True)[:3])
    _sql(f"DELETE FROM audit_accesslog WHERE id IN ({', '.join(['%s'] * len(doomed))})", doomed)
    prev = GENESIS
    for row in AccessLog.objects.order_by("id"):
        new = row_hash(row, ACCESS_FIELDS, prev)
        _sql("UPDATE audit_accesslog SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.pk])
        prev = new
    ChainHead.objects.filter(log="access").update(last_hash=prev, length=AccessLog.objects.count())
    # Against the database alone the forgery holds: every link and the head agree.
    assert _run("verify_audit", checkpoints=tmp_path / "none.jsonl").startswith("OK:")
    with pytest.raises(CommandError) as info:
        _run("verify_audit")
    assert "access chain" in str(info.value) and "re-written" in str(info.value)


def test_a_checkpoint_forged_without_the_key_is_refused(trail, settings):
    _run("audit_checkpoint")
    [record] = _checkpoint_lines(settings)
    forged = {**record, "chains": {**record["chains"], "access": {"length": 3, "last_hash": "f" * 64}}}
    body = json.dumps({k: v for k, v in forged.items() if k != "mac"}, sort_keys=True, separators=(",", ":"))
    forged["mac"] = hmac.new(b"a key read from the database", body.encode(), hashlib.sha256).hexdigest()
    with (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").open("a") as file:
        file.write(json.dumps(forged) + "\n")
    with pytest.raises(CommandError, match="line 2 is not signed with the checkpoint key"):
        _run("verify_audit")


def test_a_history_row_altered_or_deleted_behind_the_triggers_is_found(trail):
    _run("audit_checkpoint")
    _disable_triggers("casework_historicalcaseparty")
    first, last = (
        HistorySeal.objects.filter(table="casework_historicalcaseparty").order_by("history_id")[i] for i in (0, 1)
    )
    _sql("UPDATE casework_historicalcaseparty SET notes = %s WHERE history_id = %s", ["Nothing", first.history_id])
    _disable_triggers("casework_historicalperson")
    person = HistorySeal.objects.filter(table="casework_historicalperson").first()
    _sql("DELETE FROM casework_historicalperson WHERE history_id = %s", [person.history_id])
    with pytest.raises(CommandError) as info:
        _run("verify_audit")
    message = str(info.value)
    assert f"casework_historicalcaseparty: history row {first.history_id} does not match its seal" in message
    assert f"casework_historicalperson: sealed history row {person.history_id} is missing" in message
    assert last  # the other rows of the table still verify and are not reported
    assert f"history row {last.history_id} " not in message


def test_rows_written_after_the_last_seal_wait_for_the_next_checkpoint(trail, officer):
    from casework import services

    _run("audit_checkpoint")
    services.add_note(case=trail, by=officer, text="Later")
    assert "1 written since the last seal" in _run("verify_audit")
    _run("audit_checkpoint")
    assert "0 written since the last seal" in _run("verify_audit")


def test_production_refuses_to_sign_with_the_development_key(trail, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEBUG, settings.TESTING, settings.AUDIT_CHECKPOINT_KEY_IS_DEVELOPMENT = False, False, True
    with pytest.raises(ImproperlyConfigured, match="AUDIT_CHECKPOINT_KEY"):
        _run("audit_checkpoint")
    assert not (settings.AUDIT_CHECKPOINT_DIR / "checkpoints.jsonl").exists()

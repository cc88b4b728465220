"""Backup and restore, exactly as docs/operations.md says: pg_dump the live database, pg_restore into a
fresh one, then check every table's row count and the audit hash chains on the restored copy."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from audit.models import AccessLog, Disclosure
from casework import services
from casework.models import LegalBasis

# Erasure, tampering as a superuser would and backups are the schema owner's work (decision 0011).
pytestmark = pytest.mark.owner_db

ROOT = Path(__file__).resolve().parents[2]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"


def _row_counts(url: str) -> dict[str, int]:
    with psycopg2.connect(url) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    db.close()
    return counts


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_fresh_database_with_every_row_and_an_intact_audit_chain(
    postgres_only, client, case, officer, barnet_homes, tmp_path
):
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed")
    services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer)
    services.add_note(case=case, by=officer, text="Before the backup")
    client.force_login(officer)
    for page in ("", "parties/", "timeline/"):
        assert client.get(f"/cases/{case.reference}/{page}").status_code == 200
    assert AccessLog.objects.count() >= 3 and Disclosure.objects.count() >= 1

    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    dump = tmp_path / "casework.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", _url(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
            cursor.execute(f'CREATE DATABASE "{restored}"')
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--jobs=2", f"--dbname={_url(restored)}", str(dump)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        original_counts, restored_counts = _row_counts(_url(source)), _row_counts(_url(restored))
        assert restored_counts == original_counts
        assert restored_counts["casework_case"] == 1 and restored_counts["audit_accesslog"] >= 3

        env = {**os.environ, "DATABASE_URL": _url(restored), "TESTING": "0"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        result = subprocess.run(
            [sys.executable, "manage.py", "verify_audit"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert (
            f"OK: {original_counts['audit_accesslog']} access rows, {original_counts['audit_disclosure']} "
            "disclosure rows" in result.stdout
        )

        with psycopg2.connect(_url(restored)) as db, db.cursor() as cursor:
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("UPDATE audit_accesslog SET username = 'rewritten'")
        db.close()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [restored],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        admin.close()

"""A manager's bulk CSV export appears on the access tab of every case it contained, stored compactly."""

import hashlib
import random
import time

import pytest

from audit import exports
from audit.models import AccessLog, ExportCaseSet
from casework import roles
from tests.factories import AgencyFactory, CaseFactory, make_member


def test_the_case_set_round_trips_and_stays_small_at_100k_cases():
    """100,000 case ids: consecutive (a borough's whole list) and a sparse filter's pick of one in five."""
    consecutive = list(range(1, 100_001))
    sparse = sorted(random.Random(24).sample(range(1, 500_001), 100_000))
    for ids, budget in ((consecutive, 1_000), (sparse, 200_000)):
        started = time.perf_counter()
        blob = exports.encode(ids)
        encoded_in = time.perf_counter() - started
        started = time.perf_counter()
        assert exports.decode(blob) == ids
        decoded_in = time.perf_counter() - started
        assert len(blob) < budget, len(blob)  # against 800,000 bytes as raw 64-bit ids, or 100,000 rows
        assert encoded_in < 2 and decoded_in < 2


def test_duplicates_and_order_do_not_matter():
    assert exports.decode(exports.encode([5, 3, 3, 900_000_000_000, 4])) == [3, 4, 5, 900_000_000_000]
    assert exports.decode(exports.encode([])) == []


@pytest.mark.django_db
def test_a_managers_export_shows_on_each_included_cases_access_tab(client, manager, auditor, officer, ward, case):
    other_agency = AgencyFactory(name="Metropolitan Police", short_name="met")
    police_officer = make_member(other_agency, roles.ENFORCEMENT_OFFICER, "pc")
    cases = [CaseFactory(by=officer, ward=ward) for _ in range(5)]
    not_exported = CaseFactory(by=police_officer, ward=ward)  # the manager's filter below leaves it out
    client.force_login(manager)
    response = client.get("/cases/export.csv", {"lead_agency": case.lead_agency_id})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert cases[0].reference in body and not_exported.reference not in body
    export = AccessLog.objects.get(action="export", object_type="case")
    assert export.case_id is None  # one row, against the manager
    stored = ExportCaseSet.objects.get(access=export)
    assert stored.count == 6 and export.details["rows_exported"] == 6
    assert export.details["cases_sha256"] == hashlib.sha256(bytes(stored.ids)).hexdigest()  # chained

    client.force_login(auditor)
    page = client.get(f"/audit/cases/{cases[3].reference}/").content.decode()
    assert "manager" in page and "Bulk export of 6 cases, this one among them" in page
    page = client.get(f"/audit/cases/{not_exported.reference}/").content.decode()
    assert "Bulk export" not in page


@pytest.mark.django_db
def test_an_export_case_set_cannot_be_changed_or_deleted(officer):
    from django.db import DatabaseError, connection, transaction

    row = exports.log_export(user=officer, agency="LBB", object_type="case", case_ids=[1, 2, 3])
    for statement in ("UPDATE audit_exportcaseset SET count = 1", "DELETE FROM audit_exportcaseset"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert ExportCaseSet.objects.get(access=row).count == 3

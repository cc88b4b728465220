"""Truly simultaneous requests on PostgreSQL (threads, each with its own connection, released together by
a barrier): no lost update, no duplicate. SQLite serialises writers, so these skip there.

Sequential stale saves are in tests/casework/test_views.py, reference allocation in
tests/casework/test_services.py, the panel list in tests/marac/test_panel_list.py.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from casework import roles, services
from casework.errors import CaseworkError
from casework.models import Case, CaseShare, CaseStatus, LegalBasis, Note
from tests.factories import make_member

# Each transactional test ends with a full flush of the database (seconds on PostgreSQL), so the scenarios
# run as two tests: simultaneous requests through the screens, and simultaneous calls to the services.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite cannot run writers side by side")


def run_together(*calls):
    """Run the calls in threads released at the same instant; return their results (or exceptions)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the caller inspects what each thread met
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def four_officers_saving_the_same_case_at_once_one_wins_the_rest_are_told(case, officer, council):
    editors = [officer] + [make_member(council, roles.ENFORCEMENT_OFFICER, f"editor{n}") for n in range(3)]
    clients = [signed_in(user) for user in editors]
    form = {
        "category": case.category,
        "description": case.description,
        "ward": case.ward_id,
        "version": case.version,
    }
    history_before = case.history.count()
    url = f"/cases/{case.reference}/edit/"
    responses = run_together(
        *[lambda c=c, n=n: c.post(url, {**form, "title": f"Title by editor {n}"}) for n, c in enumerate(clients)]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 302], responses
    losers = [r for r in responses if r.status_code == 200]
    assert all("Someone else changed this case" in r.content.decode() for r in losers)
    winner = responses[[r.status_code for r in responses].index(302)]
    case.refresh_from_db()
    assert case.version == form["version"] + 1
    assert case.title == f"Title by editor {responses.index(winner)}"
    assert case.history.count() == history_before + 1


def two_status_changes_at_once_apply_once(case, officer, council):
    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "colleague-status")
    results = run_together(
        lambda: services.transition_case(case=case, by=officer, to=CaseStatus.INVESTIGATING),
        lambda: services.transition_case(case=case, by=colleague, to=CaseStatus.INVESTIGATING),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], CaseworkError), results
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING
    assert case.history.filter(history_change_reason__startswith="Status").count() == 1


def sharing_a_case_with_the_same_agency_twice_at_once_makes_one_share(case, officer, council, barnet_homes):
    from audit.models import Disclosure

    colleague = make_member(council, roles.ENFORCEMENT_OFFICER, "colleague-share")
    disclosures = Disclosure.objects.count()
    results = run_together(
        *[
            lambda u=u: services.share_case(
                case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=u
            )
            for u in (officer, colleague)
        ]
    )
    assert CaseShare.objects.filter(case=case, agency=barnet_homes, revoked_at__isnull=True).count() == 1
    assert Disclosure.objects.count() == disclosures + 1  # the loser's disclosure row rolled back with it
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1, results


def the_same_form_posted_four_times_at_once_saves_one_note(case, officer):
    from tests.security.test_double_submit import form_key

    clients = [signed_in(officer) for _ in range(4)]
    url = f"/cases/{case.reference}/notes/"
    key = form_key(clients[0], url)
    responses = run_together(
        *[lambda c=c: c.post(url, {"text": "Double click", "idempotency_key": key}) for c in clients]
    )
    assert [r.status_code for r in responses] == [302] * 4
    assert {r["Location"] for r in responses} == {url}
    assert Note.objects.filter(case=case).count() == 1


def opening_cases_at_once_gives_distinct_references(officer, ward):
    results = run_together(
        *[
            lambda n=n: services.create_case(
                by=officer, title=f"Case {n}", category="noise", description="x", ward=ward
            )
            for n in range(6)
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    references = [case.reference for case in results]
    assert len(set(references)) == 6 and Case.objects.filter(title__startswith="Case ").count() == 6


def test_simultaneous_requests_through_the_screens(case, officer, council):
    four_officers_saving_the_same_case_at_once_one_wins_the_rest_are_told(case, officer, council)
    the_same_form_posted_four_times_at_once_saves_one_note(case, officer)


def test_simultaneous_calls_to_the_services(case, officer, council, barnet_homes, ward):
    two_status_changes_at_once_apply_once(case, officer, council)
    sharing_a_case_with_the_same_agency_twice_at_once_makes_one_share(case, officer, council, barnet_homes)
    opening_cases_at_once_gives_distinct_references(officer, ward)

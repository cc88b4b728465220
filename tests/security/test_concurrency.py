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
from casework.errors import CaseworkError, EditConflict
from casework.models import Case, CaseShare, CaseStatus, LegalBasis, Note, RiskAssessment
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


def case_edits_and_risk_assessments_at_once_lose_nothing(case, officer, council, rounds: int = 8):
    """Issue #22 B: the review saw 1 pair in 8 end with the case at "standard" under a "high" assessment."""
    assessor = make_member(council, roles.ENFORCEMENT_OFFICER, "assessor")
    for n in range(rounds):
        answers = {"self_harm": True} if n % 2 == 0 else {}  # high, standard, high, ... so a revert shows
        opened = Case.objects.get(pk=case.pk)  # the editor's page, read before either write
        edit, assessment = run_together(
            lambda opened=opened, n=n: services.update_case(
                case=opened, by=officer, expected_version=opened.version, title=f"Title {n}"
            ),
            lambda answers=answers: services.record_risk_assessment(
                case=Case.objects.get(pk=case.pk), by=assessor, answers=answers, repeat_victimisation_count=0
            ),
        )
        assert isinstance(assessment, RiskAssessment), assessment
        assert isinstance(edit, Case | EditConflict), edit
        case.refresh_from_db()
        latest = RiskAssessment.objects.filter(case=case).latest("assessed_at", "id")
        assert case.risk_level == latest.level, f"round {n}: the case lost its risk level"
        if isinstance(edit, Case):
            assert case.title == f"Title {n}", f"round {n}: the edit was lost"
        last_history = Case.history.filter(id=case.pk).order_by("-history_id").first()
        assert (last_history.risk_level, last_history.version) == (case.risk_level, case.version)


def two_coordinators_saving_one_meeting_at_once_one_wins(coordinator, council):
    from datetime import date, time

    from marac import services as marac_services
    from marac.models import Meeting

    other = make_member(council, roles.MARAC_COORDINATOR, "coordinator-two")
    meeting = marac_services.schedule_meetings(by=coordinator, first=date(2027, 2, 4), count=1)[0]
    results = run_together(
        *[
            lambda user=user, venue=venue: marac_services.update_meeting(
                meeting=meeting,
                by=user,
                expected_version=meeting.version,
                on=meeting.date,
                start=time(10),
                venue=venue,
                is_online=False,
            )
            for user, venue in ((coordinator, "Hendon Town Hall"), (other, "Colindale"))
        ]
    )
    losers = [r for r in results if isinstance(r, EditConflict)]
    winners = [r for r in results if isinstance(r, Meeting)]
    assert len(losers) == 1 and len(winners) == 1, results
    meeting.refresh_from_db()
    assert meeting.venue == winners[0].venue and meeting.version == 2
    assert Meeting.history.filter(id=meeting.pk).count() == 2  # scheduled, and the one edit


def test_simultaneous_requests_through_the_screens(case, officer, council):
    four_officers_saving_the_same_case_at_once_one_wins_the_rest_are_told(case, officer, council)
    the_same_form_posted_four_times_at_once_saves_one_note(case, officer)


def test_simultaneous_calls_to_the_services(case, officer, council, barnet_homes, ward):
    two_status_changes_at_once_apply_once(case, officer, council)
    sharing_a_case_with_the_same_agency_twice_at_once_makes_one_share(case, officer, council, barnet_homes)
    opening_cases_at_once_gives_distinct_references(officer, ward)


def test_simultaneous_edits_of_shared_records(case, officer, council, coordinator):
    case_edits_and_risk_assessments_at_once_lose_nothing(case, officer, council)
    two_coordinators_saving_one_meeting_at_once_one_wins(coordinator, council)

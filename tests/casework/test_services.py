"""Casework domain rules: references, lifecycle, sharing, optimistic locking, risk scoring."""

import re
import threading

import pytest
from django.db import connection

from audit.models import Disclosure
from casework import access, risk, services
from casework.errors import EditConflict, InvalidTransition, NotAllowed
from casework.models import Case, CaseOutcome, CaseStatus, LegalBasis
from tests.factories import CaseFactory


@pytest.mark.django_db
def test_references_are_readable_sequential_and_unique(officer, ward):
    cases = [CaseFactory(by=officer, ward=ward) for _ in range(3)]
    refs = [c.reference for c in cases]
    assert all(re.fullmatch(r"ASB-\d{4}-\d{5}", r) for r in refs)
    assert [int(r[-5:]) for r in refs] == [1, 2, 3]


@pytest.mark.django_db(transaction=True)
def test_reference_allocation_is_safe_under_concurrency():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers itself)")
    results, errors = [], []

    def allocate():
        try:
            for _ in range(10):
                results.append(services.allocate_reference(year=2030))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 40 and len(set(results)) == 40


@pytest.mark.django_db
def test_lifecycle_refuses_illegal_moves_and_closing_needs_an_outcome(case, officer):
    with pytest.raises(InvalidTransition, match="cannot move to enforcement"):
        services.transition_case(case=case, by=officer, to=CaseStatus.ENFORCEMENT)
    with pytest.raises(InvalidTransition, match="outcome"):
        services.transition_case(case=case, by=officer, to=CaseStatus.CLOSED)
    case = services.transition_case(case=case, by=officer, to=CaseStatus.INVESTIGATING)
    with pytest.raises(InvalidTransition, match="reasons"):
        services.transition_case(case=case, by=officer, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED)
    case = services.transition_case(
        case=case, by=officer, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes="Noise stopped."
    )
    assert case.closed_at is not None and case.closures.get().reasons == "Noise stopped."
    case = services.transition_case(case=case, by=officer, to=CaseStatus.OPEN)
    assert case.closed_at is None and case.outcome == ""
    reasons = list(Case.history.filter(id=case.pk).values_list("history_change_reason", flat=True))
    assert "Case closed with reasons" in reasons


@pytest.mark.django_db
def test_stale_edit_is_refused_and_changes_nothing(case, officer):
    version = case.version
    services.update_case(case=case, by=officer, expected_version=version, title="First edit")
    stale = Case.objects.get(pk=case.pk)
    with pytest.raises(EditConflict):
        services.update_case(case=stale, by=officer, expected_version=version, title="Second edit")
    assert Case.objects.get(pk=case.pk).title == "First edit"


@pytest.mark.django_db
def test_share_and_revoke_grant_and_remove_access_with_disclosures(case, officer, barnet_homes, housing_user):
    assert not access.can_view(housing_user, case)
    share = services.share_case(
        case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy enforcement", by=officer
    )
    assert access.can_view(housing_user, case) and not access.can_change(housing_user, case)
    assert not access.can_view_sensitive(housing_user, case)
    with pytest.raises(NotAllowed, match="already shared"):
        services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="x", by=officer)
    services.revoke_share(share=share, by=officer, reason="Tenancy ended")
    assert not access.can_view(housing_user, case)
    kinds = list(Disclosure.objects.filter(case_id=case.pk).order_by("id").values_list("kind", "legal_basis"))
    assert kinds == [("share", "s115 Crime and Disorder Act 1998"), ("revoke", "s115 Crime and Disorder Act 1998")]


@pytest.mark.django_db
def test_partner_cannot_share_or_close_a_case_it_does_not_lead(shared_case, housing_user, police):
    with pytest.raises(NotAllowed):
        services.share_case(
            case=shared_case, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="x", by=housing_user
        )
    with pytest.raises(NotAllowed):
        services.transition_case(case=shared_case, by=housing_user, to=CaseStatus.INVESTIGATING)


@pytest.mark.django_db
def test_managers_and_auditors_read_everything_and_change_nothing(case, manager, auditor):
    for user in (manager, auditor):
        assert access.can_view(user, case)
        assert not access.can_change(user, case)
        with pytest.raises(NotAllowed):
            services.add_note(case=case, by=user, text="should not save")


def test_risk_scoring():
    assert risk.score({}, 0)[:2] == (0, "standard")
    assert risk.score({"disability": True, "health_impact": True, "fear_home": True}, 0)[1] == "medium"
    assert (
        risk.score(
            {"targeted_identity": True, "violence": True, "disability": True, "health_impact": True, "fear_home": True},
            0,
        )[1]
        == "high"
    )
    assert risk.score({"self_harm": True}, 0)[1] == "high", "a critical answer is always high risk"
    assert risk.score({}, 6)[0] == 3


@pytest.mark.django_db
def test_risk_assessment_sets_the_case_risk_level(case, officer):
    services.record_risk_assessment(case=case, by=officer, answers={"self_harm": True}, repeat_victimisation_count=1)
    case.refresh_from_db()
    assert case.risk_level == "high"


@pytest.mark.django_db
def test_incident_cannot_be_reported_before_it_happened(case, officer, council):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    with pytest.raises(ValueError):
        services.add_incident(
            case=case,
            by=officer,
            occurred_at=now,
            reported_at=now - timedelta(hours=1),
            reported_to=council,
            description="x",
        )


@pytest.mark.django_db
def test_no_caller_closes_a_high_risk_case_without_a_managers_sign_off(case, officer):
    """The service itself, not only the Close case screen, holds the reasoned-closure rule (#20)."""
    services.record_risk_assessment(case=case, by=officer, answers={"self_harm": True}, repeat_victimisation_count=0)
    case = services.transition_case(
        case=case, by=officer, to=CaseStatus.CLOSED, outcome=CaseOutcome.RESOLVED, outcome_notes="Moved away."
    )
    assert case.status != CaseStatus.CLOSED and case.closed_at is None
    assert case.closures.get().status == "awaiting_sign_off"

"""Lost updates from stale copies (issue #22, finding B), one after the other so they run on SQLite too.

A service handed a copy of a shared record read before someone else's write must neither put the old
values back nor write them into the history. The same races with real threads on PostgreSQL are in
tests/security/test_concurrency.py; two meeting edits in
tests/marac/test_schedule.py.
"""

import pytest

from casework import services
from casework.errors import EditConflict
from casework.models import Case, RiskLevel

HIGH_RISK = {"self_harm": True}  # a critical answer: high whatever the score


def _latest_history(case: Case):
    return Case.history.filter(id=case.pk).order_by("-history_id").first()


@pytest.mark.django_db
def test_a_case_edit_from_a_stale_copy_never_undoes_a_risk_assessment(case, officer):
    stale = Case.objects.get(pk=case.pk)  # the edit page was opened: risk level still empty
    services.record_risk_assessment(case=case, by=officer, answers=HIGH_RISK, repeat_victimisation_count=0)
    try:
        services.update_case(case=stale, by=officer, expected_version=stale.version, title="Renamed")
    except EditConflict:
        edited = False
    else:
        edited = True
    case.refresh_from_db()
    assert case.risk_level == RiskLevel.HIGH
    assert case.title == ("Renamed" if edited else "Intimidation on the stairwell")
    assert _latest_history(case).risk_level == RiskLevel.HIGH  # history never records the stale value


@pytest.mark.django_db
def test_a_case_edit_saves_only_its_own_fields_and_history_shows_the_current_row(case, officer):
    stale = Case.objects.get(pk=case.pk)
    version = stale.version
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.MEDIUM)  # a write that bypassed the version
    updated = services.update_case(case=stale, by=officer, expected_version=version, title="Renamed")
    case.refresh_from_db()
    assert (case.title, case.risk_level, case.version) == ("Renamed", RiskLevel.MEDIUM, version + 1)
    assert (updated.title, updated.risk_level, updated.version) == ("Renamed", RiskLevel.MEDIUM, case.version)
    assert _latest_history(case).risk_level == RiskLevel.MEDIUM


@pytest.mark.django_db
def test_every_write_of_a_case_moves_its_version_on(case, officer, police):
    from django.utils import timezone

    start = Case.objects.get(pk=case.pk).version
    services.record_risk_assessment(case=case, by=officer, answers=HIGH_RISK, repeat_victimisation_count=0)
    now = timezone.now()
    services.add_incident(
        case=case, by=officer, occurred_at=now, reported_at=now, reported_to=police, description="x", hate_related=True
    )
    case.refresh_from_db()
    assert case.version == start + 2 and case.risk_level == RiskLevel.HIGH and case.hate_related
    with pytest.raises(EditConflict):  # an edit form opened before either write is refused, not merged
        services.update_case(case=case, by=officer, expected_version=start, title="Stale")

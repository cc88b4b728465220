"""Retention: closed cases past the period are listed, then anonymised with their history, leaving a tombstone."""

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from audit.models import Disclosure
from casework import retention, services
from casework.models import Case, CaseParty, Evidence, LegalBasis, PartyRole, Person
from tests.factories import CaseFactory, close_case_years_ago

# Erasure, tampering as a superuser would and backups are the schema owner's work (decision 0011).
pytestmark = pytest.mark.owner_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 80
POLICY = "Barnet CSP retention schedule 2026, rule ASB-1 (6 years after closure)"
SECRETS = ("Secretname", "07700 900123", "maria@example.org", "12 Secret Close")


@pytest.fixture
def old_case(case, officer, council, barnet_homes):
    """A case closed seven years ago with a full story: parties, incidents, notes, evidence, a share, an edit."""
    maria = Person.objects.get(last_name="Secretname")
    services.save_with_history(maria, officer, "Contact details")  # a second history row for the person
    maria.email = "maria@example.org"
    address = services.create_address(by=officer, line1="12 Secret Close", postcode="NW9 7AB", ward=case.ward)
    maria.address = address
    services.save_with_history(maria, officer, "Address recorded")
    services.update_case(
        case=case, by=officer, expected_version=case.version, title="Maria Secretname intimidated", address=address
    )
    now = timezone.now()
    services.add_incident(
        case=case,
        by=officer,
        occurred_at=now - timedelta(days=3),
        reported_at=now - timedelta(days=2),
        reported_to=council,
        description="Kevin Loud shouted at Maria Secretname",
        agency_reference="CAD1234",
    )
    services.add_note(case=case, by=officer, text="Maria Secretname called, phone 07700 900123")
    services.add_action(
        case=case, by=officer, description="Visit Maria Secretname", owner_agency=council, due_date=timezone.localdate()
    )
    services.record_risk_assessment(
        case=case, by=officer, answers={}, repeat_victimisation_count=1, notes="Secretname is frightened"
    )
    evidence = services.add_evidence(
        case=case,
        by=officer,
        kind="photo",
        description="Door of Maria Secretname",
        upload=SimpleUploadedFile("secretname.png", PNG),
        content_type="image/png",
    )
    services.share_case(
        case=case,
        agency=barnet_homes,
        legal_basis=LegalBasis.CDA_S115,
        purpose="Tenancy of Maria Secretname",
        by=officer,
    )
    close_case_years_ago(case, by=officer, years=7)
    case.evidence_path = evidence.file.path
    return case


@pytest.fixture
def open_case_with_kevin(officer, ward):
    """Kevin Loud is also a party to a case that is still open: his record must survive."""
    other = CaseFactory(by=officer, ward=ward, title="Noise from Kevin's flat")
    services.add_party(
        case=other, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=Person.objects.get(last_name="Loud")
    )
    return other


def _run(command: str, **options) -> str:
    out = io.StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def _all_history_text() -> str:
    """Every value of every history table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model.__name__.startswith("Historical") and hasattr(model, "instance_type"):
                cursor.execute(f'SELECT * FROM "{model._meta.db_table}"')
                chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.mark.django_db
def test_review_lists_only_closed_cases_past_the_period(old_case, officer, ward):
    recent = close_case_years_ago(CaseFactory(by=officer, ward=ward), by=officer, years=5)
    still_open = CaseFactory(by=officer, ward=ward)
    output = _run("retention_review")
    assert "1 closed case past the retention period (6 years after closure" in output
    line = next(line for line in output.splitlines() if line.startswith(old_case.reference))
    assert timezone.localtime(old_case.closed_at).date().isoformat() in line and "LBB Community Safety" in line
    assert recent.reference not in output and still_open.reference not in output


@pytest.mark.django_db
def test_the_period_is_configuration(old_case, settings):
    settings.CASEWORK = {**settings.CASEWORK, "RETENTION_YEARS_AFTER_CLOSURE": 10}
    assert old_case.reference not in _run("retention_review")
    assert list(retention.cases_past_retention()) == []


@pytest.mark.django_db
def test_a_dry_run_changes_nothing(old_case, open_case_with_kevin, auditor):
    before = _all_history_text()
    output = _run("retention_apply", approved_by="auditor", policy=POLICY, dry_run=True)
    assert f"Would anonymise {old_case.reference}: 1 people anonymised, 1 detached" in output
    assert "dry run: nothing was changed" in output
    assert Case.objects.get(pk=old_case.pk).anonymised_at is None
    assert Person.objects.filter(last_name="Secretname").exists()
    assert not Disclosure.objects.filter(kind="erasure").exists()
    assert _all_history_text() == before


@pytest.mark.django_db
def test_apply_anonymises_the_case_its_people_and_its_history(
    old_case, open_case_with_kevin, auditor, django_capture_on_commit_callbacks
):
    from pathlib import Path

    kevin = Person.objects.get(last_name="Loud")
    assert "Secretname" in _all_history_text()
    with django_capture_on_commit_callbacks(execute=True):
        output = _run("retention_apply", approved_by="auditor", policy=POLICY)
    assert f"Anonymised {old_case.reference}" in output and "Anonymised 1 of 1 case" in output

    case = Case.objects.get(pk=old_case.pk)
    assert case.anonymised_at is not None and case.title == "Anonymised case" and case.description == ""
    assert case.address is None and case.ward == old_case.ward and case.outcome == "resolved"
    # The victim was only on this case: anonymised in place.
    maria = CaseParty.objects.get(case=case, role=PartyRole.VICTIM).person
    assert (maria.first_name, maria.last_name, maria.phone, maria.email, maria.address) == (
        "Anonymised",
        "person",
        "",
        "",
        None,
    )
    # Kevin is still a party to an open case: his record is kept, but this case no longer points at him.
    kevin.refresh_from_db()
    assert kevin.last_name == "Loud"
    assert CaseParty.objects.filter(case=open_case_with_kevin, person=kevin).exists()
    assert not CaseParty.objects.filter(case=case, person=kevin).exists()
    assert not CaseParty.history.filter(case_id=case.pk, person_id=kevin.pk).exists()
    # Free text and files are gone; the evidence file is deleted from storage.
    evidence = Evidence.objects.get(case=case)
    assert evidence.description == "" and not evidence.file and evidence.original_name == ""
    assert not Path(old_case.evidence_path).exists()
    assert set(case.notes.values_list("text", flat=True)) == {""}
    # No history row anywhere still holds the victim's name, phone, e-mail or address.
    history = _all_history_text().lower()
    for secret in SECRETS:
        assert secret.lower() not in history, secret
    # The permit was held for the transaction only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM audit_erasure_permit")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_apply_leaves_a_tombstone_and_the_logs_still_verify(old_case, auditor):
    _run("retention_apply", approved_by="auditor", policy=POLICY)
    tombstone = Disclosure.objects.get(kind="erasure")
    assert tombstone.case_id == old_case.pk and tombstone.object_label == old_case.reference
    assert tombstone.user == auditor and tombstone.legal_basis == POLICY
    assert tombstone.details["approved_by"] == "auditor" and tombstone.details["policy"] == POLICY
    removed = tombstone.details["removed"]
    assert removed["persons_anonymised"] == 2 and removed["evidence_files_deleted"] == 1
    assert removed["records_blanked"]["casework.Note"] == 1 and removed["history_rows_scrubbed"] > 10
    assert "Retention period ended" in tombstone.purpose
    # The share's disclosure row is untouched: the logs are never rewritten.
    share = Disclosure.objects.get(kind="share")
    assert share.purpose == "Tenancy of Maria Secretname"
    assert _run("verify_audit").startswith("OK:")


@pytest.mark.django_db
def test_an_erasure_reseals_the_history_rows_it_rewrites(old_case, auditor):
    """Issue #22: history rows are sealed in a chain; an erasure appends new seals, so the trail verifies."""
    from audit.models import HistorySeal, SealKind

    _run("audit_checkpoint")
    _run("retention_apply", approved_by="auditor", policy=POLICY)
    assert HistorySeal.objects.filter(kind=SealKind.ERASED).count() > 10
    assert _run("verify_audit").startswith("OK:")
    _run("audit_checkpoint")
    assert "all consistent" in _run("verify_audit")


@pytest.mark.django_db
def test_the_auditor_sees_an_anonymised_story_and_the_tombstone(client, old_case, auditor):
    _run("retention_apply", approved_by="auditor", policy=POLICY)
    client.force_login(auditor)
    changes = client.get(f"/audit/cases/{old_case.reference}/changes/", {"format": "csv"})
    text = b"".join(changes.streaming_content).decode()
    assert "Anonymised under retention policy" in text
    for secret in ("Secretname", "Kevin", "07700 900123"):
        assert secret not in text
    disclosures = client.get(f"/audit/cases/{old_case.reference}/disclosures/").content.decode()
    assert "Erased under retention policy" in disclosures and POLICY in disclosures


@pytest.mark.django_db
def test_running_apply_twice_anonymises_once(old_case, auditor):
    _run("retention_apply", approved_by="auditor", policy=POLICY)
    assert "Anonymised 0 of 0 cases" in _run("retention_apply", approved_by="auditor", policy=POLICY)
    assert Disclosure.objects.filter(kind="erasure").count() == 1
    with pytest.raises(retention.InvalidTransition):
        retention.anonymise_case(case=old_case, by=auditor, policy=POLICY)


@pytest.mark.django_db
def test_only_a_manager_or_ig_officer_can_approve(old_case, officer):
    with pytest.raises(CommandError, match="Only a community safety manager or an information governance officer"):
        _run("retention_apply", approved_by="officer", policy=POLICY)
    with pytest.raises(CommandError, match="No user has the username"):
        _run("retention_apply", approved_by="nobody", policy=POLICY)
    assert Case.objects.get(pk=old_case.pk).anonymised_at is None


@pytest.mark.django_db
def test_a_case_inside_its_period_cannot_be_anonymised(case, officer, manager):
    close_case_years_ago(case, by=officer, years=2)
    with pytest.raises(retention.InvalidTransition, match="not past its retention period"):
        retention.anonymise_case(case=case, by=manager, policy=POLICY)
    assert Case.objects.get(pk=case.pk).title == "Intimidation on the stairwell"

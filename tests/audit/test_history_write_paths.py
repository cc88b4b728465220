"""Every way casework data is written (screens, services, Django admin) leaves history naming the person who did it."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework import risk, services
from casework.models import (
    Action,
    Agency,
    Case,
    CaseParty,
    CaseShare,
    Evidence,
    Incident,
    LegalBasis,
    Note,
    PartyRole,
    Person,
    RiskAssessment,
    Ward,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 80
DOMAIN_APPS = ("casework", "enforcement", "marac", "triggers", "reports")


def _technical(model) -> bool:
    """Not domain records: unmanaged permission holders, number counters (locked rows handing out references),
    guardian's object-permission rows (grants and removals are recorded as CaseShare history and disclosures) and
    maintained figures (counts derived from records that keep history, rebuilt exactly by a command)."""
    from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

    return (
        not model._meta.managed
        or model.__name__.endswith("Counter")
        or model.__name__.endswith(("Figure", "ListCount"))
        or issubclass(model, UserObjectPermissionBase | GroupObjectPermissionBase)
    )


def _latest(model, **filters):
    return model.history.filter(**filters).order_by("-history_date", "-history_id").first()


def test_every_domain_model_keeps_history():
    missing = [
        model._meta.label
        for app in DOMAIN_APPS
        if apps.is_installed(app)
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and not _technical(model) and not hasattr(model, "history")
    ]
    assert missing == []


@pytest.mark.django_db
class TestScreens:
    """Form posts through the test client, as an officer makes them."""

    def test_open_and_edit_a_case(self, client, officer, ward):
        client.force_login(officer)
        client.post(
            "/cases/new/",
            {"title": "Noise from flat 3", "category": "noise", "description": "Music until 3am", "ward": ward.pk},
        )
        case = Case.objects.get(title="Noise from flat 3")
        created = _latest(Case, id=case.pk)
        assert created.history_type == "+" and created.history_user == officer
        response = client.post(
            f"/cases/{case.reference}/edit/",
            {
                "title": "Noise and threats from flat 3",
                "category": "noise",
                "description": "Music until 3am",
                "ward": ward.pk,
                "version": case.version,
            },
        )
        assert response.status_code == 302
        edited = _latest(Case, id=case.pk)
        assert edited.title == "Noise and threats from flat 3"
        assert edited.history_type == "~" and edited.history_user == officer
        assert edited.history_change_reason

    def test_status_change(self, client, case, officer):
        client.force_login(officer)
        assert client.post(f"/cases/{case.reference}/status/", {"to": "investigating"}).status_code == 302
        record = _latest(Case, id=case.pk)
        assert record.status == "investigating" and record.history_user == officer
        assert "Investigating" in record.history_change_reason

    def test_add_party(self, client, case, officer):
        client.force_login(officer)
        client.post(
            f"/cases/{case.reference}/parties/add/",
            {"role": PartyRole.WITNESS, "first_name": "Ann", "last_name": "Witness"},
        )
        party = CaseParty.objects.get(case=case, role=PartyRole.WITNESS)
        assert _latest(CaseParty, id=party.pk).history_user == officer
        assert _latest(Person, id=party.person_id).history_user == officer

    def test_log_incident(self, client, case, officer, council):
        client.force_login(officer)
        when = timezone.localtime(timezone.now() - timedelta(days=2))
        client.post(
            f"/cases/{case.reference}/incidents/add/",
            {
                "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
                "reported_at": (when + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
                "reported_to": council.pk,
                "description": "Shouting on the stairs",
            },
        )
        incident = Incident.objects.get(case=case)
        assert _latest(Incident, id=incident.pk).history_user == officer

    def test_assess_risk(self, client, case, officer):
        client.force_login(officer)
        answers = {question.key: "on" for question in risk.QUESTIONS[:2]}
        client.post(f"/cases/{case.reference}/risk/add/", {"repeat_victimisation_count": 3, **answers})
        assessment = RiskAssessment.objects.get(case=case)
        assert _latest(RiskAssessment, id=assessment.pk).history_user == officer

    def test_add_action_and_change_its_status(self, client, case, officer, council):
        client.force_login(officer)
        due = timezone.localdate() + timedelta(days=7)
        client.post(
            f"/cases/{case.reference}/actions/add/",
            {
                "description": "Visit the victim",
                "owner_agency": council.pk,
                "due_date_0": due.day,
                "due_date_1": due.month,
                "due_date_2": due.year,
            },
        )
        action = Action.objects.get(case=case)
        assert _latest(Action, id=action.pk).history_user == officer
        client.post(f"/cases/{case.reference}/actions/{action.pk}/status/", {"status": "done"})
        record = _latest(Action, id=action.pk)
        assert record.status == "done" and record.history_user == officer and record.history_change_reason

    def test_add_note(self, client, case, officer):
        client.force_login(officer)
        client.post(f"/cases/{case.reference}/notes/", {"text": "Spoke to the housing officer"})
        note = Note.objects.get(case=case)
        assert _latest(Note, id=note.pk).history_user == officer

    def test_add_evidence(self, client, case, officer):
        client.force_login(officer)
        client.post(
            f"/cases/{case.reference}/evidence/add/",
            {"kind": "photo", "description": "Graffiti", "file": SimpleUploadedFile("a.png", PNG)},
        )
        evidence = Evidence.objects.get(case=case)
        assert _latest(Evidence, id=evidence.pk).history_user == officer

    def test_share_and_revoke(self, client, case, officer, barnet_homes):
        client.force_login(officer)
        client.post(
            f"/cases/{case.reference}/sharing/add/",
            {"agency": barnet_homes.pk, "legal_basis": LegalBasis.CDA_S115, "purpose": "Tenancy enforcement"},
        )
        share = CaseShare.objects.get(case=case)
        assert _latest(CaseShare, id=share.pk).history_user == officer
        client.post(f"/cases/{case.reference}/sharing/{share.pk}/revoke/", {"reason": "Tenancy action finished"})
        record = _latest(CaseShare, id=share.pk)
        assert record.revoked_at is not None and record.history_user == officer


@pytest.mark.django_db
def test_services_record_the_acting_user_and_a_reason(case, officer, council, barnet_homes):
    """Services called outside any request (commands, jobs, demo data) still attribute their writes."""
    person = services.create_person(by=officer, first_name="Ann", last_name="Other")
    party = services.add_party(case=case, by=officer, role=PartyRole.WITNESS, person=person)
    now = timezone.now()
    incident = services.add_incident(
        case=case, by=officer, occurred_at=now, reported_at=now, reported_to=council, description="x"
    )
    assessment = services.record_risk_assessment(case=case, by=officer, answers={}, repeat_victimisation_count=0)
    action = services.add_action(
        case=case, by=officer, description="Visit", owner_agency=council, due_date=timezone.localdate()
    )
    services.set_action_status(action=action, by=officer, status="in_progress")
    note = services.add_note(case=case, by=officer, text="Seen")
    evidence = services.add_evidence(case=case, by=officer, kind="document", description="x", external_reference="B1")
    share = services.share_case(
        case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer
    )
    services.revoke_share(share=share, by=officer, reason="Done")
    services.update_case(case=case, by=officer, expected_version=case.version, title="Renamed")
    services.transition_case(case=case, by=officer, to="investigating")
    for model, obj in [
        (Person, person),
        (CaseParty, party),
        (Incident, incident),
        (RiskAssessment, assessment),
        (Action, action),
        (Note, note),
        (Evidence, evidence),
        (CaseShare, share),
        (Case, case),
    ]:
        records = list(model.history.filter(id=obj.pk))
        assert records, model
        assert all(r.history_user == officer for r in records), model
        assert all(r.history_change_reason for r in records), model


@pytest.mark.django_db
def test_django_admin_writes_are_attributed(client, admin_user, council):
    client.force_login(admin_user)
    ward = Ward.objects.create(name="Hendon", code="hendon")
    response = client.post(f"/admin/casework/ward/{ward.pk}/change/", {"name": "Hendon (new)", "code": "hendon"})
    assert response.status_code == 302, response.content.decode()[:2000]
    record = _latest(Ward, id=ward.pk)
    assert record.name == "Hendon (new)" and record.history_user == admin_user
    response = client.post(
        f"/admin/casework/agency/{council.pk}/change/",
        {"name": council.name, "short_name": council.short_name, "kind": council.kind, "group": council.group_id},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    record = _latest(Agency, id=council.pk)
    assert record.is_active is False and record.history_user == admin_user


@pytest.mark.django_db
def test_partner_api_writes_are_attributed(case, officer, council):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(officer)
    response = api.post(
        f"/api/v1/cases/{case.reference}/notes/", {"text": "Added from the housing system"}, format="json"
    )
    assert response.status_code == 201, response.content
    note = Note.objects.get(case=case)
    assert _latest(Note, id=note.pk).history_user == officer
    action = services.add_action(
        case=case, by=officer, description="Visit", owner_agency=council, due_date=timezone.localdate()
    )
    response = api.patch(f"/api/v1/cases/{case.reference}/actions/{action.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 200, response.content
    record = _latest(Action, id=action.pk)
    assert record.status == "done" and record.history_user == officer

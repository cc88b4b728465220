"""The case summary's parties and My work's lists compiled once per shape (common.compiled_sql, issue 23) give what
the ORM queries they replace give, for every role: the same rows, fields, annotations and joined records, the same
statements in the same order, and the same pages."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework import access, people, selectors, services, victim
from casework.models import (
    CaseParty,
    CaseReviewExplained,
    CaseSchedule,
    LegalBasis,
    PartyRole,
    Person,
    SafeguardingReferral,
)
from casework.vulnerability import record_vulnerability
from tests.casework.test_compiled_case_lookup import _fresh
from tests.casework.test_compiled_case_lookup import world as world  # noqa: F401 (the roles' fixture)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def _state(obj, seen=None) -> dict:
    """Everything loaded on a model instance: its fields (deferred ones absent), annotations, cached relations."""
    if obj is None:
        return {}
    seen = set() if seen is None else seen
    if id(obj) in seen:  # a one-to-one's both sides cache each other
        return {"seen": type(obj).__name__}
    seen.add(id(obj))
    loaded = {k: v for k, v in vars(obj).items() if k != "_state"}
    related = {name: _state(value, seen) for name, value in obj._state.fields_cache.items()}
    return {"values": loaded, "types": {k: type(v) for k, v in loaded.items()}, "related": related}


def _captured(read, *, now_as=None):
    """What `read()` returns and the statements it ran; `now_as` replaces timestamps (a "30 days ago" read twice)."""
    with CaptureQueriesContext(connection) as queries:
        found = read()
    statements = [q["sql"] for q in queries.captured_queries]
    if now_as is not None:
        statements = [re.sub(r"'\d{4}-\d\d-\d\d[ T][\d:.]+(\+00:00)?'", now_as, sql) for sql in statements]
    return found, statements


def _summary_world(case, ward, officer, police_user):
    """Parties with something in every annotation: a second report, a told record, repeats, a merged duplicate, a
    referral, a vulnerability record and an organisation."""
    maria = case.parties.get(role=PartyRole.VICTIM).person
    kevin = case.parties.get(role=PartyRole.PERSON_CAUSING_HARM).person
    earlier = CaseFactory(by=officer, ward=ward, title="Earlier", opened_at=case.opened_at - timedelta(days=20))
    services.add_party(case=earlier, by=officer, role=PartyRole.VICTIM, person=maria)
    services.add_party(case=earlier, by=officer, role=PartyRole.PERSON_CAUSING_HARM, person=kevin)
    Person.objects.create(first_name="Maria", last_name="Duplicate", merged_into=maria)
    SafeguardingReferral.objects.create(
        person=kevin, referred_to="Adult social care", referred_on=timezone.localdate(), made_by="PC Jones",
        recorded_at=timezone.now(),
    )  # fmt: skip
    record_vulnerability(case=case, person=maria, by=officer, flags=["other"], details="Hearing")
    party = case.parties.get(person=maria)
    CaseReviewExplained.objects.create(
        case=case, party=party, told_on=timezone.localdate(), told_by="letter", recorded_by=officer
    )
    return earlier


def test_the_summary_parties_are_the_orms(world, case, ward, officer, police_user):
    earlier = _summary_world(case, ward, officer, police_user)
    users, _ = world
    for role in ("lead officer", "partner shared", "manager", "member with user-level"):
        for which in (case, earlier):
            user = _fresh(users[role])
            try:
                compiled_access = access.case_access_or_404(user, which.reference)
            except access.CaseNotFound:
                continue
            orm_access = access.case_access_or_404(_fresh(users[role]), which.reference)
            compiled, compiled_sql = _captured(lambda a=compiled_access: selectors.summary_parties(a))
            annotations = {**victim.second_report_annotations(which), **people.repeat_annotations()}
            orm, orm_sql = _captured(lambda a=orm_access, w=annotations: selectors.case_parties(a, **w))
            assert compiled_sql == orm_sql, role
            assert [_state(p) for p in compiled] == [_state(p) for p in orm], role
            assert all(p.case is compiled_access.case for p in compiled)  # as the related manager sets it
            # shared with the page's other sections like case_parties' own reading
            assert selectors.case_parties(compiled_access) is compiled
    # the answers the comparison rests on
    read = {p.person_id: p for p in selectors.summary_parties(access.case_access_or_404(officer, case.reference))}
    maria = case.parties.get(role=PartyRole.VICTIM)
    assert read[maria.person_id].cw_other_reports == 1 and read[maria.person_id].cw_told_id is not None
    assert read[maria.person_id].cw_has_duplicates and read[maria.person_id].cw_repeat_cases == 2
    assert read[maria.person_id].person.vulnerability.details == "Hearing"
    assert selectors._SUMMARY_PARTIES._plan("default", ("summary",), tuple(_summary_fields())) is not None


def _summary_fields():
    from casework.models import Case

    opened = Case._meta.get_field("opened_at")
    return [CaseParty._meta.get_field("case"), opened, opened, opened]


def _my_work_world(case, officer, housing_user, barnet_homes, council):
    type(case).objects.filter(pk=case.pk).update(officer=officer)  # the officer's own case
    if not case.shares.filter(agency=barnet_homes, revoked_at__isnull=True).exists():
        services.share_case(
            case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer
        )
    services.record_risk_assessment(case=case, by=officer, answers={"isolated": True}, repeat_victimisation_count=0)
    CaseSchedule.objects.filter(case=case).update(  # a victim contact and a review due (victim.my_work_sections)
        next_contact_due_at=timezone.now() - timedelta(days=1), next_review_due=timezone.localdate() + timedelta(2)
    )
    today = timezone.localdate()
    for n, (agency, owner, days) in enumerate(
        [(council, officer, 3), (council, None, -1), (barnet_homes, housing_user, 2), (barnet_homes, None, 0)] * 2
    ):
        services.add_action(
            case=case, by=officer, description=f"Visit <{n}>", owner_agency=agency, owner=owner,
            due_date=today + timedelta(days=days),
        )  # fmt: skip


def _both(monkeypatch, user, read):
    """(what, statements) of read(user) compiled, then through the ORM's path; each with the user freshly loaded."""
    fresh = _fresh(user)
    compiled = _captured(lambda: read(fresh), now_as="T")
    fresh = _fresh(user)
    with monkeypatch.context() as patched:
        patched.setattr(access, "visibility_shape", lambda user: None)
        orm = _captured(lambda: read(fresh), now_as="T")
    return compiled, orm


def test_my_work_is_the_orms_for_every_role(world, monkeypatch, case, officer, housing_user, barnet_homes, council):
    _my_work_world(case, officer, housing_user, barnet_homes, council)
    users, _ = world
    today = timezone.localdate()
    until = today + timedelta(days=2)
    answers = {}
    for role, user in users.items():
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            continue  # My work asks you to sign in first
        (compiled, compiled_sql), (orm, orm_sql) = _both(
            monkeypatch, user, lambda u: selectors.my_work(user=u, today=today)
        )
        assert compiled_sql == orm_sql, role
        for name in ("my_cases", "my_actions", "agency_actions", "recently_shared"):
            assert [_state(r) for r in getattr(compiled, name)] == [_state(r) for r in getattr(orm, name)], (role, name)
        assert compiled.overdue_count == orm.overdue_count
        (due, due_sql), (orm_due, orm_due_sql) = _both(monkeypatch, user, lambda u: victim._my_due_schedules(u, until))
        assert due_sql == orm_due_sql and [_state(s) for s in due] == [_state(s) for s in orm_due], role
        answers[role] = (compiled, due)
    # the answers the comparison rests on
    work = {role: found[0] for role, found in answers.items()}
    assert case.pk in [c.pk for c in work["lead officer"].my_cases]
    assert len(work["lead officer"].my_actions) == 2 and len(work["lead officer"].agency_actions) == 2
    assert len(work["partner shared"].my_actions) == 2 and len(work["partner shared"].recently_shared) == 1
    assert work["partner revoked"].my_actions == [] and work["no groups"].my_cases == []
    assert [s.case_id for s in answers["lead officer"][1]] == [case.pk] and answers["partner shared"][1] == []


def _page(client, path):
    html = client.get(path).content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', r'\1=""', html)


@pytest.mark.parametrize("who", ["officer", "housing_user", "manager"])
def test_the_summary_and_my_work_pages_are_the_same_either_way(
    request, client, monkeypatch, who, case, ward, officer, police_user, housing_user, barnet_homes, council
):
    _summary_world(case, ward, officer, police_user)
    _my_work_world(case, officer, housing_user, barnet_homes, council)
    client.force_login(request.getfixturevalue(who))
    paths = ["/", f"/cases/{case.reference}/"]
    compiled = [_page(client, path) for path in paths]
    monkeypatch.setattr(access, "visibility_shape", lambda user: None)
    orm_parties = selectors.case_parties

    def summary_parties(case_access):
        annotations = {**victim.second_report_annotations(case_access.case), **people.repeat_annotations()}
        return orm_parties(case_access, **annotations)

    monkeypatch.setattr(selectors, "summary_parties", summary_parties)
    assert [_page(client, path) for path in paths] == compiled
    assert "Visit &lt;" in compiled[0] and f"{case.reference}</li>" in compiled[1]
    assert (f"Contact the victim: {case.reference}" in compiled[0]) is (who == "officer")

"""The case lookup and "may the user ... this case?" checks compiled once per shape (casework.access, issue 23) give
what the ORM path gives, for every role: the same case or 404, the same flags and annotations, the same statement."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from casework import access, roles, selectors, services
from casework.access import cases as lookup
from casework.models import Case, LegalBasis
from tests.factories import CaseFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Case._meta.concrete_fields]
SUMMARY = ("cw_incidents", "cw_parties", "cw_risk_id", "cw_risk_level", "cw_pending_closure_id")
HOLDS = ("cw_holds_view_case", "cw_holds_change_case", "cw_holds_view_case_sensitive")
RELATED = ("ward", "lead_agency", "officer", "address")


def _fresh(user):
    """The user as a new request loads it: nothing cached on the object."""
    return type(user).objects.get(pk=user.pk) if user.pk else user


def _compiled(user, reference, also):
    with CaptureQueriesContext(connection) as queries:
        try:
            case = access.get_visible_case(user, reference, also=also)
        except access.CaseNotFound:
            case = None
    return case, [q["sql"] for q in queries.captured_queries]


def _orm(user, reference, also):
    with CaptureQueriesContext(connection) as queries:
        case = lookup._orm_visible_case(user, reference, also)
    return case, [q["sql"] for q in queries.captured_queries]


def _same_case(compiled, orm, also):
    if orm is None:
        assert compiled is None
        return
    assert compiled is not None and type(compiled) is type(orm)
    assert [getattr(compiled, f) for f in FIELDS] == [getattr(orm, f) for f in FIELDS]
    for name in HOLDS + (SUMMARY if also else ()):
        assert getattr(compiled, name) == getattr(orm, name), name
        assert type(getattr(compiled, name)) is type(getattr(orm, name)), name
    for name in RELATED + (("schedule",) if also else ()):
        assert Case._meta.get_field(name).is_cached(compiled), name
        mine, theirs = getattr(compiled, name, None), getattr(orm, name, None)
        assert mine == theirs, name
        if theirs is not None:
            assert mine.__dict__.keys() == theirs.__dict__.keys()
            assert [v for k, v in mine.__dict__.items() if k != "_state"] == [
                v for k, v in theirs.__dict__.items() if k != "_state"
            ]
    assert compiled._state.db == orm._state.db and compiled._state.adding is False


def _same_checks(user, case):
    """can_view, can_change and can_view_sensitive against the querysets they used to ask."""
    orm_view = access.visible_cases(user).filter(pk=case.pk).exists()
    orm_change = access.changeable_cases(user).filter(pk=case.pk).exists()
    orm_sensitive = getattr(user, "is_authenticated", False) and (
        lookup._cases_with(user, access.SENSITIVE).filter(pk=case.pk).exists()
    )
    assert access.can_view(user, case) is orm_view
    assert access.can_change(user, case) is orm_change
    assert access.can_view_sensitive(user, case) is orm_sensitive
    return orm_view, orm_change, orm_sensitive


@pytest.fixture
def world(case, officer, housing_user, police_user, barnet_homes, police, manager, auditor, council, ward):
    """The case shared with Barnet Homes; another shared with the police and then revoked; one nobody shares."""
    services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="Tenancy", by=officer)
    revoked = CaseFactory(by=officer, ward=ward, title="Revoked")
    share = services.share_case(
        case=revoked, agency=police, legal_basis=LegalBasis.CDA_S115, purpose="Joint visit", by=officer
    )
    services.revoke_share(share=share, by=officer, reason="Visit done")
    private = CaseFactory(by=officer, ward=ward, title="Council only")
    direct = UserFactory()  # no agency: one case granted to the user directly
    assign_perm(access.VIEW, direct, private)
    member_direct = make_member(barnet_homes, roles.PARTNER_CASEWORKER)  # a group and a user-level permission
    assign_perm(access.VIEW, member_direct, private)
    assign_perm(access.CHANGE, member_direct, private)
    inactive = make_member(council, roles.ENFORCEMENT_OFFICER)
    type(inactive).objects.filter(pk=inactive.pk).update(is_active=False)
    inactive.refresh_from_db()
    users = {
        "lead officer": officer,
        "partner shared": housing_user,
        "partner revoked": police_user,
        "manager": manager,
        "auditor": auditor,
        "user-level only": direct,
        "member with user-level": member_direct,
        "no groups": UserFactory(),
        "inactive": inactive,
        "anonymous": AnonymousUser(),
    }
    return users, [case, revoked, private]


def test_every_role_gets_what_the_orm_gives(world):
    users, cases = world
    references = [c.reference for c in cases] + ["ASB-1999-00000"]
    seen = {}
    for role, user in users.items():
        for reference in references:
            for also in (None, selectors.with_summary):
                compiled, compiled_sql = _compiled(_fresh(user), reference, also)
                orm, orm_sql = _orm(_fresh(user), reference, also)
                _same_case(compiled, orm, also)
                # the same statement, run as often (no query at all for the anonymous and the inactive)
                assert compiled_sql == orm_sql, (role, reference)
                seen[role, reference] = None if orm is None else orm.cw_holds_change_case
        for case in cases:
            _same_checks(_fresh(user), case)
    case, revoked, private = cases
    # the answers the comparison rests on: found with its change flag, or None for a 404
    assert seen["lead officer", case.reference] is True and seen["partner shared", case.reference] is False
    assert seen["partner revoked", revoked.reference] is None and seen["partner shared", private.reference] is None
    assert seen["manager", private.reference] is True and seen["auditor", revoked.reference] is True  # the groups'
    assert seen["user-level only", private.reference] is False and seen["user-level only", case.reference] is None
    assert seen["member with user-level", private.reference] is True
    assert seen["member with user-level", case.reference] is False
    for role in ("inactive", "anonymous", "no groups"):
        assert all(seen[role, r] is None for r in references), role
    assert all(seen[role, "ASB-1999-00000"] is None for role in users)


def test_the_common_shapes_are_compiled_not_sent_back_to_the_orm(world):
    users, cases = world
    for role in ("lead officer", "partner shared", "manager", "user-level only", "member with user-level"):
        user = _fresh(users[role])
        group_ids, user_level = lookup._ids_of(user)
        for also in (None, selectors.with_summary):
            shape = (access.sees_all_cases(user), user_level, len(group_ids), also)
            fields = lookup._lookup_fields(len(group_ids), user_level, lookup._REFERENCE)
            assert lookup._CASE_LOOKUP._plan("default", shape, fields) is not None, role
        assert access.can_change(user, cases[2]) is (role in ("lead officer", "member with user-level"))
        shape = (access.CHANGE, False, user_level, len(group_ids))
        fields = lookup._lookup_fields(len(group_ids), user_level, Case._meta.pk)
        assert lookup._HELD._plan("default", shape, fields) is not None, role


def test_a_membership_or_share_changed_within_a_request_is_seen(world, barnet_homes, officer):
    users, (case, _, _) = world
    newcomer = UserFactory()
    with pytest.raises(access.CaseNotFound):
        access.get_visible_case(newcomer, case.reference)  # no groups yet: the ORM's empty answer
    services.add_member(user=newcomer, agency=barnet_homes, roles=(roles.PARTNER_CASEWORKER,))  # clears the caches
    found = access.get_visible_case(newcomer, case.reference, also=selectors.with_summary)
    assert found.pk == case.pk and found.cw_holds_view_case and not found.cw_holds_change_case
    assert access.can_view(newcomer, case) and not access.can_change(newcomer, case)
    share = case.shares.get(agency=barnet_homes, revoked_at__isnull=True)
    services.revoke_share(share=share, by=officer, reason="Done")  # the same user object, groups cached
    with pytest.raises(access.CaseNotFound):
        access.get_visible_case(newcomer, case.reference)
    assert not access.can_view(newcomer, case)


def test_an_also_that_captures_values_goes_through_the_orm(world):
    users, (case, _, _) = world
    officer = _fresh(users["lead officer"])
    marker = "closure"

    def also(cases):
        return cases.extra(select={"cw_marker": "%s"}, select_params=(marker,))

    assert not lookup._fixed(also)
    found = access.get_visible_case(officer, case.reference, also=also)
    assert found.cw_marker == "closure" and found.cw_holds_change_case


# Permission and group ids differ from one flushed database to the next: a plan compiled in the first run must
# still be right in the second (the SQL names permissions by codename and takes group ids as parameters).
_FIRST_RUN: dict = {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_plans_outlive_a_flushed_database(run, officer, housing_user, barnet_homes, ward):
    case = CaseFactory(by=officer, ward=ward)
    services.share_case(case=case, agency=barnet_homes, legal_basis=LegalBasis.CDA_S115, purpose="T", by=officer)
    ids = (Permission.objects.get(codename=access.VIEW).pk, barnet_homes.group_id, housing_user.pk)
    if run == 2 and _FIRST_RUN:
        assert ids != _FIRST_RUN["ids"]  # new rows after the flush
    _FIRST_RUN["ids"] = ids
    for user in (officer, housing_user):
        compiled, _ = _compiled(_fresh(user), case.reference, selectors.with_summary)
        orm, _ = _orm(_fresh(user), case.reference, selectors.with_summary)
        _same_case(compiled, orm, True)
        _same_checks(_fresh(user), case)
    assert access.get_visible_case(_fresh(housing_user), case.reference).cw_holds_view_case


def _page(client, path):
    html = client.get(path).content.decode()
    return re.sub(r'(nonce|value)="[^"]*"', r'\1=""', html)


@pytest.mark.parametrize("who", ["officer", "housing_user", "manager"])
def test_the_case_pages_are_the_same_either_way(request, client, world, monkeypatch, who):
    users, (case, _, _) = world
    client.force_login(request.getfixturevalue(who))
    paths = [f"/cases/{case.reference}/", f"/cases/{case.reference}/notes/", f"/cases/{case.reference}/parties/"]
    compiled = [_page(client, path) for path in paths]
    monkeypatch.setattr(lookup, "_compiles", lambda user, case_id=0: False)
    assert [_page(client, path) for path in paths] == compiled


# The summary's other reads compiled once per shape (open actions, the cases at the case's place, the agency's
# purposes): the rows the ORM query they replace gives.


def test_the_open_actions_shown_are_the_orms(case, officer, council, barnet_homes):
    from datetime import date, timedelta

    from django.db.models import F

    from casework.models import ActionStatus

    today = date(2026, 12, 7)
    actions = [
        services.add_action(
            case=case, by=officer, description=f"Visit <{n}>", owner_agency=agency, due_date=today + timedelta(days=d)
        )
        for n, (agency, d) in enumerate([(council, 3), (barnet_homes, 1), (council, 1), (council, -2)] * 2)
    ]
    services.set_action_status(action=actions[0], by=officer, status=ActionStatus.DONE)
    services.set_action_status(
        action=actions[2],
        by=officer,
        status=ActionStatus.CANCELLED,
        not_done_reason="not_possible",
        not_done_explanation="Moved away",
    )
    for limit in (5, 2, 10):
        orm = list(
            case.actions.exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
            .order_by("due_date", "id")
            .values("description", "due_date", owner_agency_name=F("owner_agency__name"))[:limit]
        )
        assert selectors.open_actions_shown(case, limit=limit) == orm
    assert selectors.open_actions_shown(CaseFactory(by=officer)) == []


def test_the_cases_at_a_place_are_the_orms(officer, ward):
    from casework import people
    from casework.models import Case
    from tests.factories import open_case_at, open_cases_at_one_address

    first, second = open_cases_at_one_address(by=officer, ward=ward)
    third = open_case_at(by=officer, ward=ward, line="2 Elm Row", postcode="N3 1LD")
    _, _, since = people.repeat_window()
    for cases in ([first], [first, third], [first, second, third]):
        places = [(c.pk, c.address.postcode, c.address.line1, c.address.uprn) for c in cases]
        postcodes = {people.normalise_postcode(p) for _, p, _, _ in places}
        orm = list(
            Case.objects.filter(address__postcode__in=postcodes, opened_at__gte=since).values_list(
                "pk", "address__postcode", "address__line1", "address__uprn"
            )
        )
        fields = [Case._meta.get_field("opened_at")] + [people.Address._meta.get_field("postcode")] * len(postcodes)
        assert people._CASES_AT_PLACES.rows(len(postcodes), fields, [since, *postcodes]) == orm
        assert people._CASES_AT_PLACES._plan("default", len(postcodes), tuple(fields)) is not None
    assert [f.label for f in people.repeat_flags_for_case(first, [])] == [people.REPEAT_LOCATION]


def test_the_purposes_in_force_are_the_orms(police, council, officer):
    from datetime import date

    from governance import selectors as governance
    from governance import services as governance_services
    from governance.models import AgencyPurpose, Regime

    for purpose, regime, on in [
        ("Investigating ASB", Regime.DPA_PART3, date(2025, 1, 1)),
        ("Investigating ASB", Regime.UK_GDPR, date(2026, 6, 1)),
        ("Licensing", Regime.UK_GDPR, date(2026, 1, 1)),
        ("Later", Regime.DPA_PART3, date(2027, 1, 1)),
    ]:
        governance_services.set_agency_purpose(
            agency=police, purpose=purpose, regime=regime, effective_from=on, by=officer
        )
    for agency, on in [
        (police, date(2026, 7, 1)),
        (police, date(2025, 6, 1)),
        (police, date(2020, 1, 1)),
        (council, date(2026, 7, 1)),
    ]:
        latest: dict = {}
        for row in AgencyPurpose.objects.filter(agency_id=agency.pk, effective_from__lte=on).order_by(
            "purpose", "-effective_from", "-pk"
        ):
            latest.setdefault(row.purpose, row)
        found = governance.purposes_in_force(agency_id=agency.pk, on=on)
        assert [(r.pk, r.purpose, r.regime, r.effective_from, r.agency_id) for r in found] == [
            (r.pk, r.purpose, r.regime, r.effective_from, r.agency_id) for r in latest.values()
        ]
    assert governance._PURPOSES._plan("default", ()) is not None

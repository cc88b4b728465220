"""common.compiled_sql: the per-request statements compiled once give what the ORM gives, in as many queries."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sessions
from accounts.backends import CaseworkModelBackend, _user_row
from audit.models import AccessAction, AccessLog, ChainHead
from audit.services import log_access
from casework import roles, safety, services
from casework.models import PartyRole
from common.compiled_sql import CompiledQuery
from common.permissions import load_groups
from notifications.services import notify
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
ANNOTATIONS = ("cw_has_device", "cw_two_factor_required", "cw_user_perms", "cw_case_user_perms", "cw_unread")


def _same_user(compiled, orm):
    assert type(compiled) is type(orm)
    for field in User._meta.concrete_fields:
        assert getattr(compiled, field.attname) == getattr(orm, field.attname), field.attname
    for name in (*ANNOTATIONS, "cw_agency_listed"):
        assert getattr(compiled, name) == getattr(orm, name), name
    membership = getattr(orm, "membership", None) if hasattr(orm, "membership") else None
    if membership is None:
        assert not hasattr(compiled, "membership")
    else:
        assert compiled.membership.pk == membership.pk
        assert compiled.membership.agency == membership.agency
        assert compiled.membership.agency.name == membership.agency.name
    assert compiled._state.db == orm._state.db and compiled._state.adding is False


def test_the_user_row_is_the_orms_in_every_state(officer, housing_user, barnet_homes, settings):
    case = CaseFactory(by=officer)
    party = services.add_party(
        case=case,
        by=officer,
        role=PartyRole.VICTIM,
        person=services.create_person(by=officer, first_name="Ann", last_name="Lee", phone="07700 900123"),
    )
    safety.add_do_not_disclose(party=party, by=officer, reason="Fled", withheld_from_agency=barnet_homes)
    TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    notify(event="case_shared", users=[housing_user], message="Shared with you", email=False)
    loner = UserFactory()
    boss = UserFactory(is_superuser=True)
    manager = UserFactory(membership=(officer.membership.agency, roles.COMMUNITY_SAFETY_MANAGER))
    backend = CaseworkModelBackend()
    for relaxed in (True, False):
        settings.SECURITY = {**settings.SECURITY, "TWO_FACTOR_RELAXED": relaxed}
        for user in (officer, housing_user, loner, boss, manager):
            with CaptureQueriesContext(connection) as queries:
                compiled = backend.get_user(user.pk)
            assert len(queries) == 1
            _same_user(compiled, _user_row(user.pk).first())
        assert backend.get_user(manager.pk).cw_two_factor_required is not relaxed
    assert backend.get_user(housing_user.pk).cw_agency_listed is True
    assert backend.get_user(housing_user.pk).cw_unread == 1
    assert backend.get_user(officer.pk).cw_has_device is True
    assert backend.get_user(-5) is None
    User.objects.filter(pk=loner.pk).update(is_active=False)
    assert backend.get_user(loner.pk) is None


def test_the_groups_are_the_orms(officer, manager):
    for user in (officer, manager, UserFactory()):
        fresh = User(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            load_groups(fresh)
        assert len(queries) == 1
        rows = Group.objects.filter(user=user).values_list(
            "id", "permissions__content_type__app_label", "permissions__codename"
        )
        # the same groups, each once; neither query orders them, so PostgreSQL may return them in any order
        assert len(fresh._case_group_ids) == len(set(fresh._case_group_ids))
        assert sorted(fresh._case_group_ids) == sorted({r[0] for r in rows})
        assert fresh._group_perm_cache == {f"{a}.{c}" for _, a, c in rows if c is not None}


def test_the_session_store_reads_a_live_session_and_refuses_an_expired_one():
    store = sessions.SessionStore()
    store["x"] = 1
    store.create()
    key = store.session_key
    with CaptureQueriesContext(connection) as queries:
        loaded = sessions.SessionStore(key)
        assert loaded.load() == {"x": 1}
    assert len(queries) == 1
    assert loaded.stored_expiry == Session.objects.get(pk=key).expire_date
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = sessions.SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None and expired.stored_expiry is None
    unknown = sessions.SessionStore("nosuchsessionkey0000000000000000")
    assert unknown.load() == {} and unknown.session_key is None


def test_the_access_log_keeps_its_chain(officer):
    for n in range(3):
        log_access(user=officer, agency="Council", action=AccessAction.VIEW, object_type="case", object_id=n)
    rows = list(AccessLog.objects.order_by("id"))
    for previous, row in zip(rows, rows[1:], strict=False):
        assert row.prev_hash == previous.hash
    assert ChainHead.objects.get(log="access").last_hash == rows[-1].hash


def test_a_placeholder_not_found_once_falls_back_to_the_orm(officer):
    # the placeholder also appears as a literal: the compiled parameters cannot say which is the user's
    twice = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk) | User.objects.filter(pk=pk),
        lambda: [User._meta.pk],
        [-2_147_480_001],
    )
    assert [u.pk for u in twice.rows(officer.pk)] == [officer.pk]
    assert twice._plan("default", ()) is None
    flat = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk).values_list("pk", flat=True), lambda: [User._meta.pk], [-1]
    )
    assert flat.rows(officer.pk) == [officer.pk]
    assert flat._plan("default", ()) is None


def test_the_layouts_links_are_reversed_once_and_the_same(client, officer):
    from django.urls import reverse

    client.force_login(officer)
    for _ in range(2):  # the second page reads them from the per-process cache
        page = client.get(reverse("casework:case_list")).content.decode()
        for name in ("notifications:list", "password_change", "api_tokens:index", "two_factor"):
            assert f'class="app-header__account-link" href="{reverse(name)}"' in page
        assert f'method="post" action="{reverse("logout")}"' in page
        assert f'class="govuk-service-navigation__link" href="{reverse("casework:case_list")}"' in page
    # a prefix set for a request is part of the cache's key: the links follow it
    from django.urls import set_script_prefix

    set_script_prefix("/casework/")
    try:
        from casework.context_processors import _hrefs

        assert _hrefs()[1]["logout"].startswith("/casework/")
    finally:
        set_script_prefix("/")


def test_a_shaped_query_swaps_every_place_a_value_appears(officer, manager):
    from common.compiled_sql import ShapedQuery

    pk = User._meta.pk
    either = ShapedQuery(
        lambda shape, a, b: User.objects.filter(pk=a) | User.objects.filter(pk=b) | User.objects.filter(pk=a)
    )
    assert sorted(u.pk for u in either.rows("or", [pk, pk], [officer.pk, manager.pk])) == sorted(
        [officer.pk, manager.pk]
    )
    assert either._plan("default", "or", (pk, pk)).slots == [(0, 2), (1,)]
    held = ShapedQuery(lambda shape, a: User.objects.filter(pk=a, is_active=shape), exists=True)
    assert held.rows(True, [pk], [officer.pk]) is True and held.rows(False, [pk], [officer.pk]) is False
    assert held._plan("default", True, (pk,)) is not None


def test_a_shaped_query_whose_sql_a_value_changes_goes_through_the_orm(officer):
    from common.compiled_sql import ShapedQuery

    pk = User._meta.pk
    # the two sets of stand-ins build different SQL: the value is not only a parameter
    odd = ShapedQuery(
        lambda shape, a: User.objects.filter(pk=a) if (a // 100_000) % 2 else User.objects.filter(pk=a, is_active=True)
    )
    assert [u.pk for u in odd.rows((), [pk], [officer.pk])] == [officer.pk]
    assert odd._plan("default", (), (pk,)) is None
    # no values at all, or an empty list: the ORM answers (without a query for the empty list)
    empty = ShapedQuery(lambda shape, *ids: User.objects.filter(pk__in=ids))
    assert empty.rows(0, [], []) == [] and empty._plan("default", 0, ()) is None
    # a value that reaches no parameter
    unused = ShapedQuery(lambda shape, a: User.objects.filter(pk=officer.pk))
    assert [u.pk for u in unused.rows((), [pk], [-1])] == [officer.pk]
    assert unused._plan("default", (), (pk,)) is None

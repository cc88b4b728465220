"""Case visibility: the heart of the one answer to "may this user see or change this?" (casework.access).

Views, exports, search, the API, reports and admin all ask here. Case visibility comes from
django-guardian object permissions held by the user's agency group (or the user), stored in the
direct foreign-key tables so the filter is an integer join. Community safety managers and auditors
hold `casework.view_all_cases` and read every case, never change one. Records that hang off a case are
visible exactly when their case is.
"""

from collections.abc import Callable, Sequence
from types import FunctionType

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.db.models.expressions import Combinable
from django.http import Http404

from casework.models import Agency, Case, CaseGroupObjectPermission, CaseUserObjectPermission, Membership
from common.compiled_sql import ShapedQuery
from common.permissions import has_permission, load_groups
from common.prepared import prepared_statements


class CaseNotFound(Http404):
    """The 404 of a case the user may not see (or that does not exist): casework.refusals logs it."""

    def __init__(self, reference: str = ""):
        super().__init__("No case found")
        self.reference = reference


_REFERENCE = Case._meta.get_field("reference")

VIEW = "view_case"
CHANGE = "change_case"
SENSITIVE = "view_case_sensitive"


def agency_of(user) -> Agency | None:
    """The user's agency, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_agency_cache"):
        membership = Membership.objects.select_related("agency").filter(user_id=user.pk).first()
        user._agency_cache = membership.agency if membership else None
    return user._agency_cache


def agency_name(user) -> str:
    """The user's agency as the audit logs name it ("" for none)."""
    agency = agency_of(user)
    return str(agency) if agency else ""


def group_ids_of(user) -> list[int]:
    """The user's group ids, cached on the user object for the request (services.add_member clears it)."""
    if not hasattr(user, "_case_group_ids"):
        load_groups(user)  # with the groups' model permissions: one query for both
    return user._case_group_ids


def holds_user_level_case_permissions(user) -> bool:
    """Whether any case permission is granted to the user directly (rare); cached for the request."""
    if not hasattr(user, "_case_user_perms"):
        user._case_user_perms = CaseUserObjectPermission.objects.filter(user_id=user.pk).exists()
    return user._case_user_perms


def sees_all_cases(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and has_permission(user, "casework.view_all_cases")
    )


def holds_on_case(user, codename: str, case_id: OuterRef | str = "pk") -> Q | Combinable:
    """Whether the user's groups (or, rarely, the user) hold `codename` on the case whose id is `case_id`: an
    EXISTS correlated to the outer row, for filtering cases (`"pk"`) or rows hanging off a case (`"case_id"`).

    Shaped for PostgreSQL's planner (measured in docs/performance.md): the permission is a scalar
    subquery and the groups literal ids, so the planner knows how many cases the groups hold (their
    statistics) and the EXISTS becomes a semi-join: an index walk for a page, a merge over the
    (group, permission, case) index for a capped count, one index-only probe for a single case. An OR with a
    second EXISTS would prevent that, so the user-level branch is only added for users who hold any
    user-level case permission at all (rare: the services grant permissions to agency groups).
    """
    group_ids = group_ids_of(user)
    return _holds(codename, case_id, group_ids, user.pk if holds_user_level_case_permissions(user) else None)


def _holds(codename: str, case_id: OuterRef | str, group_ids: Sequence[int], by_user: int | None) -> Q | Combinable:
    """holds_on_case for these group ids and, when `by_user` is a user id, that user's own permissions."""
    from django.contrib.auth.models import Permission
    from django.db.models import Subquery

    outer = OuterRef(case_id) if isinstance(case_id, str) else case_id
    permission = Subquery(
        Permission.objects.filter(codename=codename, content_type__app_label="casework").order_by().values("pk")[:1]
    )
    visible: Q | Combinable = Exists(
        CaseGroupObjectPermission.objects.filter(content_object=outer, group_id__in=group_ids, permission=permission)
    )
    if by_user is not None:
        by_user_rows = CaseUserObjectPermission.objects.filter(
            content_object=outer, user_id=by_user, permission=permission
        )
        visible |= Exists(by_user_rows)
    return visible


def visible_count(user, *, ward_id=None, statuses=()) -> int | None:
    """How many cases the user may see in a ward (any ward if None) with one of `statuses` (any if empty), from the
    maintained per-group counts (casework/list_counts.py): one small read at any number of cases. None when the
    counts cannot answer exactly: a user who sees every case or holds user-level permissions, or whose groups more
    than one of hold such cases (a case seen through two groups would count twice); ask the capped count then."""
    from django.db.models import Count, Sum

    from ..models import CaseListCount

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if sees_all_cases(user) or holds_user_level_case_permissions(user):
        return None
    rows = CaseListCount.objects.filter(group_id__in=group_ids_of(user), cases__gt=0)
    if ward_id is not None:
        rows = rows.filter(ward_id=ward_id)
    if statuses:
        rows = rows.filter(status__in=list(statuses))
    found = rows.aggregate(cases=Sum("cases"), groups=Count("group_id", distinct=True))
    if found["groups"] > 1:
        return None
    return found["cases"] or 0


def _cases_with(user, codename: str) -> QuerySet[Case]:
    """Cases on which the user's groups (or, rarely, the user) hold `codename`."""
    return Case.objects.filter(holds_on_case(user, codename))


def visible_cases(user) -> QuerySet[Case]:
    """Every case this user may see; the base of every list, search, count and export."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if sees_all_cases(user):
        return Case.objects.all()
    return _cases_with(user, VIEW)


def visibility_shape(user) -> tuple[tuple, list[int], list] | None:
    """For a query on the cases a user may see compiled once per shape (common.compiled_sql.ShapedQuery): the shape
    (sees every case, holds user-level permissions, how many groups), the values (group ids, then the user's id when
    user-level) and the fields they are compared with. Asked in visible_cases' order (the same queries, if any);
    None for a user the ORM's path answers (anonymous, inactive)."""
    if not _compiles(user):
        return None
    if sees_all_cases(user):
        return (True, False, 0), [], []
    group_ids, user_level = _ids_of(user)
    values = [*group_ids, *([user.pk] if user_level else [])]
    return (False, user_level, len(group_ids)), values, _lookup_fields(len(group_ids), user_level, None)[1:]


def shaped_visible_cases(shape: tuple, ids: Sequence[int]) -> QuerySet[Case]:
    """visible_cases(user) for a visibility_shape and its values: the same queryset, built from them."""
    sees_all, user_level, groups = shape
    if sees_all:
        return Case.objects.all()
    return Case.objects.filter(_holds(VIEW, "pk", *_split(tuple(ids), groups, user_level)))


def may_change_cases(user) -> bool:
    """Read-only roles (managers, auditors) never change a case, even one their agency leads."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and has_permission(user, "casework.change_case")
    )


def changeable_cases(user) -> QuerySet[Case]:
    if user is None or not may_change_cases(user):
        return Case.objects.none()
    return _cases_with(user, CHANGE)


def _case_of(obj) -> Case:
    if isinstance(obj, Case):
        return obj
    case = getattr(obj, "case", None)
    if case is None:
        raise TypeError(f"{type(obj).__name__} does not hang off a case")
    return case


def can_view(user, obj) -> bool:
    case = _case_of(obj)
    if _compiles(user, case.pk):
        return _holds_case(user, VIEW, case.pk, sees_all=sees_all_cases(user))
    return visible_cases(user).filter(pk=case.pk).exists()


def can_change(user, obj) -> bool:
    case = _case_of(obj)
    if user is not None and may_change_cases(user) and _compiles(user, case.pk):
        return _holds_case(user, CHANGE, case.pk)
    return changeable_cases(user).filter(pk=case.pk).exists()


def can_view_sensitive(user, obj) -> bool:
    """Anonymous parties' identities: the lead agency only (it holds view_case_sensitive)."""
    case = _case_of(obj)
    if not getattr(user, "is_authenticated", False):
        return False
    if _compiles(user, case.pk):
        return _holds_case(user, SENSITIVE, case.pk)
    return _cases_with(user, SENSITIVE).filter(pk=case.pk).exists()


# The case lookup and the "may the user ... this case?" checks run on every case page and every change: their SQL
# is compiled once per thread and shape (common.compiled_sql.ShapedQuery), then run with the request's reference
# or case id, group ids and user id, the same statement the ORM builds (issue 23; building and compiling the four
# permission EXISTS was about half of a case page's CPU). A shape is everything Python-side the SQL depends on:
# whether the user sees every case, holds user-level case permissions, how many groups, and `also`. Which cases a
# group holds, and which permission a codename is, the SQL reads when it runs: nothing of the database is kept.
# tests/casework/test_compiled_case_lookup.py checks it gives what the ORM gives, for every role.


def _compiles(user, case_id=0) -> bool:
    """Signed-in, active users asking about a saved case take the compiled path; everyone else the ORM's."""
    return case_id is not None and bool(getattr(user, "is_authenticated", False)) and user.is_active


def _ids_of(user) -> tuple[list[int], bool]:
    """The user's group ids (each once, as the ORM's IN list has them) and whether they hold user-level ones."""
    return list(dict.fromkeys(group_ids_of(user))), holds_user_level_case_permissions(user)


def _split(ids: tuple, groups: int, user_level: bool) -> tuple[list[int], int | None]:
    return list(ids[:groups]), (ids[groups] if user_level else None)


def _lookup_fields(groups: int, user_level: bool, first) -> list:
    return [
        first,
        *[CaseGroupObjectPermission._meta.get_field("group")] * groups,
        *([CaseUserObjectPermission._meta.get_field("user")] if user_level else []),
    ]


def _held_query(shape: tuple, case_id: int, *ids: int) -> QuerySet[Case]:
    codename, sees_all, user_level, groups = shape
    if sees_all:
        return Case.objects.filter(pk=case_id)
    return Case.objects.filter(_holds(codename, "pk", *_split(ids, groups, user_level))).filter(pk=case_id)


_HELD = ShapedQuery(_held_query, exists=True)


def _holds_case(user, codename: str, case_id: int, *, sees_all: bool = False) -> bool:
    """Whether `codename` is held on the case (any case, for `sees_all`): what _cases_with(...).exists() says."""
    if sees_all:
        return _HELD.rows((codename, True, False, 0), [Case._meta.pk], [case_id])
    group_ids, user_level = _ids_of(user)
    shape = (codename, False, user_level, len(group_ids))
    values = [case_id, *group_ids, *([user.pk] if user_level else [])]
    return _HELD.rows(shape, _lookup_fields(len(group_ids), user_level, Case._meta.pk), values)


def _visible_case_query(shape: tuple, reference: str, *ids: int) -> QuerySet[Case]:
    """What get_visible_case's ORM path runs (`.first()`), for a signed-in active user of this shape."""
    sees_all, user_level, groups, also = shape
    group_ids, by_user = _split(ids, groups, user_level)
    cases = Case.objects.all() if sees_all else Case.objects.filter(_holds(VIEW, "pk", group_ids, by_user))
    cases = cases.select_related("ward", "lead_agency", "officer", "address").filter(reference=reference)
    if also is not None:
        cases = also(cases)
    cases = cases.annotate(
        **{
            f"cw_holds_{codename}": ExpressionWrapper(
                _holds(codename, "pk", group_ids, by_user), output_field=BooleanField()
            )
            for codename in (VIEW, CHANGE, SENSITIVE)
        }
    )
    return (cases if cases.ordered else cases.order_by("pk"))[:1]


_CASE_LOOKUP = ShapedQuery(_visible_case_query)


def _fixed(also) -> bool:
    """`also` may be part of a shape when it is a plain function that captures nothing: the same SQL every call."""
    return also is None or (isinstance(also, FunctionType) and also.__closure__ is None)


def get_visible_case(user, reference: str, *, also: Callable[[QuerySet[Case]], QuerySet[Case]] | None = None) -> Case:
    """The case if the user may see it; 404 otherwise, so outsiders cannot tell it exists.

    `also` adds what a page reads of the case (annotations, one-to-one relations) to the same query; it can only
    add to what is read, never widen which case is found (the visibility filter is applied first). It must add the
    same SQL on every call (no dates, no request values): the query is compiled once per shape."""
    if _compiles(user) and _fixed(also):
        sees_all = sees_all_cases(user)  # asked first, as the ORM path asks (the same queries in the same order)
        group_ids, user_level = _ids_of(user)
        shape = (sees_all, user_level, len(group_ids), also)
        values = [reference, *group_ids, *([user.pk] if user_level else [])]
        found = _CASE_LOOKUP.rows(shape, _lookup_fields(len(group_ids), user_level, _REFERENCE), values)
        case = found[0] if found else None
    else:
        case = _orm_visible_case(user, reference, also)
    if case is None:
        raise CaseNotFound(reference)
    return case


def _orm_visible_case(user, reference: str, also) -> Case | None:
    cases = visible_cases(user).select_related("ward", "lead_agency", "officer", "address").filter(reference=reference)
    if also is not None:
        cases = also(cases)
    if getattr(user, "is_authenticated", False):
        # what the user holds on the case comes with it (CaseAccess reads these): one query, not two (issue 23)
        cases = cases.annotate(
            **{
                f"cw_holds_{codename}": ExpressionWrapper(holds_on_case(user, codename), output_field=BooleanField())
                for codename in (VIEW, CHANGE, SENSITIVE)
            }
        )
    with prepared_statements():  # one case by its unique reference: the same plan whoever asks
        return cases.first()


class CaseAccess:
    """What one user may do on one case, worked out once per request."""

    def __init__(self, user, case: Case):
        self.user = user
        self.case = case
        codenames = set()
        if hasattr(case, f"cw_holds_{VIEW}"):  # loaded with the case by get_visible_case
            codenames = {codename for codename in (VIEW, CHANGE, SENSITIVE) if getattr(case, f"cw_holds_{codename}")}
        elif getattr(user, "is_authenticated", False):
            group_ids = group_ids_of(user)
            codenames |= set(
                CaseGroupObjectPermission.objects.filter(content_object=case, group_id__in=group_ids).values_list(
                    "permission__codename", flat=True
                )
            )
            if holds_user_level_case_permissions(user):  # rare; known from the user row (accounts.backends)
                codenames |= set(
                    CaseUserObjectPermission.objects.filter(content_object=case, user_id=user.pk).values_list(
                        "permission__codename", flat=True
                    )
                )
        self.can_view = VIEW in codenames or sees_all_cases(user)
        self.can_change = CHANGE in codenames and may_change_cases(user)
        self.can_view_sensitive = SENSITIVE in codenames
        agency = agency_of(user)
        self.is_lead = agency is not None and agency.pk == case.lead_agency_id
        self._parties: tuple[list, set[str]] | None = None  # the case's parties, read once (selectors.case_parties)

    @property
    def withheld_people(self) -> frozenset[int]:
        """People whose address and contact details are withheld from this user (do-not-disclose lists)."""
        from .disclosure import protected_from

        return protected_from(self.user)

    @property
    def location_withheld(self) -> bool:
        """The case's location is the home of a person on it who listed this user's agency: show "Withheld"."""
        if not hasattr(self, "_location_withheld"):
            from .disclosure import withheld_locations

            self._location_withheld = self.case.pk in withheld_locations(self.user, [self.case])
        return self._location_withheld


def case_access_or_404(
    user,
    reference: str,
    *,
    change: bool = False,
    lead: bool = False,
    also: Callable[[QuerySet[Case]], QuerySet[Case]] | None = None,
) -> CaseAccess:
    """Resolve a case for a view: 404 for anyone who may not see it, 403 for a reader who tries to write.

    `lead=True` is for what only the lead agency decides: the case's details, status and who it is shared with.
    """
    case = get_visible_case(user, reference, also=also)
    access = CaseAccess(user, case)
    if not access.can_view:
        raise CaseNotFound(reference)
    if (change or lead) and not access.can_change:
        raise PermissionDenied("You can read this case but not change it")
    if lead and not access.is_lead:
        raise PermissionDenied("Only the lead agency can do this")
    return access

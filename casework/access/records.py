"""Who may see and change records that may have no case: a street fixed penalty, a borough-wide PSPO, a
Community Trigger application. Such a record belongs to an owner agency: its members see and change it, and
partnership-wide readers see every one. A record with a case follows its case."""

from typing import Any

from django.db.models import Q, QuerySet

from .cases import agency_of, can_change, sees_all_cases, visible_cases


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def through_case(user, path: str = "case") -> Q:
    """Records (whose case is not optional) on a case the user may see, `path` leading to the case.

    Partnership-wide readers see every case, so they get no condition at all: `case_id IN (SELECT id FROM
    casework_case)` selects the same rows, but PostgreSQL hashes every case id to check it (a full index
    scan per query at a million cases), and the dashboard asks sixteen such questions (eight per period).
    """
    if sees_all_cases(user):
        return Q()
    return Q(**{f"{path}__in": visible_cases(user)})


def case_or_owner(user, owner: str = "owner_agency") -> Q:
    """Records that may have a case: through the case, else through the owner agency."""
    if not _active(user):
        return Q(pk__in=[])
    if sees_all_cases(user):
        return Q()  # every case, and every record without one (see through_case)
    rule = Q(case__in=visible_cases(user))
    agency = agency_of(user)
    if agency is not None:
        rule |= Q(case__isnull=True, **{owner: agency})
    return rule


def held_by_agency(user, queryset: QuerySet, owner: str = "owner_agency") -> QuerySet:
    """Records that always belong to an agency (never to a case): the user's agency's, or all for
    partnership-wide readers; none for anyone without an agency."""
    if not _active(user):
        return queryset.none()
    if sees_all_cases(user):
        return queryset
    agency = agency_of(user)
    if agency is None:
        return queryset.none()
    return queryset.filter(**{owner: agency})


def may_change_record(user, record: Any) -> bool:
    """A case-linked record changes with its case; one without a case only by its owner agency's members."""
    case_id = getattr(record, "case_id", None)
    if case_id:
        return can_change(user, record.case)
    owner = getattr(record, "owner_agency_id", None)
    agency = agency_of(user)
    return owner is not None and agency is not None and agency.pk == owner

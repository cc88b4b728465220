"""Who may see or merge a person: a person is visible through the cases that name them.

A person is visible to a user exactly when a case the user may see names them as a party and the user may see
that party's identity there (an anonymous party's identity is the lead agency's alone). So matching proposals,
the person page and the repeat flags' case lists never show anyone the user could not already find on a case.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from casework.models import Case, CaseParty, Person
from common.permissions import has_permission

from .cases import SENSITIVE, VIEW, _cases_with, changeable_cases, holds_on_case, sees_all_cases


def sensitive_cases(user):
    """Cases on which the user may see anonymous parties' identities (the lead agency's)."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    return _cases_with(user, SENSITIVE)


def identified_parties(user) -> QuerySet[CaseParty]:
    """Party links whose identity the user may see: on a visible case, and not anonymous unless the user's
    agency may see anonymous identities on that case."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return CaseParty.objects.none()
    # Correlated EXISTS probes on the party's case (one index lookup each), not "case IN (every visible or
    # sensitive case)": inside the OR that was a hashed list of every sensitive case, which the planner costed
    # so high that matching at 2M people fell back to sorting the whole person table (docs/people-and-places.md).
    visible = Q() if sees_all_cases(user) else holds_on_case(user, VIEW, "case_id")
    return CaseParty.objects.filter(visible, Q(is_anonymous=False) | holds_on_case(user, SENSITIVE, "case_id"))


def visible_people(user) -> QuerySet[Person]:
    """People the user may see: named (identity visible) on at least one case the user may see."""
    links = identified_parties(user).filter(person=OuterRef("pk"))
    return Person.objects.filter(Exists(links))


def may_merge_people(user, *people: Person) -> bool:
    """Merging rewrites every case naming the people, so the user must be able to change each of those cases and
    see who the person is on each (docs/people-and-places.md): in practice the lead agency's officers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not has_permission(user, "casework.merge_person"):
        return False
    links = CaseParty.objects.filter(person__in=[p.pk for p in people])
    if not links.exists():
        return False
    changeable = changeable_cases(user)
    if links.exclude(case__in=changeable).exists():
        return False
    return not links.filter(is_anonymous=True).exclude(case__in=sensitive_cases(user)).exists()

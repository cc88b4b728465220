"""Do-not-disclose: whose address and contact details must not reach this user, or this person.

A victim's do-not-disclose list (casework.models.DoNotDisclose) names people (such as an ex-partner) and agencies.
Users of a listed agency see the victim's name where they may see it, but "Withheld" for the address and contact
details, everywhere: the same withholding anonymity uses (`selectors.PartyView`), extended from "identity" to
"details". Documents addressed to a listed person leave them out (casework.withholding). Asked here only.
"""

from collections.abc import Iterable

from casework.models import DoNotDisclose

from .cases import agency_of


def _open():
    return DoNotDisclose.objects.filter(ended_at__isnull=True)


def protected_from(user) -> frozenset[int]:
    """Ids of the people whose address and contact details are withheld from the user's agency (cached on the
    user for the request; one indexed query, usually answering nothing)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_withheld_people"):
        agency = agency_of(user)
        ids = _open().filter(withheld_from_agency=agency).values_list("person_id", flat=True) if agency else []
        user._withheld_people = frozenset(ids)
    return user._withheld_people


def details_withheld(user, person_id: int | None) -> bool:
    return person_id is not None and person_id in protected_from(user)


def protected_from_people(person_ids: Iterable[int | None]) -> frozenset[int]:
    """Ids of the people whose details must never appear in a document addressed to any of these people."""
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return frozenset()
    return frozenset(_open().filter(withheld_from_person__in=wanted).values_list("person_id", flat=True))

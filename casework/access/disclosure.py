"""Do-not-disclose: whose address and contact details must not reach this user, or this person.

A victim's do-not-disclose list (casework.models.DoNotDisclose) names people (such as an ex-partner) and agencies.
Users of a listed agency see the victim's name where they may see it, but "Withheld" for the address and contact
details, everywhere: the same withholding anonymity uses (`selectors.PartyView`), extended from "identity" to
"details". The case's own location is withheld too when it is her home (`withheld_locations`). Documents
addressed to a listed person leave them out (casework.withholding). Asked here only.
"""

import re
from collections.abc import Iterable

from casework.models import Case, CaseParty, DoNotDisclose
from casework.places import normalise_postcode

from .cases import agency_of

_NOT_WORDS = re.compile(r"[^a-z0-9]+")


def _open():
    return DoNotDisclose.objects.filter(ended_at__isnull=True)


def _place_key(postcode: str, line1: str) -> tuple[str, str]:
    """One home however it was typed: the postcode's canonical form and the first line in lower-case words."""
    return normalise_postcode(postcode or ""), " ".join(_NOT_WORDS.sub(" ", (line1 or "").casefold()).split())


def _load(user) -> None:
    """One indexed query for the user's request: who listed the user's agency, and where they live."""
    agency = agency_of(user)
    rows = (
        list(
            _open()
            .filter(withheld_from_agency=agency)
            .values_list("person_id", "person__address_id", "person__address__postcode", "person__address__line1")
        )
        if agency
        else []
    )
    user._withheld_people = frozenset(row[0] for row in rows)
    user._withheld_homes = tuple(
        (person_id, address_id, _place_key(postcode, line1))
        for person_id, address_id, postcode, line1 in rows
        if address_id
    )


def protected_from(user) -> frozenset[int]:
    """Ids of the people whose address and contact details are withheld from the user's agency (cached on the
    user for the request; one indexed query, usually answering nothing)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_withheld_people"):
        _load(user)
    return user._withheld_people


def withheld_locations(user, cases: Iterable[Case]) -> frozenset[int]:
    """Ids of these cases whose location is the home of a person on the case who listed the user's agency: the same
    address row, or the same postcode and first line. Reads `case.address` (select it with the cases); no query
    unless a case is at such a home, then one for the page (is she on the case?)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_withheld_homes"):
        _load(user)
    homes = user._withheld_homes
    if not homes:
        return frozenset()
    candidates: dict[int, set[int]] = {}
    for case in cases:
        address = case.address
        if address is None:
            continue
        key = _place_key(address.postcode, address.line1)
        people = {pk for pk, address_id, home in homes if address_id == case.address_id or (home[1] and home == key)}
        if people:
            candidates[case.pk] = people
    if not candidates:
        return frozenset()
    on_case = CaseParty.objects.filter(
        case_id__in=list(candidates), person_id__in=set().union(*candidates.values())
    ).values_list("case_id", "person_id")
    withheld: dict[int, set[int]] = {}
    for case_id, person_id in on_case:
        if person_id in candidates[case_id]:
            withheld.setdefault(case_id, set()).add(person_id)
    from casework.withholding import log_withheld

    for case_id, people in withheld.items():
        log_withheld(user, where="case location", person_ids=people, case_id=case_id)
    return frozenset(withheld)


def withheld_homes(user) -> tuple[frozenset[int], frozenset[str]]:
    """The address rows and postcodes of the homes of people who listed the user's agency. A search by address must
    not find a case there: the hit alone would tell the agency where she lives. Whole postcodes, so a retyped first
    line cannot slip through (the agency still finds such cases by reference or name)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset(), frozenset()
    if not hasattr(user, "_withheld_homes"):
        _load(user)
    homes = user._withheld_homes
    return frozenset(address_id for _, address_id, _ in homes), frozenset(key[0] for _, _, key in homes if key[0])


def details_withheld(user, person_id: int | None) -> bool:
    return person_id is not None and person_id in protected_from(user)


def protected_from_people(person_ids: Iterable[int | None]) -> frozenset[int]:
    """Ids of the people whose details must never appear in a document addressed to any of these people."""
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return frozenset()
    return frozenset(_open().filter(withheld_from_person__in=wanted).values_list("person_id", flat=True))

"""The person and place index: matching a name to people already known, merging duplicates, repeat flags.

Reads (the `propose_matches`, `person_cases`, `place_cases` and `repeat_flags_for` selectors) are filtered
through casework.access: a person is only ever proposed or shown to a user who may already see them named on a
case. Writes (`merge_people`, `unmerge_people`) are services: one transaction, history with the acting user,
an access-log row per person. Design and permissions: docs/people-and-places.md.
"""

import difflib
import itertools
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Count, FloatField, IntegerField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from common import history
from common.compiled_sql import ShapedQuery
from common.dates import add_months

from . import access, safety
from .errors import NotAllowed
from .models import Address, Case, CaseParty, CaseStatus, PartyRole, Person, PersonMerge
from .places import normalise_postcode

#: Said after a merge when both records had a safe contact (casework.safety.move_on_merge keeps the survivor's).
SAFE_CONTACT_KEPT = (
    "Both records had a safe contact: this record's was kept. Check it is still right; the other comes back "
    "if the merge is undone."
)
#: How many proposals the add-party form shows at most.
PROPOSAL_LIMIT = 5
_NOT_LETTERS = re.compile(r"[^a-z0-9 ]+")
_NOT_DIGITS = re.compile(r"\D+")
# Full names are ranked by their trigram similarity; candidates come from the surname indexes of migrations
# 0008_person_index and 0018_person_surname_trigram_sets, whose expressions the queries use verbatim.
_NAME_KEY = "lower(casework_person.first_name || ' ' || casework_person.last_name)"
_SURNAME = "lower(casework_person.last_name)"
# Surnames with fewer trigrams than this (one word of 3 letters or fewer) have their own partial trigram index
# (migration 0017 writes the 5 in its predicate); longer ones are found through their trigram sets.
_SHORT_SURNAME_TRIGRAMS = 5
# Beyond this many "k of these trigrams" combinations (a long surname typed) the trigram index is used alone: it
# already asks for enough shared trigrams to be selective.
_MAX_TRIGRAM_COMBINATIONS = 20


def normalise_name(text: str) -> str:
    """Lower case, letters and digits only, single spaces: "O'Brien-Smith,  Mary" -> "obriensmith mary"."""
    return " ".join(_NOT_LETTERS.sub("", (text or "").casefold().replace("-", " ")).split())


def _digits(phone: str) -> str:
    return _NOT_DIGITS.sub("", phone or "")


# --- matching ---------------------------------------------------------------------------------------------


@dataclass
class PersonMatch:
    """A person the user may already know, why they were proposed, and on how many visible cases."""

    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    cases: int = 0
    details_withheld: bool = False  # the person's do-not-disclose list names the user's agency

    @property
    def label(self) -> str:
        details = [f"born {self.person.date_of_birth:%-d %B %Y}"] if self.person.date_of_birth else []
        if self.person.address_id and not self.details_withheld:
            details.append(self.person.address.postcode)
        details.append(f"on {self.cases} case{'s' if self.cases != 1 else ''} you can see")
        return f"{self.person} ({', '.join(details)}): {', '.join(self.reasons)}"


def split_name(full_name: str) -> tuple[str, str]:
    """A name typed in one box (a Case Review applicant) as (first names, surname): the matcher compares surnames."""
    parts = full_name.split()
    if len(parts) < 2:
        return "", full_name.strip()
    return " ".join(parts[:-1]), parts[-1]


def propose_matches(
    *,
    user,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    postcode: str = "",
    phone: str = "",
    email: str = "",
    limit: int = PROPOSAL_LIMIT,
) -> list[PersonMatch]:
    """Likely existing matches for a person being entered, best first; only people the user may see.

    PostgreSQL: names that spell alike (pg_trgm similarity, GIN index) or sound alike (fuzzystrmatch dmetaphone of
    the surname with the same first initial), or the same email; ranked by name similarity plus agreement on
    date of birth, postcode, phone and email. SQLite (development): surname prefix with first initial, same
    email or date of birth, ranked in Python.
    """
    name = normalise_name(f"{first_name} {last_name}")
    if not name or not last_name.strip():
        return []
    wanted = _Wanted(
        name=name,
        first=normalise_name(first_name),
        last=normalise_name(last_name),
        date_of_birth=date_of_birth,
        postcode=normalise_postcode(postcode) if postcode.strip() else "",
        phone=_digits(phone),
        email=email.strip().lower(),
    )
    people = access.visible_people(user).filter(merged_into__isnull=True).select_related("address")
    if connection.vendor == "postgresql":
        found = _postgres_candidates(people, wanted, limit)
    else:
        found = _simple_candidates(people, wanted, limit)
    counts = dict(
        access.identified_parties(user)
        .filter(person__in=[m.person.pk for m in found])
        .values_list("person")
        .annotate(n=Count("case", distinct=True))
    )
    for match in found:
        match.cases = counts.get(match.person.pk, 0)
        if access.details_withheld(user, match.person.pk):
            # no postcode, and no "same phone" to confirm a number the user typed (do-not-disclose)
            match.details_withheld = True
            match.reasons = [r for r in match.reasons if r not in _DETAIL_REASONS]
    return found


_DETAIL_REASONS = {"same postcode", "same phone", "same email"}


@dataclass
class _Wanted:
    name: str
    first: str
    last: str
    date_of_birth: date | None
    postcode: str
    phone: str
    email: str


def _reasons(person: Person, wanted: _Wanted, name_score: float) -> tuple[float, list[str]]:
    """Score = name similarity (0..1) plus 0.3 for each identifier that agrees."""
    reasons = ["same name" if normalise_name(str(person)) == wanted.name else "similar name"]
    score = name_score
    if wanted.date_of_birth and person.date_of_birth == wanted.date_of_birth:
        reasons.append("same date of birth")
        score += 0.3
    if wanted.postcode and person.address_id and normalise_postcode(person.address.postcode) == wanted.postcode:
        reasons.append("same postcode")
        score += 0.3
    if wanted.phone and _digits(person.phone) == wanted.phone:
        reasons.append("same phone")
        score += 0.3
    if wanted.email and person.email.lower() == wanted.email:
        reasons.append("same email")
        score += 0.3
    return score, reasons


def _shared_trigram_sets(trigrams: list[str], threshold: float) -> list[tuple[str, ...]] | None:
    """The trigram sets of which a surname of 5 or more trigrams must hold one to be `threshold`-similar to a surname
    with these trigrams, when that asks more than the trigram index does; None when it does not.

    similarity = s / (q + n - s), for s shared trigrams and q, n the two surnames' trigram counts (pg_trgm). With
    n >= 5 it reaches the threshold t only if s * (1 + t) >= t * (q + 5). The trigram GIN index asks only
    s >= t * q: for "yabe" (5 trigrams) two, so it returns every "Ya..." surname and the recheck reads them all.
    """
    q = len(trigrams)
    shared = max(1, math.ceil(threshold * (q + _SHORT_SURNAME_TRIGRAMS) / (1 + threshold) - 1e-6))
    if shared > q:
        return []  # no surname of 5 or more trigrams is similar enough
    if shared <= math.ceil(threshold * q - 1e-6) or math.comb(q, shared) > _MAX_TRIGRAM_COMBINATIONS:
        return None
    return list(itertools.combinations(sorted(trigrams), shared))


def _tsquery(trigrams: tuple[str, ...]) -> str:
    """("  y", " ya", "yab") as the tsquery "'  y' & ' ya' & 'yab'"."""

    def lexeme(trigram: str) -> str:
        return "'" + trigram.replace("\\", "\\\\").replace("'", "''") + "'"

    return " & ".join(lexeme(t) for t in trigrams)


def _similar_surname(wanted: _Wanted) -> tuple[str, list]:
    """The condition "the surname is trigram-similar to the one typed" (pg_trgm's `%`, at the connection's
    threshold), written so that each branch is answered by an index of migration 0008 or 0017."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm(%s), current_setting('pg_trgm.similarity_threshold')::float8", [wanted.last])
        trigrams, threshold = cursor.fetchone()
    trigram_sets = _shared_trigram_sets(trigrams, threshold)
    if trigram_sets is None:
        return f"{_SURNAME} %% %s", [wanted.last]
    # The same people as `%`: short surnames by their own index, the others among those holding enough of the
    # trigrams typed (exact, no recheck), then the similarity itself (`similarity() >= t` is what `%` computes;
    # written out so that the planner cannot answer this branch from the whole trigram index instead).
    sql = f"(cardinality(show_trgm({_SURNAME})) < {_SHORT_SURNAME_TRIGRAMS} AND {_SURNAME} %% %s)"
    params: list = [wanted.last]
    if trigram_sets:
        # one index condition per set (a BitmapOr): at 2M people twice as fast as one tsquery "(a & b & c) | ..."
        holds = " OR ".join([f"array_to_tsvector(show_trgm({_SURNAME})) @@ %s::tsquery"] * len(trigram_sets))
        sql += f" OR (({holds}) AND similarity({_SURNAME}, %s)::float8 >= %s)"
        params += [*(_tsquery(trigrams) for trigrams in trigram_sets), wanted.last, threshold]
    return f"({sql})", params


def _postgres_candidates(people: QuerySet[Person], wanted: _Wanted, limit: int) -> list[PersonMatch]:
    # Each branch of the OR is answered by an index of migrations 0008 and 0017 (a BitmapOr), so the cost depends
    # on how many people look alike, not on how many people there are.
    surname_sql, surname_params = _similar_surname(wanted)
    where = [
        surname_sql,
        "(dmetaphone(casework_person.last_name) = dmetaphone(%s) AND lower(left(casework_person.first_name, 1)) = %s)",
    ]
    params: list = [*surname_params, wanted.last, wanted.first[:1]]
    if wanted.email:
        where.append("(casework_person.email <> '' AND lower(casework_person.email) = %s)")
        params.append(wanted.email)
    alike = RawSQL("(" + " OR ".join(where) + ")", params, output_field=BooleanField())
    similarity = RawSQL(f"similarity({_NAME_KEY}, %s)", [wanted.name], output_field=FloatField())
    bonus_sql, bonus_params = ["0"], []
    if wanted.date_of_birth:
        bonus_sql.append("CASE WHEN casework_person.date_of_birth = %s THEN 0.3 ELSE 0 END")
        bonus_params.append(wanted.date_of_birth)
    if wanted.postcode:
        bonus_sql.append(
            "CASE WHEN casework_person.address_id IN (SELECT id FROM casework_address WHERE postcode = %s) "
            "THEN 0.3 ELSE 0 END"
        )
        bonus_params.append(wanted.postcode)
    if wanted.phone:
        bonus_sql.append("CASE WHEN regexp_replace(casework_person.phone, '[^0-9]', '', 'g') = %s THEN 0.3 ELSE 0 END")
        bonus_params.append(wanted.phone)
    if wanted.email:
        bonus_sql.append("CASE WHEN lower(casework_person.email) = %s THEN 0.3 ELSE 0 END")
        bonus_params.append(wanted.email)
    bonus = RawSQL(" + ".join(bonus_sql), bonus_params, output_field=FloatField())
    rows = (
        people.filter(alike)
        .annotate(name_score=similarity, bonus=bonus)
        .order_by("-bonus", "-name_score", "pk")[: limit * 2]
    )
    matches = []
    for person in rows:
        score, reasons = _reasons(person, wanted, float(person.name_score))
        matches.append(PersonMatch(person=person, score=score, reasons=reasons))
    matches.sort(key=lambda m: (-m.score, m.person.pk))
    return matches[:limit]


def _simple_candidates(people: QuerySet[Person], wanted: _Wanted, limit: int) -> list[PersonMatch]:
    first_initial = wanted.first[:1]
    last_prefix = wanted.last.replace(" ", "")[:3]
    alike = Q(last_name__istartswith=last_prefix, first_name__istartswith=first_initial) | Q(
        last_name__iexact=wanted.last
    )
    if wanted.email:
        alike |= Q(email__iexact=wanted.email)
    if wanted.date_of_birth:
        alike |= Q(date_of_birth=wanted.date_of_birth, first_name__istartswith=first_initial)
    matches = []
    for person in people.filter(alike).order_by("pk")[:200]:
        name_score = difflib.SequenceMatcher(None, normalise_name(str(person)), wanted.name).ratio()
        score, reasons = _reasons(person, wanted, name_score)
        if name_score >= 0.6 or score >= 0.9:
            matches.append(PersonMatch(person=person, score=score, reasons=reasons))
    matches.sort(key=lambda m: (-m.score, m.person.pk))
    return matches[:limit]


# --- merging duplicates -------------------------------------------------------------------------------------


def _log_person(user, person: Person, action: str, details: dict, path: str = "") -> None:
    log_access(
        user=user,
        agency=access.agency_name(user),
        action=action,
        object_type=ObjectType.PERSON,
        object_id=person.pk,
        object_label=str(person),
        person_id=person.pk,
        details=details,
        path=path,
    )


@transaction.atomic
def merge_people(*, survivor: Person, duplicate: Person, by, reason: str) -> PersonMerge:
    """Merge `duplicate` into `survivor`: every case link, do-not-disclose entry and safe contact of the duplicate
    moves to the survivor (casework.safety.move_on_merge), the duplicate is marked merged (kept, so
    `unmerge_people` can restore it), and history and the access log say who did it."""
    if not reason.strip():
        raise NotAllowed("Say why these records are the same person.")
    if survivor.pk == duplicate.pk:
        raise NotAllowed("Choose two different people to merge.")
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    if survivor.merged_into_id or duplicate.merged_into_id:
        raise NotAllowed("One of these people has already been merged into someone else.")
    if not access.may_merge_people(by, survivor, duplicate):
        raise NotAllowed(
            "You can only merge people when you can change every case naming them and see who they are on each."
        )
    moved = []
    for party in CaseParty.objects.select_for_update().filter(person=duplicate).order_by("pk"):
        party.person = survivor
        history.attribute(party, by=by, reason=f"Person merged: {duplicate.pk} into {survivor.pk}")
        party.save(update_fields=["person"])
        moved.append(party.pk)
    moved_records = safety.move_on_merge(survivor=survivor, duplicate=duplicate, by=by)
    duplicate.merged_into = survivor
    history.attribute(duplicate, by=by, reason=f"Merged into person {survivor.pk}: {reason}")
    duplicate.save(update_fields=["merged_into"])
    merge = PersonMerge(
        survivor=survivor,
        duplicate=duplicate,
        moved_party_ids=moved,
        moved_records=moved_records,
        reason=reason,
        merged_by=by,
        merged_at=timezone.now(),
    )
    history.attribute(merge, by=by, reason="Duplicate person merged")
    merge.save()
    details = {
        "merge": merge.pk,
        "survivor": survivor.pk,
        "duplicate": duplicate.pk,
        "moved_parties": moved,
        "moved_records": moved_records,
    }
    _log_person(by, survivor, AccessAction.CHANGE, {"event": "person merged", **details})
    _log_person(by, duplicate, AccessAction.CHANGE, {"event": "person merged", **details})
    return merge


@transaction.atomic
def unmerge_people(*, merge: PersonMerge, by, reason: str) -> PersonMerge:
    """Undo a merge: the case links and safety records that moved go back to the duplicate, which is a person in
    its own right again. Links added to the survivor after the merge stay with it."""
    merge = PersonMerge.objects.select_for_update().select_related("survivor", "duplicate").get(pk=merge.pk)
    if merge.unmerged_at:
        raise NotAllowed("This merge has already been undone.")
    if not reason.strip():
        raise NotAllowed("Say why the merge is being undone.")
    survivor, duplicate = merge.survivor, merge.duplicate
    if not access.may_merge_people(by, survivor, duplicate):
        raise NotAllowed("You can only undo a merge when you can change every case naming the person.")
    restored = []
    for party in CaseParty.objects.select_for_update().filter(pk__in=merge.moved_party_ids, person=survivor):
        party.person = duplicate
        history.attribute(party, by=by, reason=f"Merge undone: back to person {duplicate.pk}")
        party.save(update_fields=["person"])
        restored.append(party.pk)
    safety.restore_on_unmerge(moved=merge.moved_records or {}, survivor=survivor, duplicate=duplicate, by=by)
    duplicate.merged_into = None
    history.attribute(duplicate, by=by, reason=f"Merge into person {survivor.pk} undone: {reason}")
    duplicate.save(update_fields=["merged_into"])
    merge.unmerged_by, merge.unmerged_at, merge.unmerge_reason = by, timezone.now(), reason
    history.attribute(merge, by=by, reason="Merge undone")
    merge.save(update_fields=["unmerged_by", "unmerged_at", "unmerge_reason"])
    details = {"merge": merge.pk, "survivor": survivor.pk, "duplicate": duplicate.pk, "restored_parties": restored}
    _log_person(by, survivor, AccessAction.CHANGE, {"event": "person unmerged", **details})
    _log_person(by, duplicate, AccessAction.CHANGE, {"event": "person unmerged", **details})
    return merge


# --- person and place pages ---------------------------------------------------------------------------------


@dataclass
class CaseLink:
    case: Case
    roles: list[str]


def visible_person(*, user, person_id: int) -> Person | None:
    return access.visible_people(user).select_related("address").filter(pk=person_id).first()


def person_cases(*, user, person: Person) -> list[CaseLink]:
    """The cases the user may see that name this person (identity visible to them), with the roles: 1 query."""
    parties = (
        access.identified_parties(user)
        .filter(person=person)
        .select_related("case", "case__ward", "case__lead_agency")
        .order_by("-case__opened_at", "case_id", "role")
    )
    links: dict[int, CaseLink] = {}
    for party in parties:
        link = links.setdefault(party.case_id, CaseLink(case=party.case, roles=[]))
        label = party.get_role_display()
        if label not in link.roles:
            link.roles.append(label)
    return list(links.values())


def person_merges(*, person: Person) -> list[PersonMerge]:
    return list(
        PersonMerge.objects.filter(Q(survivor=person) | Q(duplicate=person))
        .select_related("survivor", "duplicate", "merged_by", "unmerged_by")
        .order_by("-merged_at")
    )


def place_cases(*, user, postcode: str) -> list[Case]:
    """The cases the user may see at this postcode (their address), newest first; not those whose location is the
    home of a person on them who listed the user's agency (do-not-disclose: it would say where she lives)."""
    cases = list(
        access.visible_cases(user)
        .filter(address__postcode=normalise_postcode(postcode))
        .select_related("address", "ward", "lead_agency")
        .order_by("-opened_at", "-id")[:200]
    )
    withheld = access.withheld_locations(user, cases)
    return [case for case in cases if case.pk not in withheld]


def log_read(
    request, *, object_type: str, object_id, label: str, page: str, person_id: int | None = None, cases=()
) -> None:
    """A read of a person or place page, with the cases it listed (DPA 2018 s62 consultation)."""
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        object_label=label,
        person_id=person_id,
        details={"page": page, "cases": list(cases)},
        path=request.path,
    )


# --- repeat flags -------------------------------------------------------------------------------------------

REPEAT_ROLES = {PartyRole.VICTIM: "Repeat victim", PartyRole.PERSON_CAUSING_HARM: "Repeat perpetrator"}
REPEAT_LOCATION = "Repeat location"


@dataclass(frozen=True)
class RepeatFlag:
    """A person or place on several cases in the window. Counts every case of every agency, and shows only
    the number: never which cases, so a user learns nothing about cases they may not see."""

    label: str
    cases: int
    months: int

    def __str__(self) -> str:
        return f"{self.label} ({self.cases} cases in {self.months} months)"


def repeat_window() -> tuple[int, int, datetime]:
    """(months, minimum cases, start of the window) from settings.CASEWORK."""
    months = int(settings.CASEWORK.get("REPEAT_WINDOW_MONTHS", 12))
    minimum = int(settings.CASEWORK.get("REPEAT_MIN_CASES", 2))
    start = add_months(timezone.localdate(), -months)
    return months, minimum, timezone.make_aware(datetime.combine(start, time.min))


def _place_key(postcode: str, line1: str) -> tuple[str, str]:
    return normalise_postcode(postcode), normalise_name(line1)


def repeat_flags_for(
    case_ids: list[int], *, places: list[tuple[int, str, str, int | None]] | None = None
) -> dict[int, list[RepeatFlag]]:
    """Repeat victim / perpetrator / location flags for these cases, in 3 queries whatever their number (2 when the
    caller gives `places`, the cases' addresses as (case id, postcode, line 1, UPRN), read with the cases).

    A person counts the cases (opened in the window) naming them in that role; a place counts cases (opened in
    the window) at the same address: the same UPRN, or the same postcode and first line."""
    # each person named on these cases with how many cases in the window name them in that role (one query)
    links = (
        CaseParty.objects.filter(case_id__in=case_ids, role__in=list(REPEAT_ROLES), person__isnull=False)
        .annotate(**repeat_annotations())
        .values_list("case_id", "role", "cw_repeat_cases")
        .distinct()
    )
    best: dict[tuple[int, str], int] = {}
    for case_id, role, n in links if case_ids else []:
        best[(case_id, role)] = max(best.get((case_id, role), 0), n)
    if places is None:
        places = list(
            Case.objects.filter(pk__in=case_ids, address__isnull=False).values_list(
                "pk", "address__postcode", "address__line1", "address__uprn"
            )
        )
    return _assemble_flags(case_ids, best, places)


def repeat_annotations() -> dict:
    """For each party: on how many cases opened in the window its person has its role (repeat_flags_for's count),
    an annotation, so the case page reads it with its parties (casework.selectors.case_parties).

    Written as the SQL the ORM's Subquery(... OuterRef ...) would write, for any query on the party table: building
    and compiling it cost more CPU on every case page than running it (issue 23)."""
    _, _, since = repeat_window()
    return repeat_sql(since=since)


def repeat_sql(*, since: datetime) -> dict:
    """repeat_annotations for a window starting at `since` (the case page compiles it: selectors.summary_parties)."""
    party = f'"{CaseParty._meta.db_table}"'
    cases = RawSQL(
        f'SELECT COUNT(DISTINCT U0."case_id") FROM {party} U0 INNER JOIN "{Case._meta.db_table}" U1 '
        f'ON U0."case_id" = U1."id" WHERE U1."opened_at" >= %s AND U0."person_id" = {party}."person_id" '
        f'AND U0."role" = {party}."role"',
        (Case._meta.get_field("opened_at").get_db_prep_value(since, connection),),
        output_field=IntegerField(),
    )
    return {"cw_repeat_cases": cases}


def repeat_flags_for_case(case: Case, parties: list[CaseParty]) -> list[RepeatFlag]:
    """repeat_flags_for one case whose parties were read with repeat_annotations, and its address with it: one
    query, and only when the case has an address (the cases at the same place)."""
    best: dict[tuple[int, str], int] = {}
    for party in parties:
        if party.role in REPEAT_ROLES and party.person_id is not None:
            key = (case.pk, party.role)
            best[key] = max(best.get(key, 0), party.cw_repeat_cases)
    address = case.address if case.address_id else None
    places = [(case.pk, address.postcode, address.line1, address.uprn)] if address is not None else []
    return _assemble_flags([case.pk], best, places).get(case.pk, [])


def _cases_at_places(count: int, since: datetime, *postcodes: str) -> QuerySet[Case]:
    return Case.objects.filter(address__postcode__in=postcodes, opened_at__gte=since).values_list(
        "pk", "address__postcode", "address__line1", "address__uprn"
    )


# the cases at a page's places: compiled once per thread and number of postcodes (common.compiled_sql, issue 23)
_CASES_AT_PLACES = ShapedQuery(_cases_at_places)


def _assemble_flags(case_ids, best: dict[tuple[int, str], int], places: list) -> dict[int, list[RepeatFlag]]:
    """The flags from each case's highest count per role (`best`) and the cases' addresses (`places`)."""
    months, minimum, since = repeat_window()
    flags: dict[int, list[RepeatFlag]] = defaultdict(list)
    at_places = []
    if places:
        postcodes = list({normalise_postcode(p) for _, p, _, _ in places})
        fields = [Case._meta.get_field("opened_at"), *[Address._meta.get_field("postcode")] * len(postcodes)]
        at_places = _CASES_AT_PLACES.rows(len(postcodes), fields, [since, *postcodes])
    for case_id in case_ids:
        for role, label in REPEAT_ROLES.items():
            n = best.get((case_id, role), 0)
            if n >= minimum:
                flags[case_id].append(RepeatFlag(label, n, months))
    # each case at the places keyed once, not once per place asking (My work asks for up to 25 places)
    at_keys = [(other, u, _place_key(p, line)) for other, p, line, u in at_places]
    for case_id, postcode, line1, uprn in places:
        key = _place_key(postcode, line1)
        same = {other for other, u, other_key in at_keys if (uprn and u == uprn) or other_key == key}
        if len(same) >= minimum:
            flags[case_id].append(RepeatFlag(REPEAT_LOCATION, len(same), months))
    return dict(flags)


def person_repeat_flags(person: Person) -> list[RepeatFlag]:
    """The person's own flags (every role they hold on cases in the window): 1 query."""
    months, minimum, since = repeat_window()
    rows = (
        CaseParty.objects.filter(person=person, role__in=list(REPEAT_ROLES), case__opened_at__gte=since)
        .values_list("role")
        .annotate(n=Count("case_id", distinct=True))
        .order_by()
    )
    return [RepeatFlag(REPEAT_ROLES[role], n, months) for role, n in rows if n >= minimum]


def my_work_repeats(*, user, today: date, work=None) -> list:
    """ "My work": the repeat flags on the user's own open cases (casework registers it in apps.ready); the cases
    and their addresses are the ones the page read (`work.my_cases`), else read here the same way."""
    from .extensions import WorkItem, WorkSection

    if work is not None:
        cases = work.my_cases
    else:
        from .selectors import MY_WORK_CASES

        cases = list(
            access.visible_cases(user)
            .filter(officer=user)
            .exclude(status=CaseStatus.CLOSED)
            .select_related("address")
            .order_by("-opened_at")[:MY_WORK_CASES]
        )
    places = [
        (case.pk, case.address.postcode, case.address.line1, case.address.uprn)
        for case in cases
        if case.address_id is not None
    ]
    flags = repeat_flags_for([case.pk for case in cases], places=places)
    from .templatetags.my_work import link_to

    case_page = link_to("casework:case_detail")  # one reverse() for the list, not one per row
    items = [
        WorkItem(text=f"{case.reference}: {flag}", href=case_page(case.reference))
        for case in cases
        for flag in flags.get(case.pk, [])
    ]
    return [
        WorkSection(title="Repeats on my cases", items=items, empty="No repeat victims, perpetrators or locations.")
    ]


# --- the person index for other apps ------------------------------------------------------------------------


def cases_naming_same_person(*, case: Case, role: str) -> QuerySet[Case]:
    """Every case (of any agency) naming, in `role`, a person who holds that role on `case`: the same person
    once duplicates are merged. Not permission-filtered: callers count, they do not show (MARAC repeat)."""
    people_on_case = CaseParty.objects.filter(case=case, role=role, person__isnull=False).values("person")
    return Case.objects.filter(parties__role=role, parties__person__in=people_on_case).distinct()


def is_same_person(*, person: Person, name: str, email: str = "", phone: str = "", postcode: str = "") -> bool:
    """Whether details given on a form (a Case Review applicant) are this person: the same name, or a name
    that spells alike with an email, phone or postcode that agrees."""
    given = normalise_name(name)
    if not given:
        return False
    known = normalise_name(str(person))
    if given == known:
        return True
    if difflib.SequenceMatcher(None, given, known).ratio() < 0.75:
        return False
    agrees = [
        bool(email) and person.email.lower() == email.strip().lower(),
        bool(_digits(phone)) and _digits(person.phone) == _digits(phone),
        bool(postcode.strip())
        and person.address is not None
        and normalise_postcode(person.address.postcode) == normalise_postcode(postcode),
    ]
    return any(agrees)

"""The disclosure pack of a subject access request: the person's data across their cases, third parties redacted.

What the pack holds: the person's own record; for each case they are (or were) a party to, its summary,
their roles, incidents, actions and notes. Every other party is a third party: their names, phone numbers,
e-mail addresses and street address are replaced wherever they appear in free text, and they are listed only
by role. A party recorded as anonymous (a victim hiding from the person causing harm) is not even listed by
role, and is named "[withheld]". Redaction by known identifiers cannot catch every description of a third
party in free text, so the pack is marked for review before release.
"""

import re
from dataclasses import dataclass, field

from casework.models import Action, CaseParty, Incident, Note, Person

WITHHELD = "[withheld]"
THIRD_PARTY = "[third party]"


@dataclass
class Redactor:
    """Replace known identifiers of other people, longest first, whole words only, case-insensitively."""

    replacements: dict[str, str] = field(default_factory=dict)
    keep: set[str] = field(default_factory=set)  # the subject's own identifiers, never redacted
    count: int = 0

    def add(self, terms, replacement: str) -> None:
        for term in terms:
            term = (term or "").strip()
            if len(term) < 2 or term.lower() in self.keep:
                continue
            # Withholding wins over a plain third-party mark when the same word is both.
            if self.replacements.get(term.lower()) != WITHHELD:
                self.replacements[term.lower()] = replacement

    def __call__(self, text: str) -> str:
        if not text or not self.replacements:
            return text or ""
        terms = sorted(self.replacements, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?!\w)", re.IGNORECASE)

        def swap(match):
            self.count += 1
            return self.replacements[match.group(0).lower()]

        return pattern.sub(swap, text)


def _identifiers(person: Person) -> list[str]:
    terms = [f"{person.first_name} {person.last_name}", person.first_name, person.last_name, person.phone, person.email]
    if person.phone:
        terms.append(person.phone.replace(" ", ""))
    if person.address_id:
        terms += [person.address.line1, person.address.postcode]
    return terms


@dataclass
class PackCase:
    case: object
    roles: list[str]
    title: str
    description: str
    others: list[str]
    incidents: list[tuple]
    actions: list[tuple]
    notes: list[tuple]


@dataclass
class Pack:
    person: Person
    cases: list[PackCase]
    redactions: int


def build_pack(*, person: Person) -> Pack:
    """Everything the pack shows, already redacted; a handful of queries per case."""
    own = list(
        CaseParty.objects.filter(person=person).select_related("case", "case__lead_agency").order_by("case__opened_at")
    )
    subject_terms = {t.lower() for t in _identifiers(person) if t}
    redact = Redactor(keep=subject_terms)
    by_case: dict[int, list[CaseParty]] = {}
    for party in own:
        by_case.setdefault(party.case_id, []).append(party)
    cases = {party.case_id: party.case for party in own}
    all_parties = list(CaseParty.objects.filter(case_id__in=cases).select_related("person__address", "organisation"))
    for party in all_parties:
        if party.person_id == person.pk or party.person is None:
            continue
        redact.add(_identifiers(party.person), WITHHELD if party.is_anonymous else THIRD_PARTY)

    def reporter(incident) -> str:
        party = incident.reported_by
        if party is None:
            return ""
        if party.person_id == person.pk:
            return "You"
        return WITHHELD if party.is_anonymous else f"{THIRD_PARTY} ({party.get_role_display().lower()})"

    result = []
    for case_id, case in cases.items():
        others = []
        for party in all_parties:
            if party.case_id != case_id or party.person_id == person.pk or party.is_anonymous:
                continue
            if party.organisation_id:
                others.append(f"{party.organisation.name} ({party.get_role_display().lower()})")
            else:
                others.append(f"{THIRD_PARTY} ({party.get_role_display().lower()})")
        incidents = [
            (i.occurred_at, redact(i.description), reporter(i), str(i.reported_to))
            for i in Incident.objects.filter(case_id=case_id).select_related("reported_by", "reported_to")
        ]
        actions = [
            (a.due_date, redact(a.description), a.get_status_display(), str(a.owner_agency))
            for a in Action.objects.filter(case_id=case_id).select_related("owner_agency")
        ]
        notes = [
            (n.created_at, redact(n.text), str(n.author_agency or ""))
            for n in Note.objects.filter(case_id=case_id).select_related("author_agency")
        ]
        result.append(
            PackCase(
                case=case,
                roles=sorted({p.get_role_display() for p in by_case[case_id]}),
                title=redact(case.title),
                description=redact(case.description),
                others=others,
                incidents=incidents,
                actions=actions,
                notes=notes,
            )
        )
    return Pack(person=person, cases=result, redactions=redact.count)

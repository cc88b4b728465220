"""Reads for the auditor screens: who saw, changed, shared or exported what, by case, person, user or agency.

The audit app imports no domain app (design.md section 1). The few domain models the screens are keyed on
are named here by app label and looked up through the app registry inside functions; everything that
"hangs off" a case or a person is discovered from the history models' foreign keys, so the history of
notices, referrals and applications in other apps appears without audit knowing those apps.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from .exports import case_access_filter
from .history import HistoryEntry, historical_models, labelled_entries, relation_fields
from .models import AccessLog, Disclosure, VerificationRun
from .objects import ObjectType

CASE_MODEL = ("casework", "Case")
PERSON_MODEL = ("casework", "Person")
AGENCY_MODEL = ("casework", "Agency")
# The record that makes a person a party to a case (it has a foreign key to both).
PARTY_MODEL = ("casework", "CaseParty")


def _model(label: tuple[str, str]):
    return apps.get_model(*label)


@dataclass
class Subject:
    """What an auditor is looking at: a case, a person, a user or an agency."""

    kind: str
    pk: int
    key: Any  # what the URL carries: a case reference or an id
    label: str
    summary: list[tuple[str, Any]] = field(default_factory=list)
    exists: bool = True
    case_id: int | None = None
    person_id: int | None = None
    names: list[str] = field(default_factory=list)  # an agency's names over time, as written in the logs
    # A person who is anonymous on a case (or a case with such a party): the audit screens show who they are,
    # say so on the page, and log each view with anonymous_identity_shown (decision 0010).
    anonymous_identity: bool = False


ANONYMOUS_NOTE = (
    "Anonymous on the case pages",
    "Yes: other agencies see “Anonymous victim”. The identity is shown here for audit; your view is logged.",
)


def _user_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def case_subject(reference: str) -> Subject | None:
    """The case with this reference; a case that no longer exists is found through its history."""
    Case = _model(CASE_MODEL)
    # References are issued in capitals: an exact match on the capitalised input uses the unique index
    # (case-insensitive matching would read every case, and then every history row when there is none).
    reference = reference.strip().upper()
    case = Case._base_manager.select_related("lead_agency", "ward", "officer").filter(reference=reference)
    case = case.first()
    if case is not None:
        summary = [
            ("Title", case.title),
            ("Lead agency", str(case.lead_agency)),
            ("Ward", str(case.ward)),
            ("Status", case.get_status_display()),
            ("Opened", case.opened_at),
            ("Closed", case.closed_at),
        ]
        if case.anonymised_at:
            summary.append(("Anonymised", case.anonymised_at))
        anonymous = _model(PARTY_MODEL)._base_manager.filter(case_id=case.pk, is_anonymous=True).exists()
        if anonymous:
            summary.append(ANONYMOUS_NOTE)
        return Subject(
            "case", case.pk, case.reference, case.reference, summary, case_id=case.pk, anonymous_identity=anonymous
        )
    record = Case.history.filter(reference=reference).order_by("-history_date").first()
    if record is None:
        return None
    summary = [("Title", record.title), ("Record", "The case no longer exists; its history remains")]
    return Subject("case", record.id, record.reference, record.reference, summary, exists=False, case_id=record.id)


def person_subject(person_id: int) -> Subject | None:
    Person = _model(PERSON_MODEL)
    person = Person._base_manager.filter(pk=person_id).first()
    if person is not None:
        summary = [("Name", str(person)), ("Date of birth", person.date_of_birth), ("Record number", person.pk)]
        anonymous = _model(PARTY_MODEL)._base_manager.filter(person_id=person.pk, is_anonymous=True).exists()
        if anonymous:
            summary.append(ANONYMOUS_NOTE)
        label = f"{person} (person {person.pk})"
        return Subject(
            "person", person.pk, person.pk, label, summary, person_id=person.pk, anonymous_identity=anonymous
        )
    record = Person.history.filter(id=person_id).order_by("-history_date").first()
    if record is None:
        return None
    summary = [("Record", "The person's record no longer exists; its history remains")]
    return Subject("person", person_id, person_id, f"Person {person_id}", summary, exists=False, person_id=person_id)


def user_subject(user_id: int) -> Subject | None:
    user = get_user_model()._base_manager.filter(pk=user_id).first()
    if user is None:
        return None
    summary = [
        ("Username", user.get_username()),
        ("Name", user.get_full_name()),
        ("Account active", "Yes" if user.is_active else "No"),
        ("Last signed in", user.last_login),
    ]
    return Subject("user", user.pk, user.pk, _user_name(user), summary)


def agency_subject(agency_id: int) -> Subject | None:
    Agency = _model(AGENCY_MODEL)
    agency = Agency._base_manager.filter(pk=agency_id).first()
    if agency is None:
        return None
    names = set(Agency.history.filter(id=agency.pk).values_list("name", flat=True)) | {agency.name}
    summary = [("Name", agency.name), ("Short name", agency.short_name)]
    if len(names) > 1:
        summary.append(("Earlier names", ", ".join(sorted(names - {agency.name}))))
    return Subject("agency", agency.pk, agency.pk, agency.name, summary, names=sorted(names))


def find_people(text: str) -> QuerySet:
    """People whose record number, or first and/or last name, match what the auditor typed."""
    Person = _model(PERSON_MODEL)
    text = text.strip()
    people = Person._base_manager.order_by("last_name", "first_name", "id")
    if not text:
        return people.none()
    if text.isdigit():
        return people.filter(pk=int(text))
    match = Q()
    for part in text.split():
        match &= Q(first_name__icontains=part) | Q(last_name__icontains=part)
    return people.filter(match)


def find_users(text: str) -> QuerySet:
    User = get_user_model()
    text = text.strip()
    users = User._base_manager.order_by("username")
    if not text:
        return users
    match = Q()
    for part in text.split():
        match &= Q(username__icontains=part) | Q(first_name__icontains=part) | Q(last_name__icontains=part)
    return users.filter(match)


def all_agencies() -> QuerySet:
    return _model(AGENCY_MODEL)._base_manager.order_by("name")


def access_for(subject: Subject) -> QuerySet[AccessLog]:
    """Access-log rows about the subject (or, for a user or agency, made by them), newest first.

    For a person: reads of their record and of every case they are or were a party to.
    """
    rows = AccessLog.objects.order_by("-at", "-id")
    if subject.kind == "case":
        # Bulk exports are logged once against the user; the cases each contained are found in its case set.
        return rows.filter(case_access_filter([subject.pk]))
    if subject.kind == "person":
        # Who has seen this person's data: reads of their record, and reads of every case that names them
        # (case pages show parties), which is what a subject access request asks.
        return rows.filter(Q(person_id=subject.pk) | case_access_filter(_case_ids_of_person(subject.pk)))
    if subject.kind == "user":
        return rows.filter(user_id=subject.pk)
    return rows.filter(agency__in=subject.names)


def disclosures_for(subject: Subject) -> QuerySet[Disclosure]:
    """Shares, revokes, exports, erasures and signposts concerning the subject, newest first.

    For a person: the disclosures of every case they are or were a party to.
    """
    rows = Disclosure.objects.order_by("-at", "-id")
    if subject.kind == "case":
        return rows.filter(case_id=subject.pk)
    if subject.kind == "person":
        # and the signposts about them (no case: casework.signposting names agencies, not cases)
        return rows.filter(
            Q(case_id__in=list(_case_ids_of_person(subject.pk)))
            | Q(object_type=ObjectType.PERSON, object_id=str(subject.pk))
        )
    if subject.kind == "user":
        return rows.filter(user_id=subject.pk)
    return rows.filter(Q(from_agency__in=subject.names) | Q(to_agency__in=subject.names))


def _case_ids_of_person(person_id: int) -> set[int]:
    party_history = _model(PARTY_MODEL).history.model
    return set(party_history.objects.filter(person_id=person_id).values_list("case_id", flat=True))


def _label(history_model) -> str:
    name = str(history_model.instance_type._meta.verbose_name)
    return name[:1].upper() + name[1:]  # "CPN written warning" keeps its capitals


def _collect(sources) -> list[HistoryEntry]:
    return labelled_entries((_label(history_model), queryset) for history_model, queryset in sources)


def case_history(subject: Subject) -> list[HistoryEntry]:
    """The case's own history, every record hanging off it (in any app) and the people who are its parties.

    One query per history model, whatever the number of records.
    """
    Case = _model(CASE_MODEL)
    Person = _model(PERSON_MODEL)
    sources = [(Case.history.model, Case.history.filter(id=subject.pk))]
    person_fields: list[tuple[Any, Any]] = []
    for history_model in historical_models(existing_only=True):
        if history_model.instance_type is Case:
            continue
        to_case = relation_fields(history_model, Case)
        if not to_case:
            continue
        match = Q()
        for f in to_case:
            match |= Q(**{f.attname: subject.pk})
        queryset = history_model.objects.filter(match)
        sources.append((history_model, queryset))
        person_fields.extend((history_model, f) for f in relation_fields(history_model, Person))
    result = _collect(sources)
    person_ids = {
        getattr(entry.record, f.attname)
        for entry in result
        for model, f in person_fields
        if type(entry.record) is model and getattr(entry.record, f.attname) is not None
    }
    if person_ids:
        result.extend(_collect([(Person.history.model, Person.history.filter(id__in=person_ids))]))
    return newest_first(result)


def person_history(subject: Subject) -> list[HistoryEntry]:
    """The person's record and every record that points at them (case roles, notices served on them...)."""
    Person = _model(PERSON_MODEL)
    sources = [(Person.history.model, Person.history.filter(id=subject.pk))]
    for history_model in historical_models(existing_only=True):
        if history_model.instance_type is Person:
            continue
        for f in relation_fields(history_model, Person):
            sources.append((history_model, history_model.objects.filter(**{f.attname: subject.pk})))
    return newest_first(_collect(sources))


def newest_first(items: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(items, key=lambda e: (e.when, e.record.history_id), reverse=True)


@dataclass
class CaseRole:
    case: Any
    roles: list[str]
    current: bool


def cases_of_person(subject: Subject) -> list[CaseRole]:
    """The cases the person is, or was, a party to, with their roles; two queries."""
    Case = _model(CASE_MODEL)
    party_history = _model(PARTY_MODEL).history.model
    live = _model(PARTY_MODEL)._base_manager.filter(person_id=subject.pk)
    current = set(live.values_list("case_id", flat=True))
    roles: dict[int, set[str]] = {}
    for record in party_history.objects.filter(person_id=subject.pk).only("case_id", "role"):
        roles.setdefault(record.case_id, set()).add(record.get_role_display())
    cases = Case._base_manager.filter(pk__in=roles).select_related("lead_agency").order_by("-opened_at")
    return [CaseRole(case, sorted(roles[case.pk]), case.pk in current) for case in cases]


def verification_runs(limit: int = 20) -> list[VerificationRun]:
    """The latest verification runs, newest first, with who asked (one query)."""
    return list(VerificationRun.objects.select_related("requested_by").order_by("-requested_at", "-id")[:limit])

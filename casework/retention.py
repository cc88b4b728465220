"""Retention: closed cases past the retention period are anonymised, and the erasure itself is recorded.

domain.md (information governance): closed cases are reviewed after a set period (default 6 years after
closure, settings.CASEWORK["RETENTION_YEARS_AFTER_CLOSURE"]) and then deleted or anonymised, with the
deletion recorded. We anonymise rather than delete, so the partnership's statistics (category, ward,
agencies, dates, outcome) survive while the people do not. The history rows of the case are scrubbed
too, under an erasure permit held for the case's own transaction (docs/decisions/0003), and a tombstone
in the disclosure log says what was removed, by whom and under which policy. One transaction per case.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.functions import TruncYear
from django.utils import timezone
from simple_history.models import registered_models

from audit.models import DisclosureKind
from audit.objects import ObjectType
from audit.services import log_disclosure
from audit.triggers import erasure_permit
from common.dates import govuk_date

from . import access
from .errors import InvalidTransition, NotAllowed
from .models import Address, Case, CaseStatus, Person
from .services import save_with_history

DEFAULT_RETENTION_YEARS = 6
# Who may approve an erasure: the partnership-wide readers (community safety managers, information governance).
APPROVER_PERMISSION = "casework.view_all_cases"

ANONYMISED_CASE_TITLE = "Anonymised case"
# What replaces a person's identity and contact details.
PERSON_SCRUB: dict[str, Any] = {
    "first_name": "Anonymised",
    "last_name": "person",
    "date_of_birth": None,
    "phone": "",
    "email": "",
    "address": None,
}
# In records of other apps hanging off a case, short text fields whose names contain these words are removed.
IDENTIFYING_WORDS = ("name", "phone", "email", "address", "postcode")
# Free text and identifying values removed from the case and each kind of record hanging off it. Records of
# other apps that hang off a case get every free-text (TextField) value blanked and their files deleted.
SCRUB: dict[str, dict[str, Any]] = {
    "casework.Case": {
        "title": ANONYMISED_CASE_TITLE,
        "description": "",
        "location_description": "",
        "outcome_notes": "",
        "address": None,
    },
    "casework.CaseParty": {"notes": ""},
    "casework.Incident": {"description": "", "agency_reference": ""},
    "casework.RiskAssessment": {"notes": ""},
    "casework.Action": {"description": ""},
    "casework.Note": {"text": ""},
    "casework.Evidence": {"description": "", "original_name": "", "external_reference": "", "file": ""},
    "casework.CaseShare": {"purpose": "", "revoke_reason": ""},
}


def retention_years() -> int:
    return int(settings.CASEWORK.get("RETENTION_YEARS_AFTER_CLOSURE", DEFAULT_RETENTION_YEARS))


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    """Cases closed before this moment are past the retention period."""
    return _years_before(now or timezone.now(), retention_years())


def cases_past_retention(*, now: datetime | None = None) -> QuerySet[Case]:
    """Closed, not yet anonymised cases whose retention period has ended, oldest closure first."""
    return (
        Case.objects.filter(
            status=CaseStatus.CLOSED, closed_at__lt=retention_cutoff(now=now), anonymised_at__isnull=True
        )
        .select_related("lead_agency")
        .order_by("closed_at", "id")
    )


@dataclass
class ErasureSummary:
    """What an anonymisation removed; it becomes the details of the tombstone."""

    reference: str
    persons_anonymised: int = 0
    persons_detached: int = 0  # also parties to cases still kept: this case now points at a placeholder
    addresses_anonymised: int = 0
    records_blanked: dict[str, int] = field(default_factory=dict)
    history_rows_scrubbed: int = 0
    evidence_files_deleted: int = 0

    def as_details(self) -> dict:
        details = asdict(self)
        details.pop("reference")
        return details


def _tracked_models() -> list[type[models.Model]]:
    return [m for m in registered_models.values() if not m._meta.abstract]


def _relations(model, target) -> list[models.Field]:
    return [f for f in model._meta.fields if f.is_relation and f.related_model is target]


def _scrub_values(model) -> dict[str, Any]:
    """Field name -> replacement for one kind of record hanging off a case.

    Records of other apps get every free-text value blanked, names, phone numbers and e-mail addresses
    removed, dates of birth cut to the year (kept for the under-18 statistics) and files deleted.
    """
    configured = SCRUB.get(model._meta.label)
    if configured is not None:
        return dict(configured)
    values: dict[str, Any] = {}
    for f in model._meta.fields:
        if f.primary_key or f.is_relation or f.choices:
            continue
        name = f.name.lower()
        if isinstance(f, models.FileField):
            values[f.name] = ""
        elif isinstance(f, models.TextField):
            values[f.name] = None if f.null else ""
        elif isinstance(f, models.CharField) and any(word in name for word in IDENTIFYING_WORDS):
            values[f.name] = None if f.null else ""
        elif isinstance(f, models.DateField) and "birth" in name:
            values[f.name] = BirthYearOnly(f.name) if not f.null else None
    return values


class BirthYearOnly:
    """A date of birth that a NOT NULL column must keep: replaced by 1 January of the same year."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, value):
        return value.replace(month=1, day=1) if value else value


def _history_values(history_model, values: dict[str, Any]) -> dict[str, Any]:
    """The same replacements keyed for the history table (foreign keys by their column), as SQL can apply them."""
    result = {}
    for name, value in values.items():
        f = history_model._meta.get_field(name)
        result[f.attname] = TruncYear(f.attname, output_field=models.DateField()) if callable(value) else value
    return result


def require_approver(by) -> None:
    if not access.has_permission(by, APPROVER_PERMISSION):
        raise NotAllowed("Only a community safety manager or an information governance officer can approve an erasure.")


def anonymise_case(
    *, case: Case, by, policy: str, dry_run: bool = False, now: datetime | None = None
) -> ErasureSummary:
    """Anonymise one closed case past its retention period, its parties and its history; leave a tombstone.

    With dry_run the whole erasure runs and is then rolled back, so the summary is exactly what would happen.
    """
    require_approver(by)
    if not policy.strip():
        raise NotAllowed("Name the retention policy under which the case is being anonymised.")
    with transaction.atomic():
        summary = _anonymise(case=case, by=by, policy=policy.strip(), now=now or timezone.now())
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _anonymise(*, case: Case, by, policy: str, now: datetime) -> ErasureSummary:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_at is not None:
        raise InvalidTransition(f"Case {case.reference} was already anonymised on {govuk_date(case.anonymised_at)}.")
    if case.status != CaseStatus.CLOSED or case.closed_at is None or case.closed_at >= retention_cutoff(now=now):
        raise InvalidTransition(
            f"Case {case.reference} is not past its retention period: only cases closed more than "
            f"{retention_years()} years ago can be anonymised."
        )
    summary = ErasureSummary(reference=case.reference)
    reason = f"Anonymised under retention policy: {policy}"
    with erasure_permit(granted_by=by.get_username(), reason=f"{case.reference}: {policy}"):
        address_ids = set(Case.history.filter(id=case.pk).exclude(address_id=None).values_list("address_id", flat=True))
        _scrub_records(case, by, reason, summary)
        address_ids |= _scrub_people(case, by, reason, summary)
        _scrub_case(case, by, reason, now, summary)
        _scrub_addresses(address_ids, by, reason, summary)
    log_disclosure(
        user=by,
        kind=DisclosureKind.ERASURE,
        from_agency=str(access.agency_of(by) or ""),
        to_agency="",
        object_type=ObjectType.CASE,
        object_id=case.pk,
        object_label=case.reference,
        case_id=case.pk,
        legal_basis=policy,
        purpose=(
            f"Retention period ended: closed {govuk_date(timezone.localtime(case.closed_at))}, "
            f"kept {retention_years()} years after closure. Anonymised; statistics (category, ward, agencies, "
            "dates, status and outcome) kept."
        ),
        details={"approved_by": by.get_username(), "policy": policy, "removed": summary.as_details()},
    )
    return summary


def _case_owned_models() -> list[tuple[type[models.Model], list[models.Field]]]:
    return [
        (model, _relations(model, Case)) for model in _tracked_models() if model is not Case and _relations(model, Case)
    ]


def _scrub_records(case: Case, by, reason: str, summary: ErasureSummary) -> None:
    """Blank free text of every record hanging off the case (live and in history) and delete their files."""
    for model, case_fields in _case_owned_models():
        values = _scrub_values(model)
        if not values:
            continue
        match = models.Q()
        for f in case_fields:
            match |= models.Q(**{f.name: case})
        blanked = 0
        for record in model._base_manager.filter(match):
            for name, value in values.items():
                f = model._meta.get_field(name)
                if isinstance(f, models.FileField):
                    summary.evidence_files_deleted += _delete_file_on_commit(getattr(record, name))
                setattr(record, name, value(getattr(record, name)) if callable(value) else value)
            save_with_history(record, by, reason)
            blanked += 1
        if blanked:
            summary.records_blanked[model._meta.label] = blanked
        history = model.history.model
        history_match = models.Q()
        for f in case_fields:
            history_match |= models.Q(**{f.attname: case.pk})
        summary.history_rows_scrubbed += _scrub_history(
            history.objects.filter(history_match), **_history_values(history, values)
        )


def _scrub_history(queryset, **values) -> int:
    """Rewrite history rows under the erasure permit, then append new seals for the sealed ones
    (audit.seals), so the history chain vouches for the erased content and not the original."""
    from audit.seals import reseal

    ids = list(queryset.values_list("history_id", flat=True))
    count = queryset.model.objects.filter(history_id__in=ids).update(**values) if ids else 0
    reseal(queryset.model._meta.db_table, ids)
    return count


def _delete_file_on_commit(file) -> int:
    if not file:
        return 0
    storage, name = file.storage, file.name
    transaction.on_commit(lambda: storage.delete(name))
    return 1


def _scrub_people(case: Case, by, reason: str, summary: ErasureSummary) -> set[int]:
    """Anonymise the case's people, or detach those still needed by a kept case; returns their address ids."""
    links = [
        (model, person_f, case_f)
        for model in _tracked_models()
        for person_f in _relations(model, Person)
        for case_f in (_relations(model, Case) or [None])
    ]
    person_ids: set[int] = set()
    for model, person_f, case_f in links:
        if case_f is None:
            continue
        history = model.history.model.objects.filter(**{case_f.attname: case.pk})
        person_ids |= set(history.exclude(**{person_f.attname: None}).values_list(person_f.attname, flat=True))
        live = model._base_manager.filter(**{case_f.attname: case.pk}).exclude(**{person_f.attname: None})
        person_ids |= set(live.values_list(person_f.attname, flat=True))
    address_ids: set[int] = set()
    for person in Person.objects.filter(pk__in=person_ids).order_by("pk"):
        if _needed_elsewhere(person, case, links):
            _detach(person, case, by, links, summary)
            continue
        address_ids |= set(
            Person.history.filter(id=person.pk).exclude(address_id=None).values_list("address_id", flat=True)
        )
        for name, value in PERSON_SCRUB.items():
            setattr(person, name, value)
        save_with_history(person, by, reason)
        summary.history_rows_scrubbed += _scrub_history(
            Person.history.filter(id=person.pk), **_history_values(Person.history.model, PERSON_SCRUB)
        )
        summary.persons_anonymised += 1
    return address_ids


def _needed_elsewhere(person: Person, case: Case, links) -> bool:
    """True when a record outside this case (a kept case, or one with no case) still points at the person."""
    kept_cases = Case.objects.exclude(pk=case.pk).filter(anonymised_at__isnull=True)
    for model, person_f, case_f in links:
        rows = model._base_manager.filter(**{person_f.attname: person.pk})
        if case_f is None:
            if rows.exists():
                return True
        elif (
            rows.filter(**{f"{case_f.name}__in": kept_cases}).exists() or rows.filter(**{case_f.attname: None}).exists()
        ):
            return True
    return False


def _detach(person: Person, case: Case, by, links, summary: ErasureSummary) -> None:
    """Point this case's records at a placeholder person, so the kept person no longer appears on it."""
    placeholder = Person(**{k: v for k, v in PERSON_SCRUB.items()})
    save_with_history(placeholder, by, f"Placeholder for a person removed from {case.reference}")
    for model, person_f, case_f in links:
        if case_f is None:
            continue
        for record in model._base_manager.filter(**{case_f.attname: case.pk, person_f.attname: person.pk}):
            setattr(record, person_f.attname, placeholder.pk)
            save_with_history(record, by, f"Person removed under retention policy ({case.reference})")
        summary.history_rows_scrubbed += _scrub_history(
            model.history.model.objects.filter(**{case_f.attname: case.pk, person_f.attname: person.pk}),
            **{person_f.attname: placeholder.pk},
        )
    summary.persons_detached += 1


def _scrub_case(case: Case, by, reason: str, now: datetime, summary: ErasureSummary) -> None:
    values = SCRUB["casework.Case"]
    for name, value in values.items():
        setattr(case, name, value)
    case.anonymised_at = now
    case.version += 1
    save_with_history(case, by, reason)
    summary.history_rows_scrubbed += _scrub_history(
        Case.history.filter(id=case.pk), **_history_values(Case.history.model, values)
    )


def _scrub_addresses(address_ids: set[int], by, reason: str, summary: ErasureSummary) -> None:
    """Addresses the case or its anonymised people used, once nothing kept refers to them any more."""
    referrers = [(m, f) for m in _tracked_models() if m is not Address for f in _relations(m, Address)]
    for address in Address.objects.filter(pk__in=address_ids).order_by("pk"):
        if any(m._base_manager.filter(**{f.attname: address.pk}).exists() for m, f in referrers):
            continue
        values = {"line1": "Anonymised", "line2": "", "uprn": None, "postcode": address.postcode.split(" ")[0]}
        for name, value in values.items():
            setattr(address, name, value)
        save_with_history(address, by, reason)
        summary.history_rows_scrubbed += _scrub_history(Address.history.filter(id=address.pk), **values)
        summary.addresses_anonymised += 1

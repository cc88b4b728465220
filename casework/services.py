"""Every write to casework: one transaction each, history with the acting user and a reason."""

import hashlib
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from audit.models import DisclosureKind
from audit.objects import ObjectType
from audit.services import log_disclosure
from common import history

from . import access, risk
from . import victim as victim_journey
from .errors import EditConflict, InvalidTransition, NotAllowed
from .extensions import emit
from .models import (
    Action,
    ActionStatus,
    Address,
    Agency,
    Case,
    CaseOutcome,
    CaseParty,
    CaseReferenceCounter,
    CaseShare,
    CaseStatus,
    Evidence,
    HateCharacteristic,
    Incident,
    NotDoneReason,
    Note,
    Organisation,
    Person,
    RiskAssessment,
)
from .places import normalise_postcode

# The case lifecycle. Closing needs an outcome; a closed case can only be reopened.
TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.OPEN: {CaseStatus.INVESTIGATING, CaseStatus.CLOSED},
    CaseStatus.INVESTIGATING: {CaseStatus.ENFORCEMENT, CaseStatus.MONITORING, CaseStatus.CLOSED},
    CaseStatus.ENFORCEMENT: {CaseStatus.MONITORING, CaseStatus.INVESTIGATING, CaseStatus.CLOSED},
    CaseStatus.MONITORING: {CaseStatus.INVESTIGATING, CaseStatus.ENFORCEMENT, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.OPEN},
}

LEAD_PERMISSIONS = (access.VIEW, access.CHANGE, access.SENSITIVE)


def save_with_history(instance, by: User | None, reason: str = "", **kwargs) -> None:
    """Save a tracked model with the acting user and a change reason on its history row.

    Every app's services save through this so history is attributed even outside a request.
    """
    history.attribute(instance, by=by, reason=reason)
    instance.save(**kwargs)


def allocate_reference(*, year: int | None = None) -> str:
    """Next reference such as ASB-2026-00123; the counter row is locked so two callers never share one."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        CaseReferenceCounter.objects.get_or_create(year=year)
        counter = CaseReferenceCounter.objects.select_for_update().get(year=year)
        counter.last_number = F("last_number") + 1
        counter.save(update_fields=["last_number"])
        counter.refresh_from_db()
    prefix = settings.CASEWORK["REFERENCE_PREFIX"]
    return f"{prefix}-{year}-{counter.last_number:05d}"


def _require_change(user, case: Case) -> None:
    if not access.can_change(user, case):
        raise NotAllowed("You do not have permission to change this case.")


def _require_lead(user, case: Case) -> None:
    _require_change(user, case)
    agency = access.agency_of(user)
    if agency is None or agency.pk != case.lead_agency_id:
        raise NotAllowed("Only the lead agency can change the case's details, status or sharing.")


@transaction.atomic
def create_case(
    *,
    by: User,
    title: str,
    category: str,
    description: str,
    ward,
    lead_agency: Agency | None = None,
    address: Address | None = None,
    location_description: str = "",
    officer=None,
    hate_related: bool = False,
    opened_at: datetime | None = None,
) -> Case:
    """Open a case led by the creator's agency, which gets view, change and sensitive-view permissions."""
    lead_agency = lead_agency or access.agency_of(by)
    if lead_agency is None:
        raise NotAllowed("Only a member of an agency can open a case.")
    opened_at = opened_at or timezone.now()
    case = Case(
        reference=allocate_reference(year=timezone.localtime(opened_at).year),
        title=title,
        category=category,
        description=description,
        ward=ward,
        address=address,
        location_description=location_description,
        lead_agency=lead_agency,
        officer=officer,
        hate_related=hate_related,
        opened_at=opened_at,
        created_by=by,
    )
    save_with_history(case, by, "Case opened")
    for codename in LEAD_PERMISSIONS:
        assign_perm(codename, lead_agency.group, case)
    return case


EDITABLE_FIELDS = (
    "title",
    "category",
    "description",
    "ward",
    "address",
    "location_description",
    "officer",
    "hate_related",
)


CASE_CONFLICT = (
    "Someone else changed this case while you were editing it. Your changes were not saved: "
    "reload the case to see their changes, then make yours again."
)


def write_case(case: Case, *, by: User, reason: str, expected_version: int | None = None, **changes) -> Case:
    """Change some of a case's fields on the row as it is now, locked, and move its version on.

    Only the named fields are written (`update_fields`), so a copy read before someone else's write can
    never put their values back, and the history row is taken from the locked, current row. With
    `expected_version` (an edit form's hidden field) a change based on an older version is refused.
    The caller's copy is refreshed with what was saved. Call inside a transaction.
    """
    current = Case.objects.select_for_update().get(pk=case.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(CASE_CONFLICT)
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    save_with_history(current, by, reason, update_fields=[*changes, "version", "updated_at"])
    for field in Case._meta.concrete_fields:
        setattr(case, field.attname, getattr(current, field.attname))
    return case


@transaction.atomic
def update_case(*, case: Case, by: User, expected_version: int, **changes) -> Case:
    """Edit a case's details. A save based on an out-of-date version is refused, never merged silently."""
    _require_lead(by, case)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    return write_case(case, by=by, reason="Case details edited", expected_version=expected_version, **changes)


def _status_label(status: str) -> str:
    return CaseStatus(status).label.lower() if status in CaseStatus.values else f"an unknown status ({status})"


@transaction.atomic
def transition_case(*, case: Case, by: User, to: str, outcome: str = "", outcome_notes: str = "") -> Case:
    """Move a case through its lifecycle; an illegal move raises InvalidTransition naming the rule. Closing goes
    through the reasoned closure: the case returned is closed unless it now awaits a manager's sign-off."""
    _require_lead(by, case)
    current = Case.objects.select_for_update().get(pk=case.pk)
    allowed = TRANSITIONS.get(current.status, set())
    if to not in allowed:
        names = ", ".join(CaseStatus(s).label.lower() for s in sorted(allowed)) or "nothing"
        raise InvalidTransition(
            f"A case that is {CaseStatus(current.status).label.lower()} cannot move to {_status_label(to)}; "
            f"it can move to: {names}."
        )
    changes: dict = {"status": to}
    if to == CaseStatus.CLOSED:
        # Every closure is a reasoned one (casework/closure.py, #20): an outcome, the reasons and, at or above the
        # sign-off risk, a manager's sign-off; then the case stays open until a manager decides.
        if outcome not in CaseOutcome.values or not outcome_notes.strip():
            raise InvalidTransition("Choose an outcome and give the reasons for closing the case.")
        from .closure import request_closure

        request_closure(case=current, by=by, outcome=outcome, reasons=outcome_notes)
        return Case.objects.get(pk=case.pk)
    if current.status == CaseStatus.CLOSED and to == CaseStatus.OPEN:
        changes.update(closed_at=None, outcome="")
    reason = f"Status {CaseStatus(current.status).label} → {CaseStatus(to).label}"
    return write_case(current, by=by, reason=reason, **changes)


@transaction.atomic
def add_party(
    *,
    case: Case,
    by: User,
    role: str,
    person: Person | None = None,
    organisation: Organisation | None = None,
    is_anonymous: bool = False,
    notes: str = "",
) -> CaseParty:
    _require_change(by, case)
    if (person is None) == (organisation is None):
        raise ValueError("A party is either a person or an organisation.")
    party = CaseParty(
        case=case,
        role=role,
        person=person,
        organisation=organisation,
        is_anonymous=is_anonymous,
        notes=notes,
        added_by=by,
    )
    save_with_history(party, by, "Party added")
    return party


@transaction.atomic
def create_person(
    *,
    by: User,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    phone: str = "",
    email: str = "",
    address: Address | None = None,
) -> Person:
    person = Person(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=date_of_birth,
        phone=phone,
        email=email,
        address=address,
    )
    save_with_history(person, by, "Person recorded")
    return person


@transaction.atomic
def create_address(
    *, by: User, line1: str, postcode: str, ward, line2: str = "", town: str = "London", uprn: int | None = None
) -> Address:
    if uprn:  # a UPRN names one property: every case there shares its address (casework/people.py repeats)
        known = Address.objects.filter(uprn=uprn).first()
        if known is not None:
            return known
    postcode = normalise_postcode(postcode)
    address = Address(line1=line1, line2=line2, town=town, postcode=postcode, ward=ward, uprn=uprn)
    save_with_history(address, by, "Address recorded")
    return address


@transaction.atomic
def open_case(
    *,
    by: User,
    title: str,
    category: str,
    description: str,
    ward,
    address_line1: str = "",
    postcode: str = "",
    location_description: str = "",
    officer=None,
    hate_related: bool = False,
    uprn: int | None = None,
) -> Case:
    """The new case form: the case, and the address it is about when one was given, in one transaction."""
    address = None
    if address_line1:
        address = create_address(by=by, line1=address_line1, postcode=postcode, ward=ward, uprn=uprn)
    return create_case(
        by=by,
        title=title,
        category=category,
        description=description,
        ward=ward,
        address=address,
        location_description=location_description,
        officer=officer,
        hate_related=hate_related,
    )


@transaction.atomic
def edit_case(
    *,
    case: Case,
    by: User,
    expected_version: int,
    address_line1: str = "",
    postcode: str = "",
    uprn: int | None = None,
    **changes,
) -> Case:
    """The case details form: a changed address is recorded as a new one (history keeps the old); a cleared
    one is taken off the case."""
    address = case.address
    postcode = normalise_postcode(postcode)
    if address_line1 and (
        address is None or (address.line1, address.postcode, address.uprn) != (address_line1, postcode, uprn)
    ):
        address = create_address(by=by, line1=address_line1, postcode=postcode, ward=changes["ward"], uprn=uprn)
    elif not address_line1:
        address = None
    return update_case(case=case, by=by, expected_version=expected_version, address=address, **changes)


@transaction.atomic
def add_party_with_contact(
    *,
    case: Case,
    by: User,
    role: str,
    is_organisation: bool,
    organisation_name: str = "",
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    email: str = "",
    is_anonymous: bool = False,
    notes: str = "",
    existing_person: Person | None = None,
) -> CaseParty:
    """Record the person or organisation and add them to the case as a party, in one transaction; a person
    picked from the proposed matches (casework.people) is linked instead of recorded again."""
    person = organisation = None
    if existing_person is not None and not is_organisation:
        person = existing_person
    elif is_organisation:
        organisation = Organisation(name=organisation_name, phone=phone, email=email)
        save_with_history(organisation, by, "Organisation recorded")
    else:
        person = create_person(
            by=by, first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, phone=phone, email=email
        )
    return add_party(
        case=case,
        by=by,
        role=role,
        person=person,
        organisation=organisation,
        is_anonymous=is_anonymous,
        notes=notes,
    )


@transaction.atomic
def add_incident(
    *,
    case: Case,
    by: User,
    occurred_at: datetime,
    reported_at: datetime,
    reported_to: Agency,
    description: str,
    agency_reference: str = "",
    hate_related: bool = False,
    hate_characteristics: list[str] | tuple[str, ...] = (),
    reported_by: CaseParty | None = None,
) -> Incident:
    _require_change(by, case)
    if reported_at < occurred_at:
        raise ValueError("An incident cannot be reported before it happened.")
    known = dict(HateCharacteristic.choices)
    if any(code not in known for code in hate_characteristics):
        raise NotAllowed("Choose what the incident was targeted because of from the list.")
    hate_related = hate_related or bool(hate_characteristics)
    hate_characteristics = [code for code in known if code in set(hate_characteristics)]
    incident = Incident(
        case=case,
        occurred_at=occurred_at,
        reported_at=reported_at,
        reported_to=reported_to,
        description=description,
        agency_reference=agency_reference,
        hate_related=hate_related,
        hate_characteristics=hate_characteristics,
        reported_by=reported_by,
        created_by=by,
    )
    save_with_history(incident, by, "Incident logged")
    if hate_related and not Case.objects.filter(pk=case.pk, hate_related=True).exists():
        write_case(case, by=by, reason="Hate-related flag set by an incident", hate_related=True)
    return incident


@transaction.atomic
def record_risk_assessment(
    *,
    case: Case,
    by: User,
    answers: dict[str, bool],
    repeat_victimisation_count: int,
    victim: CaseParty | None = None,
    notes: str = "",
) -> RiskAssessment:
    """Score the questionnaire and make its level the case's current risk level."""
    _require_change(by, case)
    total, level, _reasons = risk.score(answers, repeat_victimisation_count)
    assessment = RiskAssessment(
        case=case,
        victim=victim,
        answers={q.key: bool(answers.get(q.key)) for q in risk.QUESTIONS},
        repeat_victimisation_count=repeat_victimisation_count,
        score=total,
        level=level,
        notes=notes,
        assessed_by=by,
        assessed_at=timezone.now(),
    )
    save_with_history(assessment, by, "Risk assessed")
    # The level is set on the locked, current row (never from the caller's copy) and moves the version on,
    # so an edit form opened before the assessment is refused instead of putting the old level back.
    if Case.objects.select_for_update().values_list("risk_level", flat=True).get(pk=case.pk) != level:
        write_case(case, by=by, reason=f"Risk level set to {level}", risk_level=level)
    victim_journey.apply_risk(case=case, by=by, level=level, assessed_at=assessment.assessed_at)
    return assessment


@transaction.atomic
def add_action(*, case: Case, by: User, description: str, owner_agency: Agency, due_date: date, owner=None) -> Action:
    """An action in the plan agreed with the victim: owned by an agency and, where named, a person in it."""
    _require_change(by, case)
    if owner is not None and getattr(access.agency_of(owner), "pk", None) != owner_agency.pk:
        raise NotAllowed(f"{owner.get_full_name() or owner.get_username()} does not work for {owner_agency}.")
    action = Action(
        case=case, description=description, owner_agency=owner_agency, owner=owner, due_date=due_date, created_by=by
    )
    save_with_history(action, by, "Action agreed")
    emit("action_assigned", action=action, by=by)
    return action


@transaction.atomic
def set_action_status(
    *, action: Action, by: User, status: str, not_done_reason: str = "", not_done_explanation: str = ""
) -> Action:
    """Move an action on. Closing it as not done ("cancelled") needs the reason, telling "not possible" from
    "not undertaken", and an explanation: the ombudsmen find actions dropped without either."""
    _require_change(by, action.case)
    if status not in ActionStatus.values:
        raise InvalidTransition("Unknown action status.")
    if action.status in (ActionStatus.DONE, ActionStatus.CANCELLED) and status != ActionStatus.OPEN:
        raise InvalidTransition("A finished action can only be reopened.")
    if status == ActionStatus.CANCELLED:
        if not_done_reason not in NotDoneReason.values or not not_done_explanation.strip():
            raise InvalidTransition(
                "To close an action as not done, say whether it was not possible or not undertaken, and why."
            )
        action.not_done_reason, action.not_done_explanation = not_done_reason, not_done_explanation.strip()
    else:
        action.not_done_reason, action.not_done_explanation = "", ""
    action.status = status
    action.completed_at = timezone.now() if status == ActionStatus.DONE else None
    label = f"not done ({NotDoneReason(not_done_reason).label.lower()})" if status == ActionStatus.CANCELLED else ""
    save_with_history(action, by, f"Action {label or ActionStatus(status).label.lower()}")
    return action


@transaction.atomic
def add_note(*, case: Case, by: User, text: str) -> Note:
    _require_change(by, case)
    note = Note(case=case, text=text, author=by, author_agency=access.agency_of(by))
    save_with_history(note, by, "Note added")
    return note


@transaction.atomic
def add_evidence(
    *,
    case: Case,
    by: User,
    kind: str,
    description: str,
    upload: UploadedFile | None = None,
    content_type: str = "",
    external_reference: str = "",
    redacted: bool = False,
) -> Evidence:
    """Store an evidence item. The upload must already have passed the form's type and size checks."""
    _require_change(by, case)
    evidence = Evidence(
        case=case,
        kind=kind,
        description=description,
        external_reference=external_reference,
        redacted=redacted,
        uploaded_by=by,
    )
    if upload is not None:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence.original_name = (upload.name or "")[-200:]
        evidence.content_type = content_type
        evidence.size = upload.size or 0
        evidence.sha256 = digest.hexdigest()
        evidence.file.save("upload", upload, save=False)
    save_with_history(evidence, by, "Evidence added")
    return evidence


@transaction.atomic
def share_case(
    *, case: Case, agency: Agency, legal_basis: str, purpose: str, by: User, can_change: bool = False
) -> CaseShare:
    """Share a case with an agency: the share record, its group permissions and a disclosure log row."""
    _require_change(by, case)
    if not purpose.strip():
        raise NotAllowed("Say why the case is being shared.")
    if agency.pk == case.lead_agency_id:
        raise NotAllowed(f"{agency} leads this case and can already see it.")
    existing = CaseShare.objects.select_for_update().filter(case=case, agency=agency, revoked_at__isnull=True).first()
    if existing is not None and (existing.can_change or not can_change):
        raise NotAllowed(f"The case is already shared with {agency}.")
    if existing is not None:
        return _give_change_rights(share=existing, legal_basis=legal_basis, purpose=purpose, by=by)
    share = CaseShare(
        case=case,
        agency=agency,
        legal_basis=legal_basis,
        purpose=purpose,
        can_change=can_change,
        shared_by=by,
        shared_at=timezone.now(),
    )
    save_with_history(share, by, f"Shared with {agency}")
    assign_perm(access.VIEW, agency.group, case)
    if can_change:
        assign_perm(access.CHANGE, agency.group, case)
    from_agency = access.agency_of(by)
    log_disclosure(
        user=by,
        kind=DisclosureKind.SHARE,
        from_agency=str(from_agency or ""),
        to_agency=str(agency),
        object_type=ObjectType.CASE,
        object_id=case.pk,
        object_label=case.reference,
        case_id=case.pk,
        legal_basis=share.get_legal_basis_display(),
        purpose=purpose,
        details={"can_change": can_change},
    )
    emit("case_shared", share=share, by=by)
    return share


def _give_change_rights(*, share: CaseShare, legal_basis: str, purpose: str, by) -> CaseShare:
    """An agency that sees the case view only (a MARAC share, decision 0015) is given change rights by the lead."""
    share.can_change, share.legal_basis = True, legal_basis
    share.purpose = f"{share.purpose}\nChange rights: {purpose}"
    save_with_history(share, by, f"{share.agency} may now change the case")
    assign_perm(access.CHANGE, share.agency.group, share.case)
    log_disclosure(
        user=by,
        kind=DisclosureKind.SHARE,
        from_agency=str(access.agency_of(by) or ""),
        to_agency=str(share.agency),
        object_type=ObjectType.CASE,
        object_id=share.case_id,
        object_label=share.case.reference,
        case_id=share.case_id,
        legal_basis=share.get_legal_basis_display(),
        purpose=purpose,
        details={"can_change": True, "upgraded": True},
    )
    return share


@transaction.atomic
def revoke_share(*, share: CaseShare, by: User, reason: str) -> CaseShare:
    _require_change(by, share.case)
    if share.revoked_at is not None:
        raise InvalidTransition("This share has already been revoked.")
    if not reason.strip():
        raise NotAllowed("Say why the share is being revoked.")
    share.revoked_at = timezone.now()
    share.revoked_by = by
    share.revoke_reason = reason
    save_with_history(share, by, f"Share with {share.agency} revoked")
    for codename in (access.VIEW, access.CHANGE):
        remove_perm(codename, share.agency.group, share.case)
    log_disclosure(
        user=by,
        kind=DisclosureKind.REVOKE,
        from_agency=str(access.agency_of(by) or ""),
        to_agency=str(share.agency),
        object_type=ObjectType.CASE,
        object_id=share.case_id,
        object_label=share.case.reference,
        case_id=share.case_id,
        legal_basis=share.get_legal_basis_display(),
        purpose=reason,
    )
    emit("share_revoked", share=share, by=by)
    return share


@transaction.atomic
def create_agency(*, name: str, short_name: str, kind: str) -> Agency:
    """An agency and the Django group its members join (object permissions are granted to the group)."""
    group, _ = Group.objects.get_or_create(name=f"Agency: {name}")
    agency, _ = Agency.objects.get_or_create(
        short_name=short_name, defaults={"name": name, "kind": kind, "group": group}
    )
    return agency


@transaction.atomic
def add_member(*, user, agency: Agency, job_title: str = "", roles: tuple[str, ...] = (), work_phone: str = "") -> None:
    from .models import Membership

    Membership.objects.update_or_create(
        user=user, defaults={"agency": agency, "job_title": job_title, "work_phone": work_phone}
    )
    user.groups.add(agency.group, *Group.objects.filter(name__in=roles))
    caches = ("_agency_cache", "_case_group_ids", "_case_user_perms", "_perm_cache", "_user_perm_cache")
    for attr in (*caches, "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)

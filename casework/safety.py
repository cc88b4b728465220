"""Safe contact and do-not-disclose for a person on a case (issue #19): the writes, and the reads for the page.

The lead agency of a case records, for a victim (or witness, complainant) on it, how and when it is safe to
contact them and who their address and contact details must never reach: other people (an ex-partner) and
agencies. What the list does is in casework.access.disclosure (who is refused) and casework.withholding (how).
Every write keeps history with the acting user; entries are ended, never deleted.
"""

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from . import access
from .errors import NotAllowed
from .models import Agency, CaseParty, DoNotDisclose, PartyRole, Person, SafeContact
from .services import save_with_history

PROTECTED_ROLES = (PartyRole.VICTIM, PartyRole.WITNESS, PartyRole.COMPLAINANT)


def _require_lead(by: User, party: CaseParty) -> None:
    """Only the lead agency's officers, who may change the case, keep a person's safety record."""
    case_access = access.CaseAccess(by, party.case)
    if not (case_access.can_change and case_access.is_lead):
        raise NotAllowed("Only the lead agency can record safe contact and who not to disclose to")
    if party.person_id is None or party.role not in PROTECTED_ROLES:
        raise NotAllowed("Safe contact and do-not-disclose are recorded for a victim, witness or complainant")


# --- reads ----------------------------------------------------------------------------------------------------


def safe_contact_of(person: Person) -> SafeContact | None:
    return SafeContact.objects.filter(person=person).select_related("updated_by").first()


def open_entries(person: Person) -> QuerySet[DoNotDisclose]:
    return (
        DoNotDisclose.objects.filter(person=person, ended_at__isnull=True)
        .select_related("withheld_from_person", "withheld_from_agency", "added_by")
        .order_by("added_at", "id")
    )


#: How the list names a person the user cannot find on any case they may see (docs/permissions.md, People).
UNSEEN_PERSON = "someone on a case you cannot see"


def entries_shown_to(person: Person, *, user) -> list[DoNotDisclose]:
    """The person's open entries as `user` is shown them (`shown_withheld_from`): the list follows the person to every
    case naming them, but a person it withholds from is named only to a user who may see that person (an entry made
    on another agency's case names someone only that agency can find)."""
    entries = list(open_entries(person))
    named = {entry.withheld_from_person_id for entry in entries if entry.withheld_from_person_id}
    seen = set(access.visible_people(user).filter(pk__in=named).values_list("pk", flat=True)) if named else set()
    for entry in entries:
        hidden = entry.withheld_from_person_id is not None and entry.withheld_from_person_id not in seen
        entry.shown_withheld_from = UNSEEN_PERSON if hidden else str(entry.withheld_from)
    return entries


def people_to_choose(party: CaseParty) -> QuerySet[Person]:
    """Other people on the same case (such as the person causing harm): who a victim is protected from."""
    return Person.objects.filter(case_roles__case_id=party.case_id).exclude(pk=party.person_id).distinct()


def agencies_to_choose(party: CaseParty) -> QuerySet[Agency]:
    """Any active agency but the case's lead, which holds the case and must keep the details."""
    return Agency.objects.filter(is_active=True).exclude(pk=party.case.lead_agency_id).order_by("name")


# --- writes ---------------------------------------------------------------------------------------------------


@transaction.atomic
def set_safe_contact(
    *,
    party: CaseParty,
    by: User,
    phone_ok: bool = False,
    text_ok: bool = False,
    email_ok: bool = False,
    letter_ok: bool = False,
    visit_ok: bool = False,
    no_voicemail: bool = False,
    safe_times: str = "",
    notes: str = "",
) -> SafeContact:
    _require_lead(by, party)
    if len(safe_times) > 200:
        raise NotAllowed("Safe times must be 200 characters or fewer")
    contact = SafeContact.objects.select_for_update().filter(person_id=party.person_id).first()
    created = contact is None
    contact = contact or SafeContact(person_id=party.person_id)
    for name, value in {
        "phone_ok": phone_ok,
        "text_ok": text_ok,
        "email_ok": email_ok,
        "letter_ok": letter_ok,
        "visit_ok": visit_ok,
        "no_voicemail": no_voicemail,
        "safe_times": safe_times.strip(),
        "notes": notes.strip(),
    }.items():
        setattr(contact, name, value)
    contact.updated_by, contact.updated_at = by, timezone.now()
    save_with_history(contact, by, "Safe contact recorded" if created else "Safe contact changed")
    return contact


@transaction.atomic
def add_do_not_disclose(
    *,
    party: CaseParty,
    by: User,
    reason: str,
    withheld_from_person: Person | None = None,
    withheld_from_agency: Agency | None = None,
) -> DoNotDisclose:
    """Put a person or an agency on the party's do-not-disclose list: from now on their details are withheld
    from that agency's users everywhere and left out of documents addressed to that person."""
    _require_lead(by, party)
    if (withheld_from_person is None) == (withheld_from_agency is None):
        raise NotAllowed("Choose either a person or an agency not to disclose to")
    if not reason.strip():
        raise NotAllowed("Say why their details must not be disclosed")
    if withheld_from_person is not None and withheld_from_person.pk == party.person_id:
        raise NotAllowed("A person cannot be on their own do-not-disclose list")
    if withheld_from_agency is not None and withheld_from_agency.pk == party.case.lead_agency_id:
        raise NotAllowed("The lead agency holds the case and cannot be on the do-not-disclose list")
    entries = DoNotDisclose.objects.select_for_update().filter(person_id=party.person_id, ended_at__isnull=True)
    if withheld_from_person is not None and entries.filter(withheld_from_person=withheld_from_person).exists():
        raise NotAllowed(f"{withheld_from_person} is already on the do-not-disclose list")
    if withheld_from_agency is not None and entries.filter(withheld_from_agency=withheld_from_agency).exists():
        raise NotAllowed(f"{withheld_from_agency} is already on the do-not-disclose list")
    entry = DoNotDisclose(
        person_id=party.person_id,
        withheld_from_person=withheld_from_person,
        withheld_from_agency=withheld_from_agency,
        reason=reason.strip(),
        added_by=by,
        added_at=timezone.now(),
    )
    save_with_history(entry, by, "Added to the do-not-disclose list")
    return entry


@transaction.atomic
def end_do_not_disclose(*, party: CaseParty, entry_id: int, by: User, reason: str) -> DoNotDisclose:
    _require_lead(by, party)
    entry = (
        DoNotDisclose.objects.select_for_update()
        .filter(pk=entry_id, person_id=party.person_id, ended_at__isnull=True)
        .first()
    )
    if entry is None:
        raise NotAllowed("That entry is not on this person's do-not-disclose list")
    if not reason.strip():
        raise NotAllowed("Say why their details may now be disclosed")
    entry.ended_by, entry.ended_at, entry.end_reason = by, timezone.now(), reason.strip()
    save_with_history(entry, by, "Taken off the do-not-disclose list")
    return entry


# --- merging duplicate people (called by casework.people.merge_people / unmerge_people) ------------------------


def _end_for_merge(entry: DoNotDisclose, by: User, why: str) -> None:
    entry.ended_by, entry.ended_at, entry.end_reason = by, timezone.now(), why
    save_with_history(entry, by, why)


def move_on_merge(*, survivor: Person, duplicate: Person, by: User) -> dict:
    """Move the duplicate's do-not-disclose entries and safe contact to the survivor, and point entries that
    protect someone from the duplicate at the survivor, so no protection is lost in a merge. An open entry the
    survivor already holds (the same agency or person) wins: the duplicate's copy is ended, to be reopened by an
    unmerge. When both have a safe contact the survivor's is kept (the record the officer chose to keep); the
    duplicate's stays on the duplicate and comes back with it. Returns what moved, for `PersonMerge`."""
    why = f"Person merged: {duplicate.pk} into {survivor.pk}"
    moved: dict = {"do_not_disclose": [], "withheld_from": [], "ended": [], "safe_contact": None}
    held = DoNotDisclose.objects.select_for_update().filter(person=survivor, ended_at__isnull=True)
    open_agencies = set(held.values_list("withheld_from_agency", flat=True))
    open_people = set(held.values_list("withheld_from_person", flat=True))
    for entry in DoNotDisclose.objects.select_for_update().filter(person=duplicate).order_by("pk"):
        if entry.ended_at is None and (
            entry.withheld_from_agency_id in open_agencies
            or entry.withheld_from_person_id in open_people
            or entry.withheld_from_person_id == survivor.pk
        ):
            _end_for_merge(entry, by, f"{why}: already on the survivor's list")
            moved["ended"].append(entry.pk)
            continue
        entry.person = survivor
        save_with_history(entry, by, why)
        moved["do_not_disclose"].append(entry.pk)
    for entry in DoNotDisclose.objects.select_for_update().filter(withheld_from_person=duplicate).order_by("pk"):
        clash = entry.person_id == survivor.pk or (
            entry.ended_at is None
            and DoNotDisclose.objects.filter(
                person_id=entry.person_id, withheld_from_person=survivor, ended_at__isnull=True
            ).exists()
        )
        if clash:
            if entry.ended_at is None:
                _end_for_merge(entry, by, f"{why}: already on the list")
                moved["ended"].append(entry.pk)
            continue
        entry.withheld_from_person = survivor
        save_with_history(entry, by, why)
        moved["withheld_from"].append(entry.pk)
    contact = SafeContact.objects.select_for_update().filter(person=duplicate).first()
    if contact is not None:
        if SafeContact.objects.filter(person=survivor).exists():
            moved["safe_contact_kept"] = "survivor"
        else:
            contact.person = survivor
            save_with_history(contact, by, why)
            moved["safe_contact"] = contact.pk
    return moved


def restore_on_unmerge(*, moved: dict, survivor: Person, duplicate: Person, by: User) -> None:
    """Undo `move_on_merge` exactly: what moved goes back to the duplicate, what was ended is reopened."""
    why = f"Merge undone: back to person {duplicate.pk}"
    for entry in DoNotDisclose.objects.select_for_update().filter(
        pk__in=moved.get("do_not_disclose", []), person=survivor
    ):
        entry.person = duplicate
        save_with_history(entry, by, why)
    for entry in DoNotDisclose.objects.select_for_update().filter(
        pk__in=moved.get("withheld_from", []), withheld_from_person=survivor
    ):
        entry.withheld_from_person = duplicate
        save_with_history(entry, by, why)
    for entry in DoNotDisclose.objects.select_for_update().filter(pk__in=moved.get("ended", [])):
        entry.ended_by, entry.ended_at, entry.end_reason = None, None, ""
        save_with_history(entry, by, f"{why}: on the list again")
    if moved.get("safe_contact"):
        contact = SafeContact.objects.select_for_update().filter(pk=moved["safe_contact"], person=survivor).first()
        if contact is not None:
            contact.person = duplicate
            save_with_history(contact, by, why)

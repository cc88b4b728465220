"""Signposting across agencies (#19, decision 0016): off until the partnership decides otherwise.

When the latest `SignpostingDecision` switches it on, a user looking at a person they hold (the person page) is
told which other agencies also hold records of that person ("Also involved: Barnet Homes, Metropolitan Police:
contact them"): agency names only, never a case, its reference, a role, a date or a count. Each agency named is a
disclosure of that agency's information to the user's agency, so each is one `audit.Disclosure` row (kind
"signpost") with the legal basis of the decision, at most once per user, person and agency a day.

Never signposted: a person who is an anonymous party on any case (anonymity exists because who she is in touch
with may reach the person causing harm); a person whose do-not-disclose list names the user's agency.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AccessAction, Disclosure, DisclosureKind
from audit.objects import ObjectType
from audit.services import log_access, log_disclosure
from common.dates import govuk_date

from . import access, extensions
from .errors import NotAllowed
from .models import Agency, CaseParty, CaseShare, LegalBasis, Person, SignpostingDecision
from .services import save_with_history

RECORD_PERMISSION = "casework.add_signpostingdecision"
DEFAULT_PURPOSE = "To tell a partner which other agencies hold records of a person it holds, so that it contacts them."


# --- the switch -----------------------------------------------------------------------------------------------


def current_decision() -> SignpostingDecision | None:
    """The partnership's latest decision (the one selector of the switch); None: never decided, so off."""
    return SignpostingDecision.objects.order_by("-recorded_at", "-id").first()


def is_on() -> bool:
    decision = current_decision()
    return decision is not None and decision.enabled


def legal_basis_choices(*, on: date) -> list[tuple[str, str]]:
    """The bases in force today from the maintained list (governance), else the built-in ones."""
    in_force = extensions.legal_bases_in_force(on=on)
    if in_force:
        return [(code, label) for code, label, _ in in_force if code in LegalBasis.values]
    return list(LegalBasis.choices)


def check_decision(
    *, enabled: bool, legal_basis: str, purpose: str, decided_on: date | None, decision_reference: str
) -> tuple[str, str, str]:
    """The decision's legal basis, purpose and reference as they will be stored, or NotAllowed saying what is
    missing (the admin form asks the same before saving)."""
    reference = (decision_reference or "").strip()
    if not reference:
        raise NotAllowed("Give the reference of the board's decision (the meeting and minute).")
    today = timezone.localdate()
    if decided_on is None or decided_on > today:
        raise NotAllowed("The date of the board's decision must be today or in the past.")
    if not enabled:
        return "", (purpose or "").strip(), reference
    if legal_basis not in dict(legal_basis_choices(on=today)):
        raise NotAllowed("Choose the lawful basis, in force today, that signposting is disclosed under.")
    return legal_basis, (purpose or "").strip() or DEFAULT_PURPOSE, reference


@transaction.atomic
def record_decision(
    *,
    enabled: bool,
    legal_basis: str,
    purpose: str,
    decided_on: date,
    decision_reference: str,
    by: User,
) -> SignpostingDecision:
    """Record the partnership board's decision to switch signposting on or off: a new row, with history and an
    access-log row. Only an administrator records it; switching on needs a lawful basis in force."""
    access.require(
        by,
        RECORD_PERMISSION,
        "Only an administrator can record the partnership's decision on signposting.",
        error=NotAllowed,
    )
    legal_basis, purpose, reference = check_decision(
        enabled=enabled,
        legal_basis=legal_basis,
        purpose=purpose,
        decided_on=decided_on,
        decision_reference=decision_reference,
    )
    decision = SignpostingDecision(
        enabled=enabled,
        legal_basis=legal_basis,
        purpose=purpose,
        decided_on=decided_on,
        decision_reference=reference,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    state = "on" if enabled else "off"
    save_with_history(decision, by, f"Signposting switched {state}: board decision of {govuk_date(decided_on)}")
    log_access(
        user=by,
        agency=access.agency_name(by),
        action=AccessAction.CHANGE,
        object_type=ObjectType.SIGNPOSTING,
        object_id=decision.pk,
        object_label=str(decision),
        details={
            "enabled": enabled,
            "legal_basis": legal_basis,
            "decided_on": decided_on.isoformat(),
            "reference": reference,
        },
    )
    return decision


# --- the signposts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signposts:
    """What the person page shows: agency names, nothing else."""

    agencies: list[str]

    def __bool__(self) -> bool:
        return bool(self.agencies)

    @property
    def names(self) -> str:
        """ "Barnet Homes and Metropolitan Police" """
        if len(self.agencies) < 2:
            return "".join(self.agencies)
        return f"{', '.join(self.agencies[:-1])} and {self.agencies[-1]}"


def _holders(*, user, person: Person) -> tuple[list[Agency], list[int]]:
    """Agencies (other than the user's) leading or shared on cases naming the person that the user cannot see,
    and those cases (for the disclosure log only). Nothing when the person is anonymous on any case or has asked
    that their details not reach the user's agency."""
    links = CaseParty.objects.filter(person=person)
    if links.filter(is_anonymous=True).exists() or access.details_withheld(user, person.pk):
        return [], []
    hidden = sorted(set(links.exclude(case__in=access.visible_cases(user)).values_list("case_id", flat=True)))
    if not hidden:
        return [], []
    shared = CaseShare.objects.filter(case_id__in=hidden, revoked_at__isnull=True).values("agency_id")
    agencies = Agency.objects.filter(Q(led_cases__id__in=hidden) | Q(pk__in=shared)).distinct().order_by("name")
    own = access.agency_of(user)
    if own is not None:
        agencies = agencies.exclude(pk=own.pk)
    return list(agencies), hidden


def signposts_for(*, user, person: Person) -> Signposts:
    """The signposts a user is shown on the page of a person they hold, each logged as a disclosure (throttled).

    Off (no decision, or the latest says off): nothing shown, nothing logged. The caller has already found the
    person visible to the user (casework.access.visible_people); a person they cannot see is a 404 before this.
    """
    decision = current_decision()
    if decision is None or not decision.enabled:
        return Signposts(agencies=[])
    agencies, hidden = _holders(user=user, person=person)
    if agencies:
        _log(user=user, person=person, agencies=agencies, cases=hidden, decision=decision)
    return Signposts(agencies=[agency.name for agency in agencies])


def _log(*, user, person: Person, agencies: list[Agency], cases: list[int], decision: SignpostingDecision) -> None:
    """One disclosure row per agency named, at most once per user, person and agency a calendar day."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    already = set(
        Disclosure.objects.filter(
            kind=DisclosureKind.SIGNPOST,
            user_id=user.pk,
            object_type=ObjectType.PERSON,
            object_id=str(person.pk),
            at__gte=start,
        ).values_list("from_agency", flat=True)
    )
    to_agency = access.agency_name(user)
    with transaction.atomic():
        for agency in agencies:
            if agency.name in already:
                continue
            log_disclosure(
                user=user,
                kind=DisclosureKind.SIGNPOST,
                from_agency=agency.name,
                to_agency=to_agency,
                object_type=ObjectType.PERSON,
                object_id=person.pk,
                object_label=str(person),
                legal_basis=decision.get_legal_basis_display(),
                purpose=decision.purpose or DEFAULT_PURPOSE,
                details={
                    "disclosed": "that this agency holds records of the person",
                    "agencies_named": [a.name for a in agencies],
                    "cases": cases,
                    "decision": decision.pk,
                    "decision_reference": decision.decision_reference,
                },
            )

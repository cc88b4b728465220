"""Every read the casework screens need: permission-filtered through casework.access and already joined."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import chain
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from common import keyset
from common.compiled_sql import ShapedQuery

from . import access, extensions
from .models import (
    Action,
    ActionStatus,
    Case,
    CaseParty,
    CaseShare,
    CaseStatus,
    Evidence,
    Incident,
    Note,
    RiskAssessment,
)

ANONYMOUS_LABEL = "Anonymous {role}"


def case_list(*, user: User) -> QuerySet[Case]:
    """Cases the user may see, joined for the list page (constant queries whatever the page size)."""
    return access.visible_cases(user).select_related("ward", "lead_agency", "officer")


# The case list's page, compiled once per thread, connection and shape (common.compiled_sql; building and compiling
# the visibility EXISTS, the filters and the keyset condition cost more CPU than PostgreSQL took to run them, issue
# 23), for the lists the maintained counts also answer: no filter, or status and/or ward only, in any sort order. A
# shape is the user's visibility shape, how many statuses, whether a ward, the ordering, the direction, whether a
# cursor and the page's row limit; the values are the user's group ids (and id, when user-level), the statuses, the
# ward's id, then the cursor's keys. The same statement as case_list(...) filtered by CaseFilter and paged by
# keyset.paginate (tests/casework/test_compiled_case_list.py). Not prepared: its best plan depends on how many
# cases the user's groups hold.
def _case_page_query(shape, *values) -> QuerySet[Case]:
    visibility, statuses, has_ward, ordering, reverse, cursor, limit = shape
    ids = values[: len(values) - statuses - has_ward - (len(ordering) if cursor else 0)]
    rest = values[len(ids) :]
    cases = access.shaped_visible_cases(visibility, ids).select_related("ward", "lead_agency", "officer")
    if statuses:  # as django-filter's MultipleChoiceFilter filters: one OR'd equality a status, in the order given
        either = Q()
        for status in rest[:statuses]:
            either |= Q(status=status)
        cases = cases.filter(either)
    if has_ward:
        cases = cases.filter(ward=rest[statuses])
    cases = cases.order_by(*(keyset.reversed_ordering(ordering) if reverse else ordering))
    if cursor:
        cases = cases.filter(keyset.beyond(ordering, list(rest[statuses + has_ward :]), reverse))
    return cases[:limit]


_CASE_PAGE = ShapedQuery(_case_page_query, prepare=False)


def compiled_case_page(
    visibility, statuses: Sequence[str], ward_id: int | None, ordering: tuple[str, ...], size: int, cursor, last: bool
) -> keyset.KeysetPage:
    """keyset.paginate(case_list(...) filtered by these statuses (in django-filter's order) and ward, ordering, size,
    cursor, last=last) for a user of this `access.visibility_shape`; raises keyset.InvalidCursor as it does."""
    shape, ids, fields = visibility
    case = Case._meta
    statuses = list(statuses)
    ward = [ward_id] if ward_id is not None else []

    def fetch(values: list | None, reverse: bool, limit: int) -> list:
        keys = values or []
        return _CASE_PAGE.rows(
            (shape, len(statuses), bool(ward), ordering, reverse, values is not None, limit),
            [
                *fields,
                *[case.get_field("status")] * len(statuses),
                *[case.get_field("ward")] * len(ward),
                *[keyset.field_at(Case, name.lstrip("-")) for name in ordering] * bool(keys),
            ],
            [*ids, *statuses, *ward, *keys],
        )

    return keyset.page_of(Case, ordering, size, cursor, last=last, fetch=fetch)


def search_cases(queryset: QuerySet[Case], *, user: User, text: str) -> QuerySet[Case]:
    """Free text over reference, title, address, postcode and party names.

    Anonymous parties' names only match for users who may see them, so a search can never reveal
    that an anonymous victim is on a case; nor does a search by place find a case at the home of a victim
    who listed the user's agency (do-not-disclose).
    """
    text = text.strip()
    if not text:
        return queryset
    agency = access.agency_of(user)
    name_match = (
        Q(person__first_name__icontains=text)
        | Q(person__last_name__icontains=text)
        | Q(organisation__name__icontains=text)
    )
    parts = text.split()
    if len(parts) >= 2:
        name_match |= Q(person__first_name__iexact=parts[0], person__last_name__icontains=" ".join(parts[1:]))
    may_see_identity = Q(is_anonymous=False)
    if agency is not None:
        may_see_identity |= Q(case__lead_agency=agency)
    party_match = CaseParty.objects.filter(Q(case=OuterRef("pk")) & name_match & may_see_identity)
    place_match = (
        Q(title__icontains=text)
        | Q(address__line1__icontains=text)
        | Q(address__postcode__iexact=text.upper())
        | Q(address__postcode__istartswith=text.upper())
        | Q(location_description__icontains=text)
    )
    home_ids, home_postcodes = access.withheld_homes(user)
    if home_ids or home_postcodes:
        # do-not-disclose: a case at the home of someone who listed the user's agency is never found by its place
        place_match &= ~(Q(address_id__in=home_ids) | Q(address__postcode__in=home_postcodes))
    return queryset.filter(Q(reference__iexact=text) | Q(reference__icontains=text) | place_match | Exists(party_match))


@dataclass
class PartyView:
    """A party as this user may see it. Two withholdings, one mechanism: `withheld` hides the identity (an
    anonymous party, for anyone but the lead agency); `details_withheld` hides only the address and contact
    details (a victim whose do-not-disclose list names the user's agency, or the person a document is addressed
    to). Either shows "Withheld", never a blank."""

    party: CaseParty
    withheld: bool
    details_withheld: bool = False

    @property
    def name(self) -> str:
        if self.withheld:
            return ANONYMOUS_LABEL.format(role=self.party.get_role_display().lower())
        return str(self.party.party)

    @property
    def safe_contact(self):
        """How to contact them safely (casework.models.SafeContact), or None."""
        person = self.party.person
        return getattr(person, "safe_contact", None) if person is not None else None

    @property
    def may_manage_safety(self) -> bool:
        from .safety import PROTECTED_ROLES

        return self.party.person_id is not None and self.party.role in PROTECTED_ROLES

    @property
    def hides_details(self) -> bool:
        return self.withheld or self.details_withheld

    @property
    def contact(self) -> str:
        if self.hides_details:
            return "Withheld"
        p = self.party.party
        return ", ".join(x for x in (getattr(p, "phone", ""), getattr(p, "email", "")) if x) or "None recorded"

    @property
    def address(self) -> str:
        if self.hides_details:
            return "Withheld"
        p = self.party.party
        return str(p.address) if getattr(p, "address", None) else "None recorded"


def party_view(party: CaseParty, case_access: access.CaseAccess, *, addressed_to: frozenset[int] = frozenset()):
    """The one place that decides what of a party a user (or a document's addressee) may see.

    `addressed_to`: people whose details must stay out of the document being made (protected from its addressee,
    `access.protected_from_people`). A withholding from a listed agency is logged (throttled)."""
    from .withholding import log_withheld

    identity = party.is_anonymous and not case_access.can_view_sensitive
    person_id = party.person_id
    listed = person_id is not None and person_id in case_access.withheld_people
    details = listed or (person_id is not None and person_id in addressed_to)
    if listed and not identity and person_id is not None:
        log_withheld(case_access.user, where="case party", person_ids=[person_id], case_id=party.case_id)
    return PartyView(party, identity, details_withheld=details and not identity)


def parties_for(case: Case, case_access: access.CaseAccess) -> list[PartyView]:
    parties = case.parties.select_related("person__address", "person__safe_contact", "organisation__address").order_by(
        "role", "id"
    )
    return [party_view(p, case_access) for p in parties]


def _party_flags() -> dict[str, Any]:
    """Whether anyone was merged into each party's person, and whether any safeguarding referral names them: the
    EXISTS the ORM writes for Exists(...filter(merged_into=OuterRef("person_id"))), as SQL, cheaper to build."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    from .models import Person, SafeguardingReferral

    person = f'"{CaseParty._meta.db_table}"."person_id"'

    def exists(model, column: str) -> RawSQL:
        sql = f'EXISTS(SELECT 1 FROM "{model._meta.db_table}" U0 WHERE U0."{column}" = {person} LIMIT 1)'
        return RawSQL(sql, (), output_field=BooleanField())

    return {
        "cw_has_duplicates": exists(Person, "merged_into_id"),
        "cw_has_referrals": exists(SafeguardingReferral, "person_id"),
    }


def case_parties(case_access: access.CaseAccess, **annotations) -> list[CaseParty]:
    """Every party of the case, read once per request and shared by the sections of a case page (the
    vulnerability banner, the second-report and repeat flags, the timeline), oldest first.

    Each comes with its person, organisation and the person's own vulnerability record, and with whether anyone
    was merged into the person and whether any safeguarding referral names them, so the banner queries only where
    there is something to read (casework.vulnerability). A page may ask for more `annotations` (the summary's
    counts) before any section reads the parties; they are then loaded in the same query."""
    cached = getattr(case_access, "_parties", None)
    if cached is not None and all(name in cached[1] for name in annotations):
        return cached[0]
    parties = list(
        case_access.case.parties.select_related("person__vulnerability", "organisation")
        .annotate(**_party_flags(), **annotations)
        .order_by("id")
    )
    case_access._parties = (parties, set(annotations))
    return parties


def _summary_parties(_shape, case_id: int, reports_since, opened_at, repeats_since) -> QuerySet[CaseParty]:
    """The case summary's parties query (case_parties with the second-report and repeat counts), for these values."""
    from . import people, victim

    return (
        CaseParty.objects.filter(case=case_id)
        .select_related("person__vulnerability", "organisation")
        .annotate(
            **_party_flags(),
            **victim.second_report_sql(case_id=case_id, since=reports_since, until=opened_at),
            **people.repeat_sql(since=repeats_since),
        )
        .order_by("id")
    )


# compiled once per thread and connection (common.compiled_sql), run with the case's id and windows: building and
# compiling the query's five annotations through the ORM was the largest cost of the case summary's view (issue 23).
# Sent unprepared, as before: the windows' dates are in its subqueries, and its plan was not measured as a generic one
_SUMMARY_PARTIES = ShapedQuery(_summary_parties, prepare=False)


def summary_parties(case_access: access.CaseAccess) -> list[CaseParty]:
    """case_parties(case_access, **victim.second_report_annotations(case), **people.repeat_annotations()): the
    same statement and the same parties, each with its case as the related manager sets it, shared the same way."""
    from . import people, victim

    case = case_access.case
    names = ("cw_other_reports", "cw_told_id", "cw_repeat_cases")
    cached = getattr(case_access, "_parties", None)
    if cached is not None and all(name in cached[1] for name in names):
        return cached[0]
    reports_since, opened_at = victim.second_report_window(case)
    _, _, repeats_since = people.repeat_window()
    opened = Case._meta.get_field("opened_at")
    fields: list[Any] = [CaseParty._meta.get_field("case"), opened, opened, opened]
    parties = _SUMMARY_PARTIES.rows(
        ("summary",), fields, [case.pk, reports_since, opened_at, repeats_since], using=case._state.db or "default"
    )
    for party in parties:
        party.case = case  # as case.parties does (the related manager's known object): no query for party.case
    case_access._parties = (parties, set(names))
    return parties


def incidents_for(case: Case) -> QuerySet[Incident]:
    return case.incidents.select_related("reported_to", "reported_by__person", "reported_by__organisation")


def with_summary(cases: QuerySet[Case]) -> QuerySet[Case]:
    """What the case summary reads of the case, added to the query that finds it (casework.access `also`): the
    incident and party counts, the latest risk assessment's level, score and date, the id of a closure awaiting
    sign-off and the victim's schedule (one-to-one). Each was a query of its own.

    Written as the SQL the ORM's Subquery(... OuterRef("pk") ...) would write: building and compiling those seven
    subqueries cost about 4 ms of CPU on every case page, these a few microseconds (issue 23). Only for a query on
    the case table itself, as get_visible_case's is (the subqueries name its row as the table)."""
    from django.db.models import IntegerField
    from django.db.models.expressions import RawSQL

    from .models import CaseClosure, ClosureStatus

    case_id = f'"{Case._meta.db_table}"."id"'

    def of_case(model, select: str, *, where: str = "", params: tuple = (), order: str = "", output_field) -> RawSQL:
        sql = f'SELECT {select} FROM "{model._meta.db_table}" U0 WHERE U0."case_id" = {case_id}{where}{order}'
        return RawSQL(sql, params, output_field=output_field)

    latest = ' ORDER BY U0."assessed_at" DESC, U0."id" DESC LIMIT 1'
    risk_fields = {name: RiskAssessment._meta.get_field(name) for name in LATEST_RISK_FIELDS}
    return cases.select_related("schedule").annotate(
        cw_incidents=of_case(Incident, "COUNT(*)", output_field=IntegerField()),
        cw_parties=of_case(CaseParty, "COUNT(*)", output_field=IntegerField()),
        **{
            f"cw_risk_{name}": of_case(RiskAssessment, f'U0."{name}"', order=latest, output_field=field)
            for name, field in risk_fields.items()
        },
        cw_pending_closure_id=of_case(
            CaseClosure,
            'U0."id"',
            where=' AND U0."status" = %s',
            params=(ClosureStatus.AWAITING_SIGN_OFF.value,),
            order=' ORDER BY U0."requested_at" DESC, U0."id" DESC LIMIT 1',
            output_field=IntegerField(),
        ),
    )


#: The latest risk assessment's fields the summary shows, read with the case (with_summary).
LATEST_RISK_FIELDS = ("id", "level", "score", "assessed_at")


def latest_risk(case: Case) -> RiskAssessment | None:
    """The case's latest risk assessment: from the case read with_summary (its shown fields only; any other field
    is read on first use, as for a deferred field), otherwise one query."""
    if not hasattr(case, "cw_risk_id"):
        return risk_assessments_for(case).first()
    if case.cw_risk_id is None:
        return None
    loaded = {"case_id": case.pk, **{name: getattr(case, f"cw_risk_{name}") for name in LATEST_RISK_FIELDS}}
    names = [f.attname for f in RiskAssessment._meta.concrete_fields if f.attname in loaded]  # from_db's order
    return RiskAssessment.from_db(case._state.db, names, [loaded[name] for name in names])


def summary_counts(case: Case) -> dict[str, int]:
    """The case summary's incident and party counts: from the case read with_summary, otherwise one query."""
    if not hasattr(case, "cw_incidents"):
        case = with_summary(Case.objects.filter(pk=case.pk)).get()
    loaded = vars(case)  # the annotations
    return {"incidents": loaded["cw_incidents"], "parties": loaded["cw_parties"]}


def risk_assessments_for(case: Case) -> QuerySet[RiskAssessment]:
    return case.risk_assessments.select_related("assessed_by", "victim__person", "victim__organisation")


def actions_for(case: Case) -> QuerySet[Action]:
    return case.actions.select_related("owner_agency", "owner")


def _open_actions(limit: int, case_id: int) -> QuerySet[Action, tuple[str, date, str]]:
    return (
        Action.objects.filter(case=case_id)
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
        .order_by("due_date", "id")
        .values_list("description", "due_date", "owner_agency__name")[:limit]
    )


# compiled once per thread and limit (common.compiled_sql), run with the case's id: on every case summary (issue 23)
_OPEN_ACTIONS = ShapedQuery(_open_actions)


def open_actions_shown(case: Case, *, limit: int = 5) -> list[Mapping[str, Any]]:
    """The case summary's open actions, soonest due first: only what it shows (description, owner agency's name,
    due date), as rows rather than models with their joined agency and owner."""
    rows = _OPEN_ACTIONS.rows(limit, [Action._meta.get_field("case")], [case.pk])
    return [{"description": d, "due_date": due, "owner_agency_name": agency} for d, due, agency in rows]


def notes_for(case: Case) -> QuerySet[Note]:
    return case.notes.select_related("author", "author_agency")


def evidence_for(case: Case) -> QuerySet[Evidence]:
    return case.evidence.select_related("uploaded_by")


def shares_for(case: Case) -> QuerySet[CaseShare]:
    return case.shares.select_related("agency", "shared_by", "revoked_by")


def agencies_who_can_see(case: Case) -> list[tuple[str, str]]:
    """(agency, what it may do) for the sharing page: who can see this case right now."""
    rows = [(str(case.lead_agency), "Lead agency: view, change, see anonymous parties")]
    for share in case.shares.filter(revoked_at__isnull=True).select_related("agency"):
        rows.append((str(share.agency), "View and change" if share.can_change else "View only"))
    return rows


def get_evidence(*, user: User, reference: str, evidence_id: int) -> tuple[access.CaseAccess, Evidence]:
    from django.http import Http404

    case_access = access.case_access_or_404(user, reference)
    evidence = Evidence.objects.filter(case=case_access.case, pk=evidence_id).first()
    if evidence is None or not evidence.file:
        raise Http404("No evidence found")
    return case_access, evidence


@dataclass
class MyWork:
    my_cases: list[Case]
    my_actions: list[Action]
    agency_actions: list[Action]
    recently_shared: list[CaseShare]
    overdue_count: int


#: How many of each list My work shows.
MY_WORK_CASES = 25
MY_WORK_ACTIONS = 25


def _my_cases(visible: QuerySet[Case], officer_id: int) -> QuerySet[Case]:
    return (
        visible.filter(officer=officer_id)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("ward", "address")  # the address for the repeat-location flags (people.my_work_repeats)
        # only what the page shows and the repeats section reads (issue 23)
        .only("reference", "title", "status", "ward__name", "address__postcode", "address__line1", "address__uprn")
        .order_by("-opened_at")[:MY_WORK_CASES]
    )


def _open_actions_of(visible: QuerySet[Case], sources: Sequence[str]) -> QuerySet[Action]:
    return (
        Action.objects.filter(case__in=visible, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        .select_related("case", *sources)
        .only("description", "due_date", "case__reference", *(f"{relation}__id" for relation in sources))
        .order_by("due_date", "id")
    )


# My actions and the agency's: two queries, each walking to its own first 25. One query numbering both lists
# (ROW_NUMBER() OVER (PARTITION BY whose)) was measured 30 ms slower for a council officer at 100,000 cases
# (docs/performance.md, fourth round)
def _my_actions(visible: QuerySet[Case], sources: Sequence[str], owner_id: int) -> QuerySet[Action]:
    return _open_actions_of(visible, sources).filter(owner=owner_id)[:MY_WORK_ACTIONS]


def _agency_actions(visible: QuerySet[Case], sources: Sequence[str], agency_id: int, user_id: int) -> QuerySet[Action]:
    return _open_actions_of(visible, sources).filter(owner_agency=agency_id).exclude(owner=user_id)[:MY_WORK_ACTIONS]


def _recently_shared(agency_id: int, since) -> QuerySet[CaseShare]:
    return (
        CaseShare.objects.filter(agency=agency_id, revoked_at__isnull=True, shared_at__gte=since)
        .select_related("case", "case__lead_agency")
        .only("shared_at", "case__reference", "case__lead_agency__name")
        .order_by("-shared_at")[:10]
    )


# My work's lists, compiled once per thread, connection and shape (common.compiled_sql; the visibility EXISTS and
# the joins cost more CPU to build and compile than to run, issue 23), then run with the user's values. A shape is
# the user's visibility shape (access.visibility_shape) and the action sources; the values are the user's group ids
# (and id, when user-level) then the list's own. Not prepared: like the case list's page, their best plans depend
# on how many cases the user's groups hold, so PostgreSQL plans them for the values, as before.
def _my_cases_query(shape, *values) -> QuerySet[Case]:
    *ids, officer_id = values
    return _my_cases(access.shaped_visible_cases(shape[0], ids), officer_id)


def _my_actions_query(shape, *values) -> QuerySet[Action]:
    *ids, owner_id = values
    return _my_actions(access.shaped_visible_cases(shape[0], ids), shape[1], owner_id)


def _agency_actions_query(shape, *values) -> QuerySet[Action]:
    *ids, agency_id, user_id = values
    return _agency_actions(access.shaped_visible_cases(shape[0], ids), shape[1], agency_id, user_id)


_MY_CASES = ShapedQuery(_my_cases_query, prepare=False)
_MY_ACTIONS = ShapedQuery(_my_actions_query, prepare=False)
_AGENCY_ACTIONS = ShapedQuery(_agency_actions_query, prepare=False)
_RECENTLY_SHARED = ShapedQuery(lambda _shape, agency_id, since: _recently_shared(agency_id, since), prepare=False)


def my_work(*, user: User, today=None) -> MyWork:
    """What is due and overdue for this user and their agency, and what was shared with them lately."""
    today = today or timezone.localdate()
    agency = access.agency_of(user)
    sources = tuple(extensions.action_source_relations())
    compiled = access.visibility_shape(user)  # asked as visible_cases asks: the same queries, in the same order
    if compiled is None:  # the ORM's path (a user the compiled path does not take)
        visible = access.visible_cases(user)
        my_cases = list(_my_cases(visible, user.pk))
        my_actions = list(_my_actions(visible, sources, user.pk))
        agency_actions = list(_agency_actions(visible, sources, agency.pk, user.pk)) if agency else []
    else:
        visibility, ids, fields = compiled
        case, action = Case._meta, Action._meta
        my_cases = _MY_CASES.rows((visibility, None), [*fields, case.get_field("officer")], [*ids, user.pk])
        my_actions = _MY_ACTIONS.rows((visibility, sources), [*fields, action.get_field("owner")], [*ids, user.pk])
        agency_actions = (
            _AGENCY_ACTIONS.rows(
                (visibility, sources),
                [*fields, action.get_field("owner_agency"), action.get_field("owner")],
                [*ids, agency.pk, user.pk],
            )
            if agency
            else []
        )
    shared = []
    if agency is not None:
        share = CaseShare._meta
        shared = _RECENTLY_SHARED.rows(
            (),
            [share.get_field("agency"), share.get_field("shared_at")],
            [agency.pk, timezone.now() - timedelta(days=30)],
        )
    extensions.label_action_sources(chain(my_actions, agency_actions))
    overdue = sum(1 for a in chain(my_actions, agency_actions) if a.due_date < today)
    return MyWork(my_cases, my_actions, agency_actions, shared, overdue)


def case_counts_by_status(*, user: User) -> dict[str, int]:
    from django.db.models import Count

    rows = access.visible_cases(user).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


@dataclass
class TimelineEvent:
    title: str
    when: Any  # a datetime or a date
    byline: str
    description: str
    changes: list


def _history_sources(case: Case):
    from .models import Action as ActionModel
    from .models import CaseParty as PartyModel
    from .models import CaseShare as ShareModel
    from .models import Evidence as EvidenceModel
    from .models import Incident as IncidentModel
    from .models import Note as NoteModel
    from .models import RiskAssessment as RiskModel

    yield "Case", Case.history.filter(id=case.pk)
    yield "Party", PartyModel.history.filter(case_id=case.pk)
    yield "Incident", IncidentModel.history.filter(case_id=case.pk)
    yield "Risk assessment", RiskModel.history.filter(case_id=case.pk)
    yield "Action", ActionModel.history.filter(case_id=case.pk)
    yield "Note", NoteModel.history.filter(case_id=case.pk)
    yield "Evidence", EvidenceModel.history.filter(case_id=case.pk)
    yield "Share", ShareModel.history.filter(case_id=case.pk).select_related("agency")
    # Vulnerability and safeguarding are the person's, whichever case recorded them (casework/vulnerability.py)
    from .models import SafeguardingReferral as ReferralModel
    from .models import Vulnerability as VulnerabilityModel

    people = case.parties.filter(person__isnull=False).values("person_id")
    yield "Vulnerability", VulnerabilityModel.history.filter(person_id__in=people)
    yield "Safeguarding referral", ReferralModel.history.filter(person_id__in=people)
    for label, history_of_case in extensions.HISTORY_SOURCES:
        yield label, history_of_case(case)


def _sources_with_rows(case: Case):
    """The history sources that hold any row for this case, found by one query of EXISTS probes, so the
    timeline reads only those tables (a case touches a few of the twenty-odd kinds of record; issue 23)."""
    from django.db.models import Exists

    sources = list(_history_sources(case))
    probes = [Exists(records.order_by()) for _, records in sources]
    present = Case.objects.filter(pk=case.pk).values_list(*probes).get()
    return [source for source, has_rows in zip(sources, present, strict=True) if has_rows]


# Records about a person, not the case: the person is named by their party on this case (an anonymous victim stays
# "Anonymous victim" to a partner), never by the record's own person field.
PERSON_RECORD_SOURCES = {"Vulnerability", "Safeguarding referral"}

# Fields of a withheld (anonymous) party that the timeline must never show to a partner.
WITHHELD_PARTY_FIELDS = {"person_id", "organisation_id", "notes"}


def timeline(case: Case, case_access: access.CaseAccess) -> list[TimelineEvent]:
    """Everything that happened on the case, newest first, built from history (one query per record type).

    Values are worded by the one history formatter (audit.history.readable): foreign keys by name (one query
    per related model, not per row), choices by label, Yes/No, GOV.UK dates, risk answers by their questions,
    evidence by its file name; the case itself is omitted.
    """
    from audit.history import entries, entry_title, readable, with_related_labels

    # the page's parties (shared with the vulnerability banner), anonymous ones last as before
    parties = sorted(case_parties(case_access), key=lambda party: (party.is_anonymous, party.pk))
    anonymous_parties = {party.pk for party in parties if party.is_anonymous}
    # whose vulnerability an entry is about, named as this user may name them on this case
    person_labels: dict[int | None, str] = {
        party.person_id: PartyView(party, party.is_anonymous and not case_access.can_view_sensitive).name
        for party in parties
        if party.person_id is not None
    }
    collected = []
    for label, records in _sources_with_rows(case):
        for entry in entries(with_related_labels(records, exclude=("case",)), model_label=label):
            withheld = (
                label == "Party"
                and not case_access.can_view_sensitive
                and (entry.object_id in anonymous_parties or getattr(entry.record, "is_anonymous", False))
            )
            person_field = label in PERSON_RECORD_SOURCES
            entry.changes = [
                change
                for change in entry.changes
                if change.field != "case_id"
                and not (withheld and change.field in WITHHELD_PARTY_FIELDS)
                and not (person_field and change.field == "person_id")
            ]
            subject = person_labels.get(getattr(entry.record, "person_id", None), "") if person_field else ""
            collected.append((label, entry, withheld, subject))
    readable([entry for _, entry, _, _ in collected])
    events: list[TimelineEvent] = []
    for label, entry, withheld, subject in collected:
        user = entry.user
        byline = (user.get_full_name() or user.get_username()) if user else "System"
        title = entry_title(entry)
        if subject:
            title = f"{title} ({subject})"
        if withheld:
            title = f"{title} (anonymous {entry.record.get_role_display().lower()})"
        events.append(
            TimelineEvent(
                title=title, when=entry.when, byline=byline, description=f"{label} {entry.kind}", changes=entry.changes
            )
        )
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def reporting_scope(user: User) -> QuerySet[Case]:
    """Cases a dashboard counts: the whole partnership for managers, otherwise the user's own agency's cases."""
    if access.sees_all_cases(user):
        return Case.objects.all()
    agency = access.agency_of(user)
    if agency is None:
        return Case.objects.none()
    return access.visible_cases(user).filter(lead_agency=agency)


def case_volumes(*, user: User, start, end) -> dict:
    """Cases logged between two dates, by category and by ward, with how many are still open; in SQL.

    One grouped query (category x ward, at most 12 x 24 rows) over a half-open range of `opened_at`, so
    PostgreSQL reads the opened_at index instead of scanning every case; the two breakdowns are summed here.
    """
    from django.db.models import Count

    from .calendar import day_bounds

    since, until = day_bounds(start, end)
    logged = reporting_scope(user).filter(opened_at__gte=since, opened_at__lt=until)
    open_filter = ~Q(status=CaseStatus.CLOSED)
    rows = logged.values("category", "ward_id").annotate(total=Count("id"), open=Count("id", filter=open_filter))
    return shape_case_volumes(rows.order_by())


def shape_case_volumes(rows) -> dict:
    """`case_volumes`' breakdowns from grouped rows ({category, ward_id, total, open}, a combination may repeat):
    every category and every ward, in order, with zeros; the dashboard's maintained figures use it too."""
    from .models import CaseCategory, Ward

    by_category: dict[str, dict[str, int]] = {}
    by_ward: dict[int, dict[str, int]] = {}
    for row in rows:
        for key, sums in ((row["category"], by_category), (row["ward_id"], by_ward)):
            counts = sums.setdefault(key, {"total": 0, "open": 0})
            counts["total"] += row["total"]
            counts["open"] += row["open"]
    categories: list[dict[str, Any]] = [
        {
            "key": key,
            "label": label,
            "total": by_category.get(key, {}).get("total", 0),
            "open": by_category.get(key, {}).get("open", 0),
        }
        for key, label in CaseCategory.choices
    ]
    wards: list[dict[str, Any]] = [
        {
            "key": ward.pk,
            "label": ward.name,
            "total": by_ward.get(ward.pk, {}).get("total", 0),
            "open": by_ward.get(ward.pk, {}).get("open", 0),
        }
        for ward in Ward.objects.order_by("name")
    ]
    for row in categories + wards:
        row["closed"] = row["total"] - row["open"]
    total = sum(row["total"] for row in categories)
    return {"by_category": categories, "by_ward": wards, "total": total, "open": sum(row["open"] for row in categories)}

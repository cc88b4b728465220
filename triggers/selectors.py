"""Every read the Community Trigger screens, My work and the dashboard need, permission-filtered.

Applications have no case of their own: they are owned by the agency that received them and are
visible to its members who hold ``triggers.view_application``, and to holders of
``casework.view_all_cases`` with that permission (managers, auditors). Linked casework cases and their
incidents are only ever shown through ``casework.access.visible_cases``.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casework import access, people
from casework.calendar import add_working_days, day_bounds
from casework.models import Agency, Case, CaseParty, Incident
from common.compiled_sql import ShapedQuery

from . import conf, threshold
from .models import (
    OPEN_STATUSES,
    Application,
    ApplicationIncident,
    CaseLink,
    CaseReview,
    Channel,
    Escalation,
    OutcomeLetter,
    Recommendation,
    ReviewContribution,
)

VIEW_PERMISSION = "triggers.view_application"
CHANGE_PERMISSION = "triggers.change_application"
ADD_PERMISSION = "triggers.add_application"
APPROVE_PERMISSION = "triggers.approve_outcomeletter"


def visible_applications(user: User) -> QuerySet[Application]:
    """Applications this user may see: their agency's, or every one for partnership-wide readers."""
    if not access.has_permission(user, VIEW_PERMISSION):
        return Application.objects.none()
    return access.held_by_agency(user, Application.objects.all())


def application_list(*, user: User) -> QuerySet[Application]:
    return visible_applications(user).select_related("owner_agency")


def get_application(*, user: User, reference: str) -> Application:
    """The application if the user may see it; 404 otherwise so outsiders cannot tell it exists."""
    application = (
        visible_applications(user)
        .select_related("owner_agency", "threshold_decided_by", "created_by", "single_point_of_contact")
        .filter(reference=reference)
        .first()
    )
    if application is None:
        raise Http404("No application found")
    return application


def incidents_for(application: Application) -> QuerySet[ApplicationIncident]:
    return application.incidents.all()


def linked_cases(*, application: Application, user: User) -> QuerySet[CaseLink]:
    """Links to cases this user may see; links to other cases stay hidden."""
    return (
        application.case_links.filter(case__in=access.visible_cases(user))
        .select_related("case__ward", "case__lead_agency", "case__address", "linked_by")
        .order_by("linked_at")
    )


def normalise_postcode(value: str) -> str:
    """Upper case with one space before the inward code ("n31aa" -> "N3 1AA")."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def _postcode_variants(*values: str) -> set[str]:
    variants = set()
    for value in values:
        if value:
            spaced = normalise_postcode(value)
            variants |= {spaced, spaced.replace(" ", "")}
    return variants


def _name_parts(name: str) -> tuple[str, str] | None:
    parts = name.split()
    if len(parts) < 2:
        return None
    return parts[0], parts[-1]


@dataclass
class RelatedCase:
    case: Case
    found_by: str


def related_cases(*, application: Application, user: User, limit: int = 20) -> list[RelatedCase]:
    """Cases the user may see about the same place or people, not yet linked: candidates to link.

    Anonymous parties' names only match for their lead agency, as in the case search, so this can never
    reveal that an anonymous victim is on a case.
    """
    postcodes = _postcode_variants(application.problem_postcode, application.applicant_postcode)
    agency = access.agency_of(user)
    may_see_identity = Q(is_anonymous=False)
    if agency is not None:
        may_see_identity |= Q(case__lead_agency=agency)
    name_match = Q(pk__in=[])
    for name in {application.applicant_name, application.victim_name} - {""}:
        parts = _name_parts(name)
        if parts:
            name_match |= Q(person__first_name__iexact=parts[0], person__last_name__iexact=parts[1])
        name_match |= Q(organisation__name__iexact=name.strip())
    person_match = CaseParty.objects.filter(Q(case=OuterRef("pk")) & name_match & may_see_identity)
    cases = (
        access.visible_cases(user)
        .exclude(trigger_links__application=application)
        .annotate(person_match=Exists(person_match))
        .filter(Q(address__postcode__in=postcodes) | Q(person_match=True))
        .select_related("ward", "lead_agency", "address")
        .order_by("-opened_at")[:limit]
    )
    results = []
    for case in cases:
        reasons = []
        if case.address and case.address.postcode in postcodes:
            reasons.append(f"postcode {case.address.postcode}")
        if case.person_match:
            reasons.append("a person named in the application")
        results.append(RelatedCase(case=case, found_by=" and ".join(reasons)))
    return results


def _same_person(application: Application, party: CaseParty | None) -> bool:
    """One person counted once: the applicant is the party's person by the person index (casework.people)."""
    name = application.applicant_name
    if party is None or not name:
        return False
    if application.applicant_person_id and party.person_id == application.applicant_person_id:
        return True  # staff said who the applicant is
    if party.person is not None:
        return people.is_same_person(
            person=party.person,
            name=name,
            email=application.applicant_email,
            phone=application.applicant_phone,
            postcode=application.applicant_postcode,
        )
    other = str(party.party or "")
    return " ".join(other.casefold().split()) == " ".join(name.casefold().split())


def applicant_matches(*, application: Application, user: User) -> list[people.PersonMatch]:
    """Known people who may be the applicant, for staff only and only among the people this user may see
    (casework.access decides): an application names nobody until staff link it (services.link_applicant)."""
    if application.applicant_person_id is not None:
        return []
    first, last = people.split_name(application.applicant_name)
    return people.propose_matches(
        user=user,
        first_name=first,
        last_name=last,
        postcode=application.applicant_postcode,
        phone=application.applicant_phone,
        email=application.applicant_email,
    )


def complaints_for(*, application: Application, user: User) -> list[threshold.Complaint]:
    """The applicant's reported incidents and those on linked cases the user may see, as complaints."""
    complaints = [
        threshold.Complaint(
            occurred_on=incident.occurred_on,
            reported_on=incident.reported_on,
            reported_to=incident.get_reported_to_display(),
            reference=incident.agency_reference,
            hate_related=incident.hate_related,
            complainant=threshold.APPLICANT,
            source="Application",
        )
        for incident in incidents_for(application)
    ]
    case_incidents = Incident.objects.filter(
        case__in=access.visible_cases(user), case__trigger_links__application=application
    ).select_related("case", "reported_to", "reported_by__person__address", "reported_by__organisation")
    for incident in case_incidents:
        party = incident.reported_by
        if _same_person(application, party):
            complainant = threshold.APPLICANT
        elif party is not None:
            complainant = f"person:{party.person_id}" if party.person_id else f"organisation:{party.organisation_id}"
        else:
            complainant = None
        complaints.append(
            threshold.Complaint(
                occurred_on=timezone.localtime(incident.occurred_at).date(),
                reported_on=timezone.localtime(incident.reported_at).date(),
                reported_to=incident.reported_to.name,
                reference=incident.agency_reference,
                hate_related=incident.hate_related,
                complainant=complainant,
                source=f"Case {incident.case.reference}",
            )
        )
    return complaints


def threshold_check(*, application: Application, user: User) -> threshold.ThresholdResult:
    """The threshold check as this user can see it, with its reasoning."""
    received_on = timezone.localtime(application.received_at).date()
    return threshold.evaluate(
        complaints=complaints_for(application=application, user=user),
        received_on=received_on,
        rules=threshold.Rules.from_settings(on=received_on),
    )


# --- duplicate applications: one place that decides "same applicant, same matter" ---
# Kept in this one selector so that it can later ask the casework person index instead (another helper is
# building it); until then it compares normalised name, email, phone and postcode.


def _name_key(value: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", value or "").casefold().split())


def _phone_key(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits if len(digits) >= 10 else ""


def _place_key(value: str) -> str:
    return _name_key(value)


@dataclass
class PossibleDuplicate:
    application: Application
    because: str


def _same_applicant(a: Application, b: Application) -> str:
    """Why two applications look like the same applicant ("" when they do not)."""
    if a.applicant_email and a.applicant_email.casefold() == b.applicant_email.casefold():
        return "the same email address"
    if _phone_key(a.applicant_phone) and _phone_key(a.applicant_phone) == _phone_key(b.applicant_phone):
        return "the same phone number"
    same_name = _name_key(a.applicant_name) and _name_key(a.applicant_name) == _name_key(b.applicant_name)
    if (
        same_name
        and a.applicant_postcode
        and normalise_postcode(a.applicant_postcode) == normalise_postcode(b.applicant_postcode)
    ):
        return "the same name and postcode"
    return ""


def _same_matter(a: Application, b: Application) -> bool:
    if a.problem_postcode and normalise_postcode(a.problem_postcode) == normalise_postcode(b.problem_postcode):
        return True
    return bool(_place_key(a.problem_location)) and _place_key(a.problem_location) == _place_key(b.problem_location)


def possible_duplicates(*, application: Application, user, limit: int = 10) -> list[PossibleDuplicate]:
    """Other applications the user may see from the same applicant about the same matter (place)."""
    words = application.problem_location.split()
    matter = Q(problem_location__istartswith=words[0]) if words else Q(pk__in=[])  # narrowed in Python below
    if application.problem_postcode:
        matter |= Q(problem_postcode__in=_postcode_variants(application.problem_postcode))
    candidates = (
        visible_applications(user).exclude(pk=application.pk).filter(matter).order_by("-received_at", "-id")[:200]
    )
    found = []
    for other in candidates:
        because = _same_applicant(application, other)
        if because and _same_matter(application, other):
            found.append(PossibleDuplicate(application=other, because=f"{because}, the same place"))
    return found[:limit]


def review_for(application: Application) -> CaseReview | None:
    return CaseReview.objects.filter(application=application).select_related("chair").first()


def contributions_for(review: CaseReview | None) -> QuerySet[ReviewContribution]:
    if review is None:
        return ReviewContribution.objects.none()
    return review.contributions.select_related("agency", "submitted_by")


def recommendations_for(review: CaseReview | None) -> QuerySet[Recommendation]:
    if review is None:
        return Recommendation.objects.none()
    return review.recommendations.select_related("owner_agency")


def outcome_letter_for(application: Application) -> OutcomeLetter | None:
    return (
        OutcomeLetter.objects.filter(application=application)
        .select_related("written_by", "approved_by", "sent_by")
        .first()
    )


CONTRIBUTE_PERMISSION = "casework.change_case"  # caseworkers of an agency: the people who hold its records
CONTRIBUTING_STATUSES = ("review_arranged", "reviewed")


def contribution_requests(*, user) -> QuerySet[ReviewContribution]:
    """Reviews the user's agency was asked to give information to, still open for it. Only members of an invited
    agency who work its cases are asked; nobody else sees that the review exists."""
    agency = access.agency_of(user)
    if agency is None or not access.has_permission(user, CONTRIBUTE_PERMISSION):
        return ReviewContribution.objects.none()
    return _contributions_to(agency.pk)


def _contributions_to(agency_id: int) -> QuerySet[ReviewContribution]:
    return (
        ReviewContribution.objects.filter(agency=agency_id, review__application__status__in=CONTRIBUTING_STATUSES)
        .select_related("review__application", "agency", "submitted_by")
        .order_by("review__meeting_on", "id")
    )


# My work reads them on every visit: compiled once per thread and connection (common.compiled_sql, issue 23), then
# run with the agency's id, sent as the ORM sends it
_CONTRIBUTIONS_TO = ShapedQuery(lambda _shape, agency_id: _contributions_to(agency_id), prepare=False)


def contribution_request_list(*, user) -> list[ReviewContribution]:
    """list(contribution_requests(user=user)), without building the query each time (My work)."""
    agency = access.agency_of(user)
    if agency is None or not access.has_permission(user, CONTRIBUTE_PERMISSION):
        return []
    return _CONTRIBUTIONS_TO.rows((), [ReviewContribution._meta.get_field("agency")], [agency.pk])


def contribution_request(*, user, reference: str) -> ReviewContribution:
    """The request to the user's agency for this application's review; 404 for anyone not asked."""
    contribution = contribution_requests(user=user).filter(review__application__reference=reference).first()
    if contribution is None:
        raise Http404("No request for information found")
    return contribution


def escalations_for(application: Application) -> QuerySet[Escalation]:
    return application.escalations.select_related("recorded_by")


@dataclass(frozen=True)
class AnnualFigures:
    """What s104 requires the bodies to publish, for applications received between start and end, with the route
    each application came by (the 2025 guidance asks for several routes, each counted)."""

    start: date
    end: date
    applications_received: int
    threshold_met: int
    threshold_not_met: int
    reviews_carried_out: int
    reviews_with_recommendations: int
    routes: tuple[tuple[str, int], ...] = ()

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("Applications received", self.applications_received),
            ("Applications where the threshold was met", self.threshold_met),
            ("Applications where the threshold was not met", self.threshold_not_met),
            ("Case reviews carried out", self.reviews_carried_out),
            ("Case reviews that resulted in recommendations", self.reviews_with_recommendations),
        ]

    def route_rows(self) -> list[tuple[str, int]]:
        return [(f"Applications received: {label}", count) for label, count in self.routes]


def _figures(applications: QuerySet[Application], *, start: date, end: date) -> AnnualFigures:
    since, until = day_bounds(start, end)
    has_recommendations = Exists(Recommendation.objects.filter(review__application=OuterRef("pk")))
    reviewed = Q(review__held_on__isnull=False)
    totals = applications.filter(received_at__gte=since, received_at__lt=until).aggregate(
        n_received=Count("id"),
        n_met=Count("id", filter=Q(threshold_met=True)),
        n_not_met=Count("id", filter=Q(threshold_met=False)),
        n_reviews=Count("id", filter=reviewed),
        n_with_recommendations=Count("id", filter=reviewed & Q(has_recommendations)),
        **{f"route_{value}": Count("id", filter=Q(channel=value)) for value in Channel.values},
    )
    return AnnualFigures(
        start=start,
        end=end,
        applications_received=totals["n_received"],
        threshold_met=totals["n_met"],
        threshold_not_met=totals["n_not_met"],
        reviews_carried_out=totals["n_reviews"],
        reviews_with_recommendations=totals["n_with_recommendations"],
        routes=tuple((label, totals[f"route_{value}"]) for value, label in Channel.choices),
    )


def annual_figures(*, user: User, start: date, end: date) -> AnnualFigures:
    """The s104 publication figures for applications received from `start` to `end` (both included).

    Every figure follows the applications received in the period (a cohort), so a year's published
    figures do not move when a late decision or review lands in the next year. One SQL aggregate.
    """
    return _figures(visible_applications(user), start=start, end=end)


def published_figures(*, start: date, end: date) -> AnnualFigures:
    """The same figures for the whole partnership, for the public page: counts only, no sign-in, nothing about a
    person."""
    return _figures(Application.objects.all(), start=start, end=end)


def financial_year(starting: int) -> tuple[date, date]:
    """1 April to 31 March: the year the partnership board reports in."""
    return date(starting, 4, 1), date(starting + 1, 3, 31)


def current_financial_year(today: date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def deadlines_for(*, user: User, today: date | None = None, limit: int = 25) -> list[Application]:
    """Open applications whose next deadline is overdue or due within the next few working days."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, conf.get("DUE_SOON_WORKING_DAYS"))
    return list(
        visible_applications(user)
        .filter(status__in=OPEN_STATUSES, next_due__isnull=False, next_due__lte=horizon)
        .select_related("owner_agency")
        .order_by("next_due", "id")[:limit]
    )


def overdue_count(*, user: User, today: date | None = None) -> int:
    today = today or timezone.localdate()
    return visible_applications(user).filter(status__in=OPEN_STATUSES, next_due__lt=today).count()


@dataclass
class TimelineEvent:
    title: str
    when: datetime
    byline: str
    changes: list


def timeline(application: Application) -> list[TimelineEvent]:
    """Everything recorded on the application, newest first, from history (one query per record type)."""
    from audit.history import labelled_entries, readable

    review_ids = list(CaseReview.history.filter(application_id=application.pk).values_list("id", flat=True).distinct())
    sources = (
        ("Application", Application.history.filter(id=application.pk)),
        ("Incident", ApplicationIncident.history.filter(application_id=application.pk)),
        ("Linked case", CaseLink.history.filter(application_id=application.pk)),
        ("Review", CaseReview.history.filter(application_id=application.pk)),
        ("Body's information", ReviewContribution.history.filter(review_id__in=review_ids)),
        ("Recommendation", Recommendation.history.filter(review_id__in=review_ids)),
        ("Escalation", Escalation.history.filter(application_id=application.pk)),
        ("Outcome letter", OutcomeLetter.history.filter(application_id=application.pk)),
    )
    collected = readable(labelled_entries(sources))  # names, not ids: "Agency: Barnet Homes", "Attended: No → Yes"
    # Each body's entry says which body it is ("Barnet Homes: attended"), one query for all of them.
    bodies = Agency.objects.in_bulk(
        {e.record.agency_id for e in collected if e.model_label == "Body's information" and e.record.agency_id}
    )
    events = []
    for entry in collected:
        title = entry.reason or f"{entry.model_label} {entry.kind}"
        if entry.model_label == "Body's information" and entry.record.agency_id in bodies:
            title = f"{bodies[entry.record.agency_id].name}: {title[:1].lower()}{title[1:]}"
        user = entry.user
        byline = (user.get_full_name() or user.get_username()) if user else "Member of the public / system"
        events.append(TimelineEvent(title=title, when=entry.when, byline=byline, changes=entry.changes))
    events.sort(key=lambda e: e.when, reverse=True)
    return events

"""Every write to the Community Trigger: one transaction each, history with the acting user and a reason.

One service per transition of the application's lifecycle (models.TRANSITIONS); an illegal move raises
InvalidTransition with a message for the user. Deadlines are computed here and stored.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from casework import access
from casework.errors import InvalidTransition, NotAllowed
from casework.extensions import emit
from casework.models import ActionStatus, Agency, AgencyKind, Case, Person
from casework.services import save_with_history
from common import history
from statutory.selectors import rule as law_rule

from . import conf, deadlines, letters, selectors
from .models import (
    ESCALATION_TRANSITIONS,
    OUTCOME_LETTER_TRANSITIONS,
    TRANSITIONS,
    Application,
    ApplicationIncident,
    ApplicationReferenceCounter,
    ApplicationStatus,
    ApplyingFor,
    CaseLink,
    CaseReview,
    Channel,
    ContactPreference,
    Escalation,
    EscalationKind,
    EscalationResult,
    EscalationStatus,
    OutcomeChannel,
    OutcomeLetter,
    OutcomeLetterStatus,
    Recommendation,
    ReviewContribution,
)
from .selectors import APPROVE_PERMISSION, CHANGE_PERMISSION, normalise_postcode, visible_applications

logger = logging.getLogger(__name__)


@dataclass
class IncidentReport:
    """An incident as the applicant (or the officer taking the call) describes it."""

    occurred_on: date
    reported_on: date
    reported_to: str
    agency_reference: str = ""
    hate_related: bool = False
    description: str = ""


@dataclass
class ApplicationDetails:
    """What the applicant tells us, whichever way they apply."""

    applicant_name: str
    contact_preference: str
    problem_description: str
    problem_location: str
    applying_for: str = ApplyingFor.SELF
    applicant_email: str = ""
    applicant_phone: str = ""
    applicant_address: str = ""
    applicant_postcode: str = ""
    victim_name: str = ""
    victim_relationship: str = ""
    victim_consent: bool = False
    problem_postcode: str = ""
    incidents: list[IncidentReport] = field(default_factory=list)


def _allocate_reference(year: int) -> str:
    """Next reference such as CT-2026-0007; the counter row is locked so two callers never share one."""
    ApplicationReferenceCounter.objects.get_or_create(year=year)
    counter = ApplicationReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db()
    return f"{conf.get('REFERENCE_PREFIX')}-{year}-{counter.last_number:04d}"


def receiving_agency() -> Agency:
    """The agency that owns applications made through the public form."""
    agency = Agency.objects.filter(short_name=conf.get("RECEIVING_AGENCY"), is_active=True).first()
    if agency is None:
        agency = Agency.objects.filter(kind=AgencyKind.COUNCIL, is_active=True).order_by("id").first()
    if agency is None:
        raise ImproperlyConfigured(
            "No agency can receive Community Trigger applications: set TRIGGERS['RECEIVING_AGENCY']"
        )
    return agency


def _require_change(user, application: Application | None = None) -> None:
    access.require(
        user,
        CHANGE_PERMISSION,
        "You do not have permission to change Community Trigger applications.",
        error=NotAllowed,
    )
    if application is not None and not visible_applications(user).filter(pk=application.pk).exists():
        raise NotAllowed("You do not have permission to change this application.")


def _validate(details: ApplicationDetails) -> None:
    if details.applying_for == ApplyingFor.SOMEONE_ELSE:
        if not details.victim_name.strip():
            raise NotAllowed("Give the name of the person, business or group the application is for.")
        if not details.victim_consent:
            raise NotAllowed("Someone applying for a victim needs the victim's consent.")
    preference = details.contact_preference
    if preference == ContactPreference.EMAIL and not details.applicant_email:
        raise NotAllowed("Give an email address to be contacted by email.")
    if preference == ContactPreference.PHONE and not details.applicant_phone:
        raise NotAllowed("Give a phone number to be contacted by phone.")
    if preference == ContactPreference.LETTER and not details.applicant_address:
        raise NotAllowed("Give a postal address to be contacted by letter.")
    for incident in details.incidents:
        if incident.reported_on < incident.occurred_on:
            raise NotAllowed("An incident cannot have been reported before it happened.")


def _refresh_next_due(application: Application) -> None:
    application.next_due = deadlines.next_due(application)


def _move(application: Application, to: str) -> str:
    """Check the transition table; return the history reason for the move."""
    allowed = TRANSITIONS.get(application.status, set())
    if to not in allowed:
        current = ApplicationStatus(application.status).label.lower()
        names = ", ".join(ApplicationStatus(s).label.lower() for s in sorted(allowed)) or "nothing (it is finished)"
        raise InvalidTransition(
            f"An application that is {current} cannot become {ApplicationStatus(to).label.lower()}; "
            f"it can become: {names}."
        )
    reason = f"Status {ApplicationStatus(application.status).label} → {ApplicationStatus(to).label}"
    application.status = to
    return reason


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def receive_application(
    *,
    by: User | None,
    details: ApplicationDetails,
    channel: str,
    owner_agency: Agency,
    received_at: datetime | None = None,
    applicant_person: Person | None = None,
) -> Application:
    """Record an application with its incidents and its deadlines. `by` is None for the public form.
    `applicant_person`: the known person staff said the applicant is (never from the public form)."""
    if by is not None and not access.has_permission(by, "triggers.add_application"):
        raise NotAllowed("You do not have permission to record Community Trigger applications.")
    if applicant_person is not None:
        _require_known(by, applicant_person)
    if channel not in Channel.values:
        raise NotAllowed("Choose how the application was received.")
    _validate(details)
    received_at = received_at or timezone.now()
    received_on = timezone.localtime(received_at).date()
    acknowledge_by = deadlines.acknowledge_by(received_on)
    application = Application(
        reference=_allocate_reference(received_on.year),
        channel=channel,
        owner_agency=owner_agency,
        received_at=received_at,
        applicant_name=details.applicant_name.strip(),
        applicant_email=details.applicant_email.strip(),
        applicant_phone=details.applicant_phone.strip(),
        applicant_address=details.applicant_address.strip(),
        applicant_postcode=normalise_postcode(details.applicant_postcode),
        contact_preference=details.contact_preference,
        applying_for=details.applying_for,
        victim_name=details.victim_name.strip() if details.applying_for == ApplyingFor.SOMEONE_ELSE else "",
        victim_relationship=(
            details.victim_relationship.strip() if details.applying_for == ApplyingFor.SOMEONE_ELSE else ""
        ),
        victim_consent=details.victim_consent and details.applying_for == ApplyingFor.SOMEONE_ELSE,
        problem_description=details.problem_description.strip(),
        problem_location=details.problem_location.strip(),
        problem_postcode=normalise_postcode(details.problem_postcode),
        hate_related=any(i.hate_related for i in details.incidents),
        acknowledge_by=acknowledge_by,
        threshold_decision_by=deadlines.threshold_decision_by(acknowledge_by),
        created_by=by,
        applicant_person=applicant_person,
    )
    _refresh_next_due(application)
    save_with_history(application, by, f"Application received ({Channel(channel).label.lower()})")
    for report in details.incidents:
        _save_incident(application, by, report)
    emit("trigger_received", application=application, by=by)
    return application


def _require_known(by: User | None, person: Person) -> None:
    """Only a person the user may see (casework.access) can be named as the applicant: never by the public."""
    if by is None or not access.visible_people(by).filter(pk=person.pk, merged_into__isnull=True).exists():
        raise NotAllowed("You cannot link the applicant to that person.")


@transaction.atomic
def link_applicant(*, application: Application, person: Person, by: User) -> Application:
    """Say who the applicant is in the person index (an application made online names nobody): one history row
    with the acting user. The applicant's details as they gave them are kept as they are."""
    _require_change(by, application)
    _require_known(by, person)
    application = _locked(application)
    if application.applicant_person_id is not None:
        raise NotAllowed("The applicant is already linked to a known person.")
    application.applicant_person = person
    save_with_history(application, by, "Applicant linked to a known person")
    return application


def _save_incident(application: Application, by: User | None, report: IncidentReport) -> ApplicationIncident:
    incident = ApplicationIncident(
        application=application,
        occurred_on=report.occurred_on,
        reported_on=report.reported_on,
        reported_to=report.reported_to,
        agency_reference=report.agency_reference.strip(),
        hate_related=report.hate_related,
        description=report.description.strip(),
    )
    save_with_history(incident, by, "Incident listed")
    return incident


def submit_public_application(*, details: ApplicationDetails) -> Application:
    """An application made by a member of the public through the online form."""
    return receive_application(by=None, details=details, channel=Channel.ONLINE, owner_agency=receiving_agency())


def send_acknowledgement(*, application: Application) -> bool:
    """Email the applicant an acknowledgement. A failing mail server never loses the application:
    it stays unacknowledged, so the acknowledgement deadline shows on the staff lists."""
    if not application.applicant_email:
        return False
    now = timezone.now()
    # The acknowledgement starts the decision clock: tell the applicant the date it sets.
    context = {
        "application": application,
        "decision_by": deadlines.threshold_decision_by(timezone.localtime(now).date()),
    }
    subject = render_to_string("triggers/email/acknowledgement_subject.txt", context).strip()
    body = render_to_string("triggers/email/acknowledgement.txt", context)
    sender = conf.get("ACKNOWLEDGEMENT_FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL
    try:
        send_mail(subject, body, sender, [application.applicant_email], fail_silently=False)
    except Exception:  # noqa: BLE001 - any mail failure must leave the application safe
        logger.warning("Acknowledgement email for %s could not be sent", application.reference, exc_info=True)
        return False
    _mark_acknowledged(application=application, by=None, method=ContactPreference.EMAIL, when=now)
    return True


@transaction.atomic
def _mark_acknowledged(*, application: Application, by: User | None, method: str, when: datetime) -> Application:
    application = _locked(application)
    if application.acknowledged_at is not None:
        return application
    application.acknowledged_at = when
    application.acknowledgement_method = method
    if application.status == ApplicationStatus.RECEIVED and application.threshold_met is None:
        application.threshold_decision_by = deadlines.threshold_decision_by(timezone.localtime(when).date())
    _refresh_next_due(application)
    save_with_history(application, by, f"Acknowledged by {ContactPreference(method).label.lower()}")
    return application


@transaction.atomic
def record_acknowledgement(*, application: Application, by: User, method: str, acknowledged_on: date) -> Application:
    """An officer acknowledged the application by phone, letter or email outside the system."""
    _require_change(by, application)
    application = _locked(application)
    if application.acknowledged_at is not None:
        raise InvalidTransition("This application has already been acknowledged.")
    if method not in ContactPreference.values:
        raise NotAllowed("Choose how the applicant was told.")
    if acknowledged_on < timezone.localtime(application.received_at).date():
        raise NotAllowed("The acknowledgement cannot be before the application was received.")
    when = timezone.make_aware(datetime.combine(acknowledged_on, time(12)))
    return _mark_acknowledged(application=application, by=by, method=method, when=when)


@transaction.atomic
def add_incident(*, application: Application, by: User, report: IncidentReport) -> ApplicationIncident:
    _require_change(by, application)
    application = _locked(application)
    if not application.is_open:
        raise InvalidTransition("Incidents can only be added while the application is open.")
    if report.reported_on < report.occurred_on:
        raise NotAllowed("An incident cannot have been reported before it happened.")
    incident = _save_incident(application, by, report)
    if report.hate_related and not application.hate_related:
        application.hate_related = True
        save_with_history(application, by, "Hate incident listed", update_fields=["hate_related"])
    return incident


@transaction.atomic
def link_case(*, application: Application, case: Case, by: User, found_by: str = "") -> CaseLink:
    """Link an existing case the officer can see; its incidents then count in the threshold check."""
    _require_change(by, application)
    if not access.visible_cases(by).filter(pk=case.pk).exists():
        raise NotAllowed("You can only link cases you can see.")
    if CaseLink.objects.filter(application=application, case=case).exists():
        raise NotAllowed(f"Case {case.reference} is already linked to this application.")
    link = CaseLink(application=application, case=case, found_by=found_by[:200], linked_by=by, linked_at=timezone.now())
    save_with_history(link, by, f"Case {case.reference} linked")
    return link


@transaction.atomic
def unlink_case(*, link: CaseLink, by: User) -> None:
    _require_change(by, link.application)
    history.attribute(link, by=by, reason=f"Case {link.case.reference} unlinked")
    link.delete()


@transaction.atomic
def record_threshold_decision(
    *,
    application: Application,
    by: User,
    met: bool,
    reason: str,
    reasoning: str = "",
    decided_at: datetime | None = None,
) -> Application:
    """The manager's decision, with their reason and the check as it stood. Not met still gets a response."""
    _require_change(by, application)
    if not reason.strip():
        raise NotAllowed("Give the reason for the decision: the applicant will be told it.")
    application = _locked(application)
    to = ApplicationStatus.THRESHOLD_MET if met else ApplicationStatus.THRESHOLD_NOT_MET
    history_reason = _move(application, to)
    decided_at = decided_at or timezone.now()
    decided_on = timezone.localtime(decided_at).date()
    application.threshold_met = met
    application.threshold_reason = reason.strip()
    application.threshold_reasoning = reasoning
    application.threshold_decided_at = decided_at
    application.threshold_decided_by = by
    if met:
        application.review_meeting_by = deadlines.review_meeting_by(decided_on)
    else:
        application.outcome_by = deadlines.outcome_by(decided_on)
    _refresh_next_due(application)
    save_with_history(application, by, history_reason)
    emit("trigger_threshold_decided", application=application, by=by)
    return application


@transaction.atomic
def arrange_review(
    *,
    application: Application,
    by: User,
    meeting_on: date,
    location: str,
    agencies: list[Agency],
    victim_invited: bool | None = None,
    victim_not_invited_reason: str = "",
) -> CaseReview:
    """Set the review meeting and invite the relevant bodies (council, police, health, housing provider). The 2025
    guidance: the victim is invited, or told in writing why not (the reason is recorded and goes in the letter)."""
    _require_change(by, application)
    if not agencies:
        raise NotAllowed("Choose at least one body to take part in the review.")
    if victim_invited is False and not victim_not_invited_reason.strip():
        raise NotAllowed("Say why the victim is not invited to the meeting: they will be told in writing.")
    application = _locked(application)
    history_reason = _move(application, ApplicationStatus.REVIEW_ARRANGED)
    if application.review_meeting_by is None:
        application.review_meeting_by = deadlines.review_meeting_by(timezone.localdate())
    _refresh_next_due(application)
    save_with_history(application, by, history_reason)
    review = CaseReview(
        application=application,
        meeting_on=meeting_on,
        location=location.strip(),
        chair=by,
        victim_invited=victim_invited,
        victim_not_invited_reason="" if victim_invited is not False else victim_not_invited_reason.strip(),
    )
    save_with_history(review, by, "Review meeting arranged")
    for agency in agencies:
        contribution = ReviewContribution(review=review, agency=agency)
        save_with_history(contribution, by, f"{agency} invited to the review")
    emit("trigger_information_requested", review=review, agencies=agencies, by=by)
    return review


def _open_review(application: Application) -> CaseReview:
    review = CaseReview.objects.filter(application=application).first()
    if review is None:
        raise InvalidTransition("Arrange the review meeting first.")
    return review


@transaction.atomic
def record_contribution(*, application: Application, by: User, agency: Agency, information: str) -> ReviewContribution:
    """What one body knows about the case, gathered for the review."""
    _require_change(by, application)
    application = _locked(application)
    if application.status not in (ApplicationStatus.REVIEW_ARRANGED, ApplicationStatus.REVIEWED):
        raise InvalidTransition(
            "Information can be recorded once the review is arranged and until the outcome is sent."
        )
    if not information.strip():
        raise NotAllowed("Enter the information the body provided.")
    review = _open_review(application)
    contribution = ReviewContribution.objects.filter(review=review, agency=agency).first()
    if contribution is None:
        contribution = ReviewContribution(review=review, agency=agency)
    contribution.information = information.strip()
    contribution.submitted_by = by
    contribution.submitted_at = timezone.now()
    save_with_history(contribution, by, f"Information from {agency} recorded")
    return contribution


@transaction.atomic
def submit_contribution(*, contribution: ReviewContribution, by: User, information: str) -> ReviewContribution:
    """A partner agency invited to the review gives its own information, instead of the manager typing it in.
    Allowed only to members of that agency who work its cases (selectors.contribution_requests)."""
    if not selectors.contribution_requests(user=by).filter(pk=contribution.pk).exists():
        raise NotAllowed("Your agency has not been asked for information on this review.")
    if not information.strip():
        raise NotAllowed("Enter the information your agency holds.")
    contribution = ReviewContribution.objects.select_for_update().get(pk=contribution.pk)
    contribution.information = information.strip()
    contribution.submitted_by = by
    contribution.submitted_at = timezone.now()
    save_with_history(contribution, by, f"Information given by {contribution.agency}")
    emit("trigger_information_given", contribution=contribution, by=by)
    return contribution


@transaction.atomic
def add_recommendation(
    *, application: Application, by: User, description: str, owner_agency: Agency, due_date: date
) -> Recommendation:
    """A recommendation of the review and the body that will carry it out."""
    _require_change(by, application)
    application = _locked(application)
    if application.status not in (ApplicationStatus.REVIEW_ARRANGED, ApplicationStatus.REVIEWED):
        raise InvalidTransition("Recommendations are made at the review, before the outcome is sent.")
    if not description.strip():
        raise NotAllowed("Describe the recommendation.")
    review = _open_review(application)
    recommendation = Recommendation(
        review=review, description=description.strip(), owner_agency=owner_agency, due_date=due_date, created_by=by
    )
    save_with_history(recommendation, by, "Recommendation made")
    return recommendation


@transaction.atomic
def set_recommendation_status(*, recommendation: Recommendation, by: User, status: str) -> Recommendation:
    _require_change(by, recommendation.review.application)
    if status not in ActionStatus.values:
        raise InvalidTransition("Unknown status.")
    if recommendation.status in (ActionStatus.DONE, ActionStatus.CANCELLED) and status != ActionStatus.OPEN:
        raise InvalidTransition("A finished recommendation can only be reopened.")
    recommendation.status = status
    recommendation.completed_at = timezone.now() if status == ActionStatus.DONE else None
    save_with_history(recommendation, by, f"Recommendation {ActionStatus(status).label.lower()}")
    return recommendation


@transaction.atomic
def record_review_held(
    *, application: Application, by: User, held_on: date, attended: list[Agency], findings: str
) -> CaseReview:
    """The meeting took place: who attended and what the review found. The outcome letter is then due."""
    _require_change(by, application)
    if not findings.strip():
        raise NotAllowed("Record what the review found.")
    if held_on > timezone.localdate():
        raise NotAllowed("The meeting date cannot be in the future.")
    application = _locked(application)
    history_reason = _move(application, ApplicationStatus.REVIEWED)
    review = _open_review(application)
    review.held_on = held_on
    review.findings = findings.strip()
    save_with_history(review, by, "Review meeting held")
    attended_ids = {a.pk for a in attended}
    existing = {c.agency_id: c for c in review.contributions.all()}
    for agency in attended:
        if agency.pk not in existing:
            existing[agency.pk] = ReviewContribution(review=review, agency=agency)
    for agency_id, contribution in existing.items():
        present = agency_id in attended_ids
        if contribution.pk is None or contribution.attended != present:
            contribution.attended = present
            save_with_history(contribution, by, "Attendance recorded")
    application.outcome_by = deadlines.outcome_by(held_on)
    _refresh_next_due(application)
    save_with_history(application, by, history_reason)
    return review


def _outcome_channel(application: Application) -> str:
    """The outcome goes in writing by the applicant's chosen channel: email if they chose it, otherwise a letter
    (a phone call is no record of reasons), and email only when there is no postal address."""
    if application.contact_preference == ContactPreference.EMAIL and application.applicant_email:
        return OutcomeChannel.EMAIL
    if application.applicant_address:
        return OutcomeChannel.LETTER
    if application.applicant_email:
        return OutcomeChannel.EMAIL
    raise NotAllowed("We have no email or postal address for the applicant: the outcome must go to them in writing.")


def _letter_or_none(application: Application) -> OutcomeLetter | None:
    return OutcomeLetter.objects.select_for_update().filter(application=application).first()


@transaction.atomic
def save_outcome_draft(*, application: Application, by: User, body: str, at: datetime | None = None) -> OutcomeLetter:
    """Write (or rewrite) the outcome letter. Nothing is sent: a second manager approves it first. Rewriting an
    approved letter withdraws the approval, so what is approved is always what is sent."""
    _require_change(by, application)
    if not body.strip():
        raise NotAllowed("Write what we found and what happens next, for the applicant.")
    application = _locked(application)
    if ApplicationStatus.OUTCOME_SENT not in TRANSITIONS[application.status]:
        current = ApplicationStatus(application.status).label.lower()
        raise InvalidTransition(
            f"An application that is {current} cannot have its outcome written yet: "
            "the threshold decision (and any review meeting) comes first."
        )
    letter = _letter_or_none(application)
    if letter is not None and letter.status == OutcomeLetterStatus.SENT:
        raise InvalidTransition("The outcome letter has already been sent.")
    if letter is None:
        letter = OutcomeLetter(application=application)
        reason = "Outcome letter drafted"
    else:
        reason = "Outcome letter redrafted" + (
            ": the approval is withdrawn" if letter.status == OutcomeLetterStatus.APPROVED else ""
        )
    letter.channel = _outcome_channel(application)
    letter.body = body.strip()
    letter.status = OutcomeLetterStatus.DRAFT
    letter.written_by = by
    letter.written_at = at or timezone.now()
    letter.approved_by = None
    letter.approved_at = None
    save_with_history(letter, by, reason)
    return letter


@transaction.atomic
def approve_outcome(
    *, application: Application, by: User, fingerprint: str, at: datetime | None = None
) -> OutcomeLetter:
    """A manager who did not write the letter approves it, exactly as previewed (decision 0014)."""
    _require_change(by, application)
    access.require(
        by, APPROVE_PERMISSION, "Only a Community safety manager can approve an outcome letter.", error=NotAllowed
    )
    application = _locked(application)
    letter = _letter_or_none(application)
    if letter is None:
        raise InvalidTransition("Write the outcome letter first.")
    if OutcomeLetterStatus.APPROVED not in OUTCOME_LETTER_TRANSITIONS[letter.status]:
        raise InvalidTransition(
            f"The outcome letter is {letter.get_status_display().lower()}: only a draft is approved."
        )
    if letter.written_by_id == by.pk:
        raise NotAllowed("Someone other than the writer must approve the outcome letter.")
    if fingerprint != letters.fingerprint(letter):
        raise NotAllowed("The letter has changed since you opened the preview: read it again before approving.")
    letter.status = OutcomeLetterStatus.APPROVED
    letter.approved_by = by
    letter.approved_at = at or timezone.now()
    save_with_history(letter, by, "Outcome letter approved")
    return letter


def letter_context(*, application: Application, letter: OutcomeLetter, dated: date) -> dict:
    review = selectors.review_for(application)
    return letters.context(
        application=application,
        letter=letter,
        review=review,
        recommendations=list(selectors.recommendations_for(review)),
        dated=dated,
    )


@transaction.atomic
def send_outcome(
    *, application: Application, by: User, posted_on: date | None = None, sent_at: datetime | None = None
) -> OutcomeLetter:
    """Send the approved letter by the applicant's channel: an email queued through the notification service
    (the delivery log shows it go), or a printed letter with the date it was posted. Only then is the outcome
    sent."""
    _require_change(by, application)
    application = _locked(application)
    letter = _letter_or_none(application)
    if letter is None or letter.status == OutcomeLetterStatus.DRAFT:
        raise InvalidTransition("The outcome letter must be approved before it is sent.")
    if letter.status == OutcomeLetterStatus.SENT:
        raise InvalidTransition("The outcome letter has already been sent.")
    history_reason = _move(application, ApplicationStatus.OUTCOME_SENT)
    now = sent_at or timezone.now()
    if letter.channel == OutcomeChannel.LETTER:
        if posted_on is None:
            raise NotAllowed("Enter the date the letter was posted.")
        if posted_on > timezone.localdate():
            raise NotAllowed("The date the letter was posted cannot be in the future.")
        if letter.approved_at and posted_on < timezone.localtime(letter.approved_at).date():
            raise NotAllowed("The letter cannot have been posted before it was approved.")
        letter.posted_on = posted_on
        application.outcome_sent_at = timezone.make_aware(datetime.combine(posted_on, time(12)))
        what = f"Outcome letter posted on {posted_on.day} {posted_on:%B %Y}"
    else:
        if not application.applicant_email:
            raise NotAllowed("The applicant has no email address: send the outcome by letter.")
        subject, body = letters.email(
            letter_context(application=application, letter=letter, dated=timezone.localtime(now).date())
        )
        emit(
            "trigger_outcome_letter",
            application=application,
            recipient=application.applicant_email,
            subject=subject,
            body=body,
            by=by,
        )
        letter.sent_to = application.applicant_email
        application.outcome_sent_at = now
        what = "Outcome letter emailed to the applicant"
    letter.status = OutcomeLetterStatus.SENT
    letter.sent_by = by
    letter.sent_at = now
    save_with_history(letter, by, what)
    application.outcome_summary = letter.body
    _refresh_next_due(application)
    save_with_history(application, by, history_reason)
    return letter


@transaction.atomic
def name_single_point_of_contact(*, application: Application, by: User, contact: User) -> Application:
    """The one named person the applicant deals with: a member of the owning agency who can work the application."""
    _require_change(by, application)
    if contact is None or not visible_applications(contact).filter(pk=application.pk).exists():
        raise NotAllowed("Choose someone in the owning agency who can see this application.")
    application = _locked(application)
    application.single_point_of_contact = contact
    name = contact.get_full_name() or contact.get_username()
    save_with_history(application, by, f"Single point of contact: {name}"[:100])
    return application


@transaction.atomic
def close_application(
    *, application: Application, by: User, notes: str = "", closed_at: datetime | None = None
) -> Application:
    _require_change(by, application)
    if not notes.strip():
        raise NotAllowed("Give the reason for closing the application.")
    application = _locked(application)
    history_reason = _move(application, ApplicationStatus.CLOSED)
    application.closed_at = closed_at or timezone.now()
    application.closing_notes = notes.strip()
    _refresh_next_due(application)
    save_with_history(application, by, history_reason)
    return application


@transaction.atomic
def withdraw_application(*, application: Application, by: User, reason: str) -> Application:
    """The applicant withdrew; the application stays on record (and in the year's figures)."""
    _require_change(by, application)
    if not reason.strip():
        raise NotAllowed("Say why the application was withdrawn.")
    application = _locked(application)
    history_reason = _move(application, ApplicationStatus.WITHDRAWN)
    application.closed_at = timezone.now()
    application.closing_notes = reason.strip()
    _refresh_next_due(application)
    save_with_history(application, by, history_reason)
    return application


ESCALATION_ALLOWED_FROM = {
    ApplicationStatus.THRESHOLD_NOT_MET,
    ApplicationStatus.REVIEWED,
    ApplicationStatus.OUTCOME_SENT,
    ApplicationStatus.CLOSED,
}


@transaction.atomic
def request_escalation(
    *,
    application: Application,
    by: User,
    requested_on: date,
    grounds: str,
    body: str = "",
    kind: str = EscalationKind.LOCAL,
) -> Escalation:
    """The applicant asked for the handling of their application to be reviewed: under the local procedure, or
    (kind pcc_review, once the Crime and Policing Act 2026 provision is in force) by the PCC."""
    _require_change(by, application)
    application = _locked(application)
    if kind not in EscalationKind.values:
        raise NotAllowed("Choose the kind of escalation.")
    if kind == EscalationKind.PCC_REVIEW:
        return _request_pcc_review(application, by=by, requested_on=requested_on, grounds=grounds, body=body)
    if application.status not in ESCALATION_ALLOWED_FROM:
        raise InvalidTransition("An escalation can be recorded once the threshold decision or the outcome is known.")
    if application.escalations.filter(status=EscalationStatus.REQUESTED).exists():
        raise InvalidTransition("There is already an escalation waiting for a result.")
    if not grounds.strip():
        raise NotAllowed("Say why the applicant is unhappy with the handling.")
    if requested_on > timezone.localdate():
        raise NotAllowed("The request date cannot be in the future.")
    escalation = Escalation(
        application=application,
        requested_on=requested_on,
        body=(body or conf.get("ESCALATION_BODY")).strip(),
        grounds=grounds.strip(),
        recorded_by=by,
    )
    save_with_history(escalation, by, f"Escalation to {escalation.body} requested")
    return escalation


def _request_pcc_review(
    application: Application, *, by: User, requested_on: date, grounds: str, body: str
) -> Escalation:
    """The statutory PCC review: refused before its commencement date, then a move to "Under review by the PCC"."""
    rule = law_rule("case_review.pcc_review", on=requested_on)
    if not rule.value:
        raise NotAllowed(
            f"The PCC review of a Case Review is not in force on {requested_on.day} {requested_on:%B %Y}: record an "
            "escalation under the local procedure instead (Crime and Policing Act 2026, awaiting commencement)."
        )
    if not grounds.strip():
        raise NotAllowed("Say why the applicant is unhappy with the handling.")
    if requested_on > timezone.localdate():
        raise NotAllowed("The request date cannot be in the future.")
    if ApplicationStatus.PCC_REVIEW not in TRANSITIONS[application.status]:
        raise InvalidTransition(
            "The applicant can ask the PCC to review the Case Review once its outcome has been sent."
        )
    history_reason = _move(application, ApplicationStatus.PCC_REVIEW)
    save_with_history(application, by, history_reason)
    escalation = Escalation(
        application=application,
        kind=EscalationKind.PCC_REVIEW,
        requested_on=requested_on,
        body=(body or conf.get("ESCALATION_BODY")).strip(),
        grounds=grounds.strip(),
        recorded_by=by,
    )
    save_with_history(escalation, by, f"PCC review requested ({rule.citation})"[:100])
    return escalation


@transaction.atomic
def record_escalation_result(
    *, escalation: Escalation, by: User, result: str, notes: str, concluded_on: date
) -> Escalation:
    _require_change(by, escalation.application)
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if EscalationStatus.CONCLUDED not in ESCALATION_TRANSITIONS[escalation.status]:
        raise InvalidTransition("This escalation already has a result.")
    if result not in EscalationResult.values:
        raise NotAllowed("Choose the result of the escalation.")
    if not notes.strip():
        raise NotAllowed("Give the reasons for the result of the escalation.")
    if concluded_on < escalation.requested_on:
        raise NotAllowed("The result cannot be dated before the request.")
    escalation.status = EscalationStatus.CONCLUDED
    escalation.result = result
    escalation.result_notes = notes.strip()
    escalation.concluded_on = concluded_on
    save_with_history(escalation, by, f"Escalation result: {EscalationResult(result).label}")
    application = escalation.application
    if escalation.kind == EscalationKind.PCC_REVIEW and application.status == ApplicationStatus.PCC_REVIEW:
        application = _locked(application)
        save_with_history(application, by, _move(application, ApplicationStatus.CLOSED))
    return escalation

"""Community Trigger screens for the community safety team.

Each view: check access (model permission -> 403; an application the user may not see -> 404), call
one service or selector, render. Detail pages, the letter and exports are recorded in the access log.
"""

import csv
from datetime import date, datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from casework import access, party_matches, people
from casework.errors import CaseworkError
from casework.pdf import pdf_response
from common.views import attempt, form_posted, form_saved

from . import conf, deadlines, letters, selectors, services
from .forms import (
    AcknowledgementForm,
    ApplicantLinkForm,
    ApplicationFilter,
    ApproveOutcomeForm,
    ArrangeReviewForm,
    CloseForm,
    ContactPersonForm,
    ContributionForm,
    DecisionForm,
    EscalationForm,
    EscalationResultForm,
    FiguresForm,
    IncidentForm,
    IntakeForm,
    LinkCaseForm,
    OutcomeForm,
    PartnerContributionForm,
    PostedOnForm,
    RecommendationForm,
    RecommendationStatusForm,
    ReviewHeldForm,
    WithdrawForm,
)
from .models import (
    TRANSITIONS,
    Application,
    ApplicationStatus,
    CaseLink,
    Escalation,
    EscalationStatus,
    OutcomeChannel,
    OutcomeLetterStatus,
    Recommendation,
)

OBJECT_TYPE = ObjectType.TRIGGER_APPLICATION
PAGE_SIZE = 25

TABS = (
    ("Summary", "triggers:application_detail"),
    ("Threshold", "triggers:threshold"),
    ("Review", "triggers:review"),
    ("Outcome", "triggers:outcome"),
    ("Escalation", "triggers:escalations"),
    ("Timeline", "triggers:timeline"),
)


def _log(request, application: Application, *, page: str, action: str = AccessAction.VIEW, **extra) -> None:
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=action,
        object_type=OBJECT_TYPE,
        object_id=application.pk,
        object_label=application.reference,
        details={"page": page, **extra},
        path=request.path,
    )


def _require_view(request) -> None:
    if not access.has_permission(request.user, selectors.VIEW_PERMISSION):
        raise PermissionDenied("You do not have access to the Community Trigger")


def _application(request, reference: str, *, change: bool = False) -> Application:
    """404 for anyone who may not see the application; 403 for a reader who tries to change it."""
    application = selectors.get_application(user=request.user, reference=reference)
    if change and not access.has_permission(request.user, selectors.CHANGE_PERMISSION):
        raise PermissionDenied("You can read this application but not change it")
    return application


def _context(request, application: Application, tab: str, **extra) -> dict:
    tabs = [
        {"label": label, "href": reverse(name, args=[application.reference]), "active": label == tab}
        for label, name in TABS
    ]
    today = timezone.localdate()
    return {
        "application": application,
        "tabs": tabs,
        "tab": tab,
        "can_change": access.has_permission(request.user, selectors.CHANGE_PERMISSION),
        "overdue": application.is_open and application.next_due is not None and application.next_due < today,
        "next_step": deadlines.next_step(application),
        **extra,
    }


def _form_page(request, application, tab: str, form, heading: str, submit: str, **extra):
    return render(
        request,
        "triggers/application_form_page.html",
        _context(request, application, tab, form=form, heading=heading, submit=submit, **extra),
    )


def index(request):
    """Applications with their next deadline; overdue ones flagged."""
    _require_view(request)
    application_filter = ApplicationFilter(request.GET or None, queryset=selectors.application_list(user=request.user))
    applications = application_filter.qs.order_by("-received_at", "-id")
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.LIST,
        object_type=OBJECT_TYPE,
        details={"page": page.number, "rows_shown": len(page.object_list)},
        path=request.path,
    )
    return render(
        request,
        "triggers/index.html",
        {
            "filter": application_filter,
            "page_obj": page,
            "today": timezone.localdate(),
            "overdue_total": selectors.overdue_count(user=request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def application_create(request):
    """An application received by phone, email, letter or in person."""
    agency = access.agency_of(request.user)
    if not access.has_permission(request.user, "triggers.add_application") or agency is None:
        raise PermissionDenied("You cannot record Community Trigger applications")
    form = IntakeForm(request.POST or None, initial={"received_on": timezone.localdate()})
    known = None  # the known person staff said the applicant is (casework.party_matches)
    if request.method == "POST" and form.is_valid():
        first, last = people.split_name(form.cleaned_data["applicant_name"])
        asking, known = party_matches.answer(
            request,
            lambda matches: IntakeForm(request.POST, matches=matches),
            first_name=first,
            last_name=last,
            postcode=form.cleaned_data["applicant_postcode"],
            phone=form.cleaned_data["applicant_phone"],
            email=form.cleaned_data["applicant_email"],
        )
        form = asking or form
    if request.method == "POST" and known is not False and form.is_valid():
        data = form.cleaned_data
        details = services.ApplicationDetails(
            **{name: data[name] for name in services.ApplicationDetails.__dataclass_fields__ if name in data}
        )
        received_on: date = data["received_on"]
        received_at = (
            timezone.now()
            if received_on == timezone.localdate()
            else timezone.make_aware(datetime.combine(received_on, time(9)))
        )
        application = attempt(
            request,
            form,
            lambda: services.receive_application(
                by=request.user,
                details=details,
                channel=data["channel"],
                owner_agency=agency,
                received_at=received_at,
                applicant_person=known or None,
            ),
            "Application recorded",
        )
        if application:
            messages.info(request, "Add the incidents the applicant reported, then check the threshold.")
            return redirect("triggers:application_detail", application.reference)
    return render(request, "triggers/application_create.html", {"form": form})


def application_detail(request, reference):
    application = _application(request, reference)
    _log(request, application, page="summary")
    return render(
        request,
        "triggers/application_summary.html",
        _context(
            request,
            application,
            "Summary",
            incidents=selectors.incidents_for(application),
            duplicates=selectors.possible_duplicates(application=application, user=request.user),
            applicant_matches=selectors.applicant_matches(application=application, user=request.user),
        ),
    )


def _add_incident(*, application: Application, by, **report) -> object:
    """The incident form's fields are an IncidentReport."""
    return services.add_incident(application=application, by=by, report=services.IncidentReport(**report))


@require_POST
def applicant_link(request, reference):
    """Link the applicant to one of the known people proposed on the summary; an id that was not proposed to this
    user links nobody."""
    application = _application(request, reference, change=True)
    matches = selectors.applicant_matches(application=application, user=request.user)
    form = ApplicantLinkForm(request.POST, matches=matches)
    if not form.is_valid():
        messages.error(request, form.errors["person"][0])
        return redirect("triggers:application_detail", reference)
    person = next(m.person for m in matches if str(m.person.pk) == form.cleaned_data["person"])
    try:
        services.link_applicant(application=application, person=person, by=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Applicant linked to a known person")
    return redirect("triggers:application_detail", reference)


@require_http_methods(["GET", "POST"])
def incident_add(request, reference):
    application = _application(request, reference, change=True)
    form = IncidentForm(request.POST or None)
    if form_saved(request, form, "Incident added", _add_incident, application=application):
        return redirect("triggers:application_detail", reference)
    return _form_page(request, application, "Summary", form, "Add an incident the applicant reported", "Add incident")


@require_http_methods(["GET", "POST"])
def acknowledge(request, reference):
    application = _application(request, reference, change=True)
    form = AcknowledgementForm(
        request.POST or None,
        initial={"method": application.contact_preference, "acknowledged_on": timezone.localdate()},
    )
    record = services.record_acknowledgement
    if form_saved(request, form, "Acknowledgement recorded", record, application=application):
        return redirect("triggers:application_detail", reference)
    return _form_page(request, application, "Summary", form, "Record the acknowledgement", "Save acknowledgement")


def threshold(request, reference):
    """The threshold check with its reasoning, the linked cases and candidates to link."""
    application = _application(request, reference)
    links = list(selectors.linked_cases(application=application, user=request.user))
    _log(request, application, page="threshold", linked_cases=[link.case.reference for link in links])
    may_link = application.is_open and access.has_permission(request.user, selectors.CHANGE_PERMISSION)
    related = selectors.related_cases(application=application, user=request.user) if may_link else []
    return render(
        request,
        "triggers/application_threshold.html",
        _context(
            request,
            application,
            "Threshold",
            check=selectors.threshold_check(application=application, user=request.user),
            links=links,
            related=related,
            may_link=may_link,
            link_form=LinkCaseForm(),
            may_decide=ApplicationStatus.THRESHOLD_MET in TRANSITIONS[application.status],
        ),
    )


@require_POST
def case_link(request, reference):
    application = _application(request, reference, change=True)
    form = LinkCaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter the reference of the case to link")
        return redirect("triggers:threshold", reference)
    case_reference = form.cleaned_data["case_reference"].strip().upper()
    case = access.visible_cases(request.user).filter(reference=case_reference).first()
    if case is None:
        messages.error(request, f"No case {case_reference} that you can see")
        return redirect("triggers:threshold", reference)
    try:
        services.link_case(
            application=application, case=case, by=request.user, found_by=form.cleaned_data["found_by"] or "reference"
        )
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Case {case.reference} linked")
    return redirect("triggers:threshold", reference)


@require_POST
def case_unlink(request, reference, link_id):
    application = _application(request, reference, change=True)
    link = get_object_or_404(
        CaseLink.objects.select_related("case", "application"),
        pk=link_id,
        application=application,
        case__in=access.visible_cases(request.user),
    )
    attempt(
        request, None, lambda: services.unlink_case(link=link, by=request.user), f"Case {link.case.reference} unlinked"
    )
    return redirect("triggers:threshold", reference)


@require_http_methods(["GET", "POST"])
def decision(request, reference):
    application = _application(request, reference, change=True)
    check = selectors.threshold_check(application=application, user=request.user)
    form = DecisionForm(request.POST or None, initial={"met": "yes" if check.met else "no"})
    record = services.record_threshold_decision
    if form_saved(request, form, "Threshold decision recorded", record, application=application, reasoning=check.text):
        return redirect("triggers:threshold", reference)
    return _form_page(
        request, application, "Threshold", form, "Record the threshold decision", "Save decision", check=check
    )


def review(request, reference):
    application = _application(request, reference)
    _log(request, application, page="review")
    case_review = selectors.review_for(application)
    return render(
        request,
        "triggers/application_review.html",
        _context(
            request,
            application,
            "Review",
            review=case_review,
            contributions=selectors.contributions_for(case_review),
            recommendations=selectors.recommendations_for(case_review),
            status_form=RecommendationStatusForm(),
            may_arrange=ApplicationStatus.REVIEW_ARRANGED in TRANSITIONS[application.status],
            may_add=application.status in (ApplicationStatus.REVIEW_ARRANGED, ApplicationStatus.REVIEWED),
            may_hold=application.status == ApplicationStatus.REVIEW_ARRANGED,
        ),
    )


@require_http_methods(["GET", "POST"])
def review_arrange(request, reference):
    application = _application(request, reference, change=True)
    form = ArrangeReviewForm(request.POST or None)
    if form_saved(request, form, "Review meeting arranged", services.arrange_review, application=application):
        return redirect("triggers:review", reference)
    return _form_page(request, application, "Review", form, "Arrange the review meeting", "Arrange meeting")


@require_http_methods(["GET", "POST"])
def contribution_add(request, reference):
    application = _application(request, reference, change=True)
    form = ContributionForm(request.POST or None)
    if form_saved(request, form, "Information recorded", services.record_contribution, application=application):
        return redirect("triggers:review", reference)
    return _form_page(request, application, "Review", form, "Record information from a body", "Save information")


def contribution_requests(request):
    """Reviews the user's agency has been asked to give information to (partners: no other Case Review page)."""
    requests = list(selectors.contribution_requests(user=request.user))
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.LIST,
        object_type=OBJECT_TYPE,
        details={"page": "review information requests", "rows_shown": len(requests)},
        path=request.path,
    )
    return render(request, "triggers/contribution_requests.html", {"requests": requests})


@require_http_methods(["GET", "POST"])
def contribution_submit(request, reference):
    """A partner gives its own information for a review it was invited to; 404 for anyone not asked."""
    contribution = selectors.contribution_request(user=request.user, reference=reference)
    application = contribution.review.application
    form = PartnerContributionForm(request.POST or None, initial={"information": contribution.information})
    done = "Your information has been sent to the review"
    if form_saved(request, form, done, services.submit_contribution, contribution=contribution):
        _log(request, application, page="review information", action=AccessAction.CHANGE)
        return redirect("triggers:contribution_requests")
    _log(request, application, page="review information request")
    return render(
        request,
        "triggers/contribution_submit.html",
        {"contribution": contribution, "application": application, "form": form},
    )


@require_http_methods(["GET", "POST"])
def recommendation_add(request, reference):
    application = _application(request, reference, change=True)
    form = RecommendationForm(request.POST or None)
    if form_saved(request, form, "Recommendation added", services.add_recommendation, application=application):
        return redirect("triggers:review", reference)
    return _form_page(request, application, "Review", form, "Add a recommendation", "Add recommendation")


@require_POST
def recommendation_status(request, reference, recommendation_id):
    application = _application(request, reference, change=True)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("review__application"),
        pk=recommendation_id,
        review__application=application,
    )
    form = RecommendationStatusForm(request.POST)
    update = services.set_recommendation_status
    form_posted(
        request, form, "Recommendation updated", update, recommendation=recommendation, invalid="Choose a valid status"
    )
    return redirect("triggers:review", reference)


@require_http_methods(["GET", "POST"])
def review_held(request, reference):
    application = _application(request, reference, change=True)
    case_review = selectors.review_for(application)
    # Pre-fill the planned date only when the form would accept it (never a date in the future).
    today = timezone.localdate()
    planned = case_review.meeting_on if case_review else None
    initial: dict = {"held_on": planned if planned and planned <= today else None}
    if case_review is not None:
        initial["attended"] = [c.agency_id for c in case_review.contributions.all()]
    form = ReviewHeldForm(request.POST or None, initial=initial)
    if form_saved(request, form, "Review meeting recorded", services.record_review_held, application=application):
        return redirect("triggers:review", reference)
    return _form_page(request, application, "Review", form, "Record the review meeting", "Save meeting")


def outcome(request, reference):
    application = _application(request, reference)
    _log(request, application, page="outcome")
    letter = selectors.outcome_letter_for(application)
    return render(
        request,
        "triggers/application_outcome.html",
        _context(
            request,
            application,
            "Outcome",
            letter=letter,
            may_write=ApplicationStatus.OUTCOME_SENT in TRANSITIONS[application.status],
            may_close=ApplicationStatus.CLOSED in TRANSITIONS[application.status],
            may_withdraw=ApplicationStatus.WITHDRAWN in TRANSITIONS[application.status],
        ),
    )


@require_http_methods(["GET", "POST"])
def outcome_write(request, reference):
    """Write or rewrite the outcome letter: a blank box the first time, never the internal findings."""
    application = _application(request, reference, change=True)
    letter = selectors.outcome_letter_for(application)
    editable = letter if letter is not None and letter.status != OutcomeLetterStatus.SENT else None
    form = OutcomeForm(request.POST or None, initial={"body": editable.body if editable else ""})
    done = "Draft saved: check the preview, then ask another manager to approve it"
    if form_saved(request, form, done, services.save_outcome_draft, application=application):
        return redirect("triggers:outcome_preview", reference)
    return _form_page(request, application, "Outcome", form, "Write the outcome letter", "Save draft and preview")


def _letter_date(letter) -> date:
    if letter.posted_on:
        return letter.posted_on
    if letter.sent_at:
        return timezone.localtime(letter.sent_at).date()
    return timezone.localdate()


def outcome_preview(request, reference):
    """The letter exactly as the applicant will receive it, with the approve and send steps under it."""
    application = _application(request, reference)
    letter = selectors.outcome_letter_for(application)
    if letter is None:
        messages.error(request, "Write the outcome letter first")
        return redirect("triggers:outcome", reference)
    _log(request, application, page="outcome letter preview", letter_status=letter.status)
    letter_context = services.letter_context(application=application, letter=letter, dated=_letter_date(letter))
    subject, body = letters.email(letter_context) if letter.channel == OutcomeChannel.EMAIL else ("", "")
    may_change = access.has_permission(request.user, selectors.CHANGE_PERMISSION)
    may_approve = (
        letter.status == OutcomeLetterStatus.DRAFT
        and may_change
        and access.has_permission(request.user, selectors.APPROVE_PERMISSION)
        and letter.written_by_id != request.user.pk
    )
    return render(
        request,
        "triggers/application_outcome_preview.html",
        _context(
            request,
            application,
            "Outcome",
            email_subject=subject,
            email_body=body,
            may_approve=may_approve,
            approve_form=ApproveOutcomeForm(initial={"fingerprint": letters.fingerprint(letter)}),
            may_send=letter.status == OutcomeLetterStatus.APPROVED and may_change,
            posted_form=PostedOnForm(initial={"posted_on": timezone.localdate()}),
            **{k: v for k, v in letter_context.items() if k != "application"},
            heading_tag="h3",
            subheading_tag="h4",
            table_class="govuk-table",
        ),
    )


@require_POST
def outcome_approve(request, reference):
    application = _application(request, reference, change=True)
    form = ApproveOutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseworkError("Open the preview and approve the letter from there.")
        services.approve_outcome(application=application, by=request.user, fingerprint=form.cleaned_data["fingerprint"])
    except CaseworkError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Outcome letter approved: it can now be sent")
    return redirect("triggers:outcome_preview", reference)


@require_POST
def outcome_send(request, reference):
    """Send the approved letter: by email at once, or record the date the printed letter was posted."""
    application = _application(request, reference, change=True)
    letter = selectors.outcome_letter_for(application)
    posted_on = None
    if letter is not None and letter.channel == OutcomeChannel.LETTER:
        form = PostedOnForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("triggers:outcome_preview", reference)
        posted_on = form.cleaned_data["posted_on"]
    try:
        sent = services.send_outcome(application=application, by=request.user, posted_on=posted_on)
    except CaseworkError as error:
        messages.error(request, str(error))
        return redirect("triggers:outcome_preview", reference)
    _log(request, application, page="outcome letter", action=AccessAction.CHANGE, sent_by=sent.channel)
    if sent.channel == OutcomeChannel.EMAIL:
        messages.success(request, f"Outcome letter sent by email to {sent.sent_to}")
    else:
        messages.success(request, f"Outcome letter recorded as posted on {sent.posted_on:%-d %B %Y}")
    return redirect("triggers:outcome", reference)


def outcome_letter(request, reference):
    """The outcome letter as a PDF to post, once approved; every print is logged."""
    application = _application(request, reference)
    letter = selectors.outcome_letter_for(application)
    if letter is None or letter.status == OutcomeLetterStatus.DRAFT:
        messages.error(request, "The outcome letter can be printed once it is approved")
        return redirect("triggers:outcome", reference)
    _log(request, application, page="outcome letter", action=AccessAction.PRINT)
    return pdf_response(
        "triggers/outcome_letter.html",
        services.letter_context(application=application, letter=letter, dated=_letter_date(letter)),
        filename=f"{application.reference}-outcome.pdf",
        request=request,
    )


@require_http_methods(["GET", "POST"])
def contact_person(request, reference):
    """Name the applicant's single point of contact."""
    application = _application(request, reference, change=True)
    form = ContactPersonForm(
        request.POST or None,
        agency=application.owner_agency,
        initial={"contact": application.single_point_of_contact_id},
    )
    name = services.name_single_point_of_contact
    if form_saved(request, form, "Single point of contact named", name, application=application):
        return redirect("triggers:application_detail", reference)
    return _form_page(request, application, "Summary", form, "Name the single point of contact", "Save")


@require_http_methods(["GET", "POST"])
def close(request, reference):
    application = _application(request, reference, change=True)
    form = CloseForm(request.POST or None)
    if form_saved(request, form, "Application closed", services.close_application, application=application):
        return redirect("triggers:application_detail", reference)
    return _form_page(request, application, "Outcome", form, "Close the application", "Close application")


@require_http_methods(["GET", "POST"])
def withdraw(request, reference):
    application = _application(request, reference, change=True)
    form = WithdrawForm(request.POST or None)
    if form_saved(request, form, "Application withdrawn", services.withdraw_application, application=application):
        return redirect("triggers:application_detail", reference)
    return _form_page(request, application, "Outcome", form, "Record that the application was withdrawn", "Withdraw")


def escalations(request, reference):
    application = _application(request, reference)
    _log(request, application, page="escalations")
    return render(
        request,
        "triggers/application_escalations.html",
        _context(
            request,
            application,
            "Escalation",
            escalations=selectors.escalations_for(application),
            may_escalate=application.status in services.ESCALATION_ALLOWED_FROM,
        ),
    )


@require_http_methods(["GET", "POST"])
def escalation_add(request, reference):
    application = _application(request, reference, change=True)
    form = EscalationForm(
        request.POST or None, initial={"body": conf.get("ESCALATION_BODY"), "requested_on": timezone.localdate()}
    )
    if form_saved(request, form, "Escalation recorded", services.request_escalation, application=application):
        return redirect("triggers:escalations", reference)
    return _form_page(request, application, "Escalation", form, "Record an escalation request", "Save escalation")


@require_http_methods(["GET", "POST"])
def escalation_result(request, reference, escalation_id):
    application = _application(request, reference, change=True)
    escalation = get_object_or_404(
        Escalation.objects.select_related("application"),
        pk=escalation_id,
        application=application,
        status=EscalationStatus.REQUESTED,
    )
    form = EscalationResultForm(request.POST or None, initial={"concluded_on": timezone.localdate()})
    if form_saved(
        request, form, "Escalation result recorded", services.record_escalation_result, escalation=escalation
    ):
        return redirect("triggers:escalations", reference)
    return _form_page(
        request, application, "Escalation", form, f"Result of the escalation to {escalation.body}", "Save result"
    )


def timeline(request, reference):
    application = _application(request, reference)
    _log(request, application, page="timeline")
    return render(
        request,
        "triggers/application_timeline.html",
        _context(request, application, "Timeline", events=selectors.timeline(application)),
    )


def figures(request):
    """The s104 publication figures for any year (April to March)."""
    _require_view(request)
    form = FiguresForm(request.GET or None)
    year = form.chosen_year()
    start, end = selectors.financial_year(year)
    return render(
        request,
        "triggers/figures.html",
        {
            "form": form,
            "year": year,
            "figures": selectors.annual_figures(user=request.user, start=start, end=end),
        },
    )


def figures_csv(request):
    _require_view(request)
    year = FiguresForm(request.GET or None).chosen_year()
    start, end = selectors.financial_year(year)
    annual = selectors.annual_figures(user=request.user, start=start, end=end)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=AccessAction.EXPORT,
        object_type=ObjectType.TRIGGER_FIGURES,
        object_label=f"{year}/{str(year + 1)[-2:]}",
        details={"format": "csv", "start": start.isoformat(), "end": end.isoformat()},
        path=request.path,
    )
    response = HttpResponse(content_type="text/csv")
    response["Content-Disposition"] = content_disposition_header(True, f"community-trigger-{year}-{year + 1}.csv")
    writer = csv.writer(response)
    writer.writerow(["Period", "Measure", "Number"])
    period = f"{start:%d/%m/%Y} to {end:%d/%m/%Y}"
    for label, value in annual.rows() + annual.route_rows():
        writer.writerow([period, label, value])
    return response

"""The victim's journey screens: the Victim tab (schedule, contact plans, contact log, reviews) and its forms.

Reading follows the case (casework.access); anyone who may change the case may log a contact or a review.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from common.views import attempt, form_saved

from . import access, closure, pdf, selectors, services, victim
from .errors import CaseworkError
from .models import Action, ActionStatus, CaseStatus, ClosureStatus, RiskLevel, VictimConsent
from .victim_forms import (
    ActionNotDoneForm,
    CaseReviewExplainedForm,
    ClosureForm,
    ContactForm,
    ContactPlanForm,
    ProgressReviewForm,
    SignOffForm,
    SurveyForm,
    VictimUpdateForm,
)
from .views import _case_context, _form_page, _party_label, _read_page, log_case_read


def summary_context(case_access: access.CaseAccess, parties: list) -> dict:
    """What the case summary shows of the victim's journey (casework.views.case_detail); `parties`: the case's
    parties read with victim.second_report_annotations (selectors.case_parties)."""
    case = case_access.case
    return {
        "due": victim.due_on(case),
        "marac_referral_href": _marac_referral_href(case_access),
        "second_reports": _second_reports(case_access, parties),
        "pending_closure": closure.pending_closure(case),
        "latest_closure": closure.latest_closure(case) if case.status == CaseStatus.CLOSED else None,
        "may_sign_off": access.has_permission(case_access.user, closure.SIGN_OFF_PERMISSION),
        "closure_email_to": _closure_email_to(case_access),
    }


def _closure_email_to(case_access: access.CaseAccess) -> str:
    """Who the closure letter can be emailed to (a closed case's lead only; the query runs only then)."""
    if case_access.case.status != CaseStatus.CLOSED or not (case_access.is_lead and case_access.can_change):
        return ""
    party = closure.email_recipient(case_access.case)
    return _party_label(case_access)(party) if party else ""


def _second_reports(case_access: access.CaseAccess, parties: list) -> list:
    label = _party_label(case_access)
    case = case_access.case
    return [(report, label(report.party)) for report in victim.second_reports(case, parties)]


def _marac_referral_href(case_access: access.CaseAccess) -> str:
    """High risk prompts a CS MARAC referral, its form pre-filled from the case (the reference, the risk and,
    where the victim's contact plan records it, whether they consent to sharing)."""
    case = case_access.case
    if case.risk_level != RiskLevel.HIGH or case.status == CaseStatus.CLOSED:
        return ""
    if not access.has_permission(case_access.user, "marac.add_referral"):
        return ""
    query = {"case": case.reference, "risk_level": "high"}
    consent = victim.sharing_consent(case)
    if consent:
        query["consent"] = {VictimConsent.YES: "given", VictimConsent.NO: "not_given"}[consent]
    return f"{reverse('marac:referral_create')}?{urlencode(query)}"


def case_victim(request, reference):
    case_access = _read_page(request, reference, "Victim")
    case = case_access.case
    label = _party_label(case_access)
    victims = [(party, label(party), getattr(party, "contact_plan", None)) for party in victim.victims_on(case)]
    contacts = [(contact, label(contact.party)) for contact in victim.contacts_on(case)]
    return render(
        request,
        "casework/case_victim.html",
        _case_context(
            request,
            case_access,
            "Victim",
            due=victim.due_on(case),
            victims=victims,
            contacts=contacts,
            reviews=victim.reviews_on(case),
        ),
    )


@require_http_methods(["GET", "POST"])
def contact_plan(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    case = case_access.case
    parties = list(victim.victims_on(case))
    form = ContactPlanForm(request.POST or None, party_choices=(parties, _party_label(case_access)))
    if form_saved(request, form, "Contact plan saved", victim.set_contact_plan, case=case):
        return redirect("casework:case_victim", reference)
    return _form_page(request, case_access, "Victim", form, "Agree a contact plan with the victim", "Save plan")


@require_http_methods(["GET", "POST"])
def contact_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    case = case_access.case
    parties = list(victim.victims_on(case))
    form = ContactForm(request.POST or None, party_choices=(parties, _party_label(case_access)))
    if form_saved(request, form, "Contact logged", victim.log_contact, case=case):
        return redirect("casework:case_victim", reference)
    return _form_page(request, case_access, "Victim", form, "Log a contact with the victim", "Log contact")


@require_http_methods(["GET", "POST"])
def victim_update(request, reference):
    """Send the victim an update by the email or text message their contact plan names; logged as a contact."""
    case_access = access.case_access_or_404(request.user, reference, change=True)
    case = case_access.case
    parties = victim.updatable_victims(case)
    form = VictimUpdateForm(request.POST or None, party_choices=(parties, _party_label(case_access)))
    if form_saved(request, form, "Update sent: it is in the contact log", victim.send_update, case=case):
        return redirect("casework:case_victim", reference)
    return _form_page(request, case_access, "Victim", form, "Send the victim an update", "Send update")


@require_http_methods(["GET", "POST"])
def review_add(request, reference):
    case_access = access.case_access_or_404(request.user, reference, change=True)
    form = ProgressReviewForm(request.POST or None)
    if form_saved(request, form, "Review recorded", victim.record_progress_review, case=case_access.case):
        return redirect("casework:case_victim", reference)
    return _form_page(request, case_access, "Victim", form, "Record a review of the case", "Record review")


@require_http_methods(["GET", "POST"])
def action_not_done(request, reference, action_id):
    """Close an action as not done, saying whether it was not possible or not undertaken, and why."""
    case_access = access.case_access_or_404(request.user, reference, change=True)
    action = get_object_or_404(
        Action, pk=action_id, case=case_access.case, status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS]
    )
    form = ActionNotDoneForm(request.POST or None)
    close = services.set_action_status
    if form_saved(request, form, "Action closed as not done", close, action=action, status=ActionStatus.CANCELLED):
        return redirect("casework:case_actions", reference)
    return _form_page(
        request, case_access, "Actions", form, f"Close as not done: {action.description[:60]}", "Close action"
    )


@require_http_methods(["GET", "POST"])
def case_review_explained(request, reference):
    """Record that a victim reporting a second time in six months was told about the ASB Case Review."""
    case_access = access.case_access_or_404(request.user, reference, change=True)
    case = case_access.case
    parties = [report.party for report in victim.second_reports(case)] or list(victim.victims_on(case))
    form = CaseReviewExplainedForm(request.POST or None, party_choices=(parties, _party_label(case_access)))
    done = "Recorded: the victim was told about the ASB Case Review"
    if form_saved(request, form, done, victim.record_case_review_explained, case=case):
        return redirect("casework:case_detail", reference)
    return _form_page(
        request, case_access, "Summary", form, "Record that the victim was told about the ASB Case Review", "Record"
    )


def case_review_letter(request, reference, party_id):
    """The ASB Case Review letter to a victim, as a PDF; a read of the case like any other."""
    case_access = _read_page(request, reference, "Victim")
    case = case_access.case
    party = next((p for p in victim.victims_on(case) if p.pk == party_id), None)
    if party is None:
        raise Http404("No such victim on this case")
    view = selectors.party_view(party, case_access)
    return pdf.pdf_response(
        "casework/print/case_review_letter.html",
        {"case": case, "party": view, "today": timezone.localdate(), "officer": request.user},
        filename=f"{case.reference}-asb-case-review-letter.pdf",
        request=request,
        addressed_to=[party.person_id],
    )


# --- Reasoned closure and the satisfaction survey (casework/closure.py) ----------------------------------------


@require_http_methods(["GET", "POST"])
def case_close(request, reference):
    """Close with an outcome and reasons; at or above the sign-off risk the closure waits for a manager."""
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    case = case_access.case
    form = ClosureForm(request.POST or None)
    result = form_saved(request, form, "", closure.request_closure, case=case)
    if result:
        waiting = result.status == ClosureStatus.AWAITING_SIGN_OFF
        messages.success(request, "Closure sent to a manager for sign-off" if waiting else "Case closed")
        return redirect("casework:case_detail", reference)
    return _form_page(request, case_access, "Summary", form, "Close the case", "Close case")


@require_http_methods(["GET", "POST"])
def closure_sign_off(request, reference):
    case_access = access.case_access_or_404(request.user, reference)
    if not access.has_permission(request.user, closure.SIGN_OFF_PERMISSION):
        raise PermissionDenied("Only a community safety manager can sign off a closure")
    case = case_access.case
    pending = closure.pending_closure(case)
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and pending is not None and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            form,
            lambda: closure.decide_closure(
                closure=pending, by=request.user, approve=data["decision"] == "approve", notes=data["notes"]
            ),
            "Closure signed off: the case is closed" if data["decision"] == "approve" else "Closure refused",
        ):
            return redirect("casework:case_detail", reference)
    log_case_read(request, case, page="closure sign-off")
    return render(
        request,
        "casework/closure_sign_off.html",
        _case_context(request, case_access, "Summary", form=form, pending=pending),
    )


@require_POST
def closure_letter(request, reference):
    """The closure letter with a new one-use survey link, as a PDF (printing it sends the survey)."""
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    case = case_access.case
    try:
        survey, token = closure.issue_survey(case=case, by=request.user)
    except CaseworkError as error:
        messages.error(request, str(error))
        return redirect("casework:case_detail", reference)
    log_case_read(request, case, page="closure letter")
    parties = list(victim.victims_on(case))
    addressees = [p.person_id for p in parties]
    # one letter to every victim: a victim who listed another of them is left out of it (do-not-disclose)
    protected = access.protected_from_people(addressees)
    victims = [selectors.party_view(p, case_access, addressed_to=protected) for p in parties]
    survey_url = request.build_absolute_uri(reverse("casework:public_survey", args=[token]))
    return pdf.pdf_response(
        "casework/print/closure_letter.html",
        {
            "case": case,
            "victims": victims,
            "survey": survey,
            "survey_url": survey_url,
            "today": timezone.localdate(),
            "officer": request.user,
            "closure": closure.latest_closure(case),
        },
        filename=f"{case.reference}-closure-letter.pdf",
        request=request,
        addressed_to=addressees,
    )


@require_POST
def closure_letter_email(request, reference):
    """Email the closure letter and a new survey link to the victim who agreed to email."""
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    if not case_access.can_change:
        raise Http404("No case found")
    case = case_access.case
    attempt(
        request,
        None,
        lambda: closure.email_closure_letter(
            case=case,
            by=request.user,
            survey_url_for=lambda token: request.build_absolute_uri(reverse("casework:public_survey", args=[token])),
        ),
        "Closure letter emailed to the victim, with the survey link",
    )
    return redirect("casework:case_detail", reference)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_survey(request, token):
    """The victim's satisfaction survey: no sign-in, one use, expiring, rate-limited per client address."""
    if request.method == "POST" and not closure.allow_survey_post(request):
        return render(request, "casework/public/survey_closed.html", {"rate_limited": True}, status=429)
    if closure.open_survey(token) is None:
        return render(request, "casework/public/survey_closed.html", {}, status=404)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closure.answer_survey(
                token=token,
                satisfaction=data["satisfaction"],
                kept_informed=data["kept_informed"],
                comments=data["comments"],
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "casework/public/survey_thanks.html", {})
    return render(request, "casework/public/survey.html", {"form": form})

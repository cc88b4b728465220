"""CS MARAC screens. Each view: resolve access (selectors, casework.access), call one service or selector, render.

Anything outside what a user may see is a 404; a kind of change their role may not make is a 403.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from casework import access
from casework.models import Agency
from casework.pdf import pdf_response
from common.views import attempt, form_saved

from . import selectors, services
from .conf import marac_setting
from .forms import (
    AddEntryForm,
    AttendanceForm,
    ClosureProposalForm,
    HeldForm,
    InviteForm,
    MaracActionForm,
    MeetingForm,
    MoreInformationForm,
    PanelEntryForm,
    PeriodForm,
    ReferralForm,
    ResearchForm,
    ReviewForm,
    ScheduleForm,
    ScreeningForm,
)
from .models import MeetingStatus, ReferralStatus

PAGE_SIZE = 25


def _log(request, *, action: str, object_type: str, object_id="", label: str = "", case_id=None, **details):
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label,
        case_id=case_id,
        details=details,
        path=request.path,
    )


def _require_perm(user, perm: str) -> None:
    access.require(user, perm, "You do not have permission to do this")


def _meeting_tabs(request, meeting, active: str) -> list[dict]:
    tabs = [("Meeting", "marac:meeting_detail"), ("Panel list", "marac:panel_list")]
    tabs.append(("Attendance", "marac:attendance"))
    if selectors.can_read_minutes(meeting, request.user):
        tabs.append(("Minutes", "marac:minutes"))
    return [
        {"label": label, "href": reverse(name, args=[meeting.pk]), "active": label == active} for label, name in tabs
    ]


def _meeting_context(request, meeting, tab: str, **extra) -> dict:
    return {
        "meeting": meeting,
        "tabs": _meeting_tabs(request, meeting, tab),
        "tab": tab,
        "is_coordinator": services.is_coordinator(request.user),
        **extra,
    }


# --- overview --------------------------------------------------------------------------------------


def index(request):
    _require_perm(request.user, "marac.view_meeting")
    return render(request, "marac/index.html", {"overview": selectors.overview(user=request.user)})


# --- meetings --------------------------------------------------------------------------------------


def meeting_list(request):
    _require_perm(request.user, "marac.view_meeting")
    page = Paginator(selectors.meeting_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "marac/meeting_list.html", {"page_obj": page, "today": timezone.localdate()})


@require_http_methods(["GET", "POST"])
def schedule(request):
    _require_perm(request.user, "marac.add_meeting")
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and "keep_ahead" in request.POST:
        made = attempt(request, None, lambda: services.keep_schedule_ahead(by=request.user), "")
        if made is not None:
            count = len(made) if isinstance(made, list) else 0
            messages.success(request, f"{count} meeting{'s' if count != 1 else ''} added to the schedule")
            return redirect("marac:meeting_list")
    elif request.method == "POST" and form.is_valid():
        made = attempt(
            request,
            form,
            lambda: services.schedule_meetings(
                by=request.user, first=form.cleaned_data["first"], count=form.cleaned_data["count"]
            ),
            "",
        )
        if made is not None:
            messages.success(request, f"{len(made)} meeting{'s' if len(made) != 1 else ''} scheduled")
            return redirect("marac:meeting_list")
    return render(request, "marac/schedule.html", {"form": form, "cycle_weeks": marac_setting("CYCLE_WEEKS")})


def meeting_detail(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    _log(
        request,
        action=AccessAction.VIEW,
        object_type=ObjectType.MARAC_MEETING,
        object_id=meeting.pk,
        label=str(meeting),
    )
    return render(
        request,
        "marac/meeting_detail.html",
        _meeting_context(
            request,
            meeting,
            "Meeting",
            notifications=selectors.notifications_for(meeting) if services.is_coordinator(request.user) else [],
            research=selectors.research_progress(meeting) if selectors.sees_all_marac(request.user) else [],
        ),
    )


@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    _require_perm(request.user, "marac.change_meeting")
    initial = {
        "date": meeting.date,
        "start_time": meeting.start_time,
        "venue": meeting.venue,
        "is_online": meeting.is_online,
        "joining_details": meeting.joining_details,
        "chair": meeting.chair_id,
        "version": meeting.version,
    }
    form = MeetingForm(request.POST or None, initial=initial, chairs=selectors.chair_choices())
    renamed = {"version": "expected_version", "date": "on", "start_time": "start"}
    if form_saved(
        request, form, "Meeting arrangements saved", services.update_meeting, meeting=meeting, renamed=renamed
    ):
        return redirect("marac:meeting_detail", meeting.pk)
    return render(
        request,
        "marac/meeting_form_page.html",
        _meeting_context(request, meeting, "Meeting", form=form, heading="Change the arrangements", submit="Save"),
    )


# --- panel list ------------------------------------------------------------------------------------


def panel_list(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    entries = selectors.panel_list(meeting=meeting, user=request.user)
    _log(
        request,
        action=AccessAction.LIST,
        object_type=ObjectType.MARAC_PANEL_LIST,
        object_id=meeting.pk,
        label=str(meeting),
        case_ids=[e.case_id for e in entries],
    )
    return render(
        request,
        "marac/panel_list.html",
        _meeting_context(
            request,
            meeting,
            "Panel list",
            entries=entries,
            research=selectors.research_progress(meeting) if selectors.sees_all_marac(request.user) else [],
            can_edit=meeting.is_draft and access.has_permission(request.user, "marac.change_panelentry"),
        ),
    )


def _meeting_pdf(request, meeting, template: str, object_type: str, case_ids: list, *, filename: str, **context):
    """A meeting's paper (panel list, minutes) as a PDF stamped with who printed it, when and for which agency;
    the print is logged with the cases it holds."""
    _log(
        request,
        action=AccessAction.PRINT,
        object_type=object_type,
        object_id=meeting.pk,
        label=str(meeting),
        case_ids=case_ids,
        format="pdf",
    )
    context.update(
        meeting=meeting, printed_by=request.user, printed_at=timezone.now(), agency=access.agency_of(request.user)
    )
    return pdf_response(template, context, filename=filename, request=request)


def panel_list_pdf(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    entries = selectors.panel_list(meeting=meeting, user=request.user)
    return _meeting_pdf(
        request,
        meeting,
        "marac/panel_list_pdf.html",
        ObjectType.MARAC_PANEL_LIST,
        [e.case_id for e in entries],
        filename=f"cs-marac-panel-list-{meeting.date:%Y-%m-%d}.pdf",
        entries=entries,
        attendances=selectors.attendances_for(meeting),
    )


@require_POST
def panel_generate(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    _require_perm(request.user, "marac.add_panelentry")
    made = attempt(request, None, lambda: services.generate_panel_list(meeting=meeting, by=request.user), "")
    if made is not None:
        count = len(made) if isinstance(made, list) else 0
        messages.success(
            request, f"{count} case{'s' if count != 1 else ''} added to the panel list" if count else "No new cases due"
        )
    return redirect("marac:panel_list", meeting.pk)


@require_http_methods(["GET", "POST"])
def panel_add(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    _require_perm(request.user, "marac.add_panelentry")
    form = AddEntryForm(request.POST or None, referrals=selectors.addable_referrals(meeting=meeting, user=request.user))
    if form_saved(request, form, "", services.add_panel_entry, meeting=meeting):
        messages.success(request, f"{form.cleaned_data['referral'].case.reference} added to the panel list")
        return redirect("marac:panel_list", meeting.pk)
    return render(
        request,
        "marac/meeting_form_page.html",
        _meeting_context(
            request, meeting, "Panel list", form=form, heading="Add a case to the panel list", submit="Add case"
        ),
    )


def _entry(request, meeting_id, entry_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    return meeting, selectors.get_entry(meeting=meeting, user=request.user, entry_id=entry_id)


@require_http_methods(["GET", "POST"])
def entry_detail(request, meeting_id, entry_id):
    """A listed case: its summary, research, and at the meeting the panel's review and actions."""
    meeting, entry = _entry(request, meeting_id, entry_id)
    review = selectors.review_for(entry)
    may_review = (
        review is None
        and meeting.status in (MeetingStatus.PUBLISHED, MeetingStatus.HELD)
        and access.has_permission(request.user, "marac.add_casereview")
    )
    form = ReviewForm(request.POST or None, initial={"risk_level": entry.risk_level}) if may_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("The review cannot be recorded")
        done = f"Review of {entry.case.reference} recorded"
        if form_saved(request, form, done, services.record_case_review, entry=entry):
            return redirect("marac:entry_detail", meeting.pk, entry.pk)
    else:
        _log(
            request,
            action=AccessAction.VIEW,
            object_type=ObjectType.MARAC_PANEL_ENTRY,
            object_id=entry.pk,
            label=entry.case.reference,
            case_id=entry.case_id,
        )
    return render(
        request,
        "marac/entry_detail.html",
        _meeting_context(
            request,
            meeting,
            "Panel list",
            entry=entry,
            research=selectors.entry_research(entry, user=request.user),
            review=review,
            actions=selectors.review_actions(review) if review else [],
            form=form,
            may_add_actions=review is not None
            and meeting.status != MeetingStatus.MINUTES_APPROVED
            and access.has_permission(request.user, "marac.add_maracaction"),
        ),
    )


@require_http_methods(["GET", "POST"])
def entry_edit(request, meeting_id, entry_id):
    meeting, entry = _entry(request, meeting_id, entry_id)
    _require_perm(request.user, "marac.change_panelentry")
    form = PanelEntryForm(
        request.POST or None, initial={"reason": entry.reason, "risk_level": entry.risk_level, "summary": entry.summary}
    )
    if form_saved(request, form, f"{entry.case.reference} updated", services.update_panel_entry, entry=entry):
        return redirect("marac:panel_list", meeting.pk)
    return render(
        request,
        "marac/meeting_form_page.html",
        _meeting_context(
            request, meeting, "Panel list", form=form, heading=f"Edit {entry.case.reference} on the list", submit="Save"
        ),
    )


@require_POST
def entry_remove(request, meeting_id, entry_id):
    meeting, entry = _entry(request, meeting_id, entry_id)
    _require_perm(request.user, "marac.delete_panelentry")
    attempt(
        request,
        None,
        lambda: services.remove_panel_entry(entry=entry, by=request.user),
        f"{entry.case.reference} taken off the panel list",
    )
    return redirect("marac:panel_list", meeting.pk)


@require_http_methods(["GET", "POST"])
def action_add(request, meeting_id, entry_id):
    meeting, entry = _entry(request, meeting_id, entry_id)
    _require_perm(request.user, "marac.add_maracaction")
    review = selectors.review_for(entry)
    if review is None:
        raise Http404("Record the review first")
    seeing = services.agencies_seeing([entry.case_id]).get(entry.case_id, set())
    form = MaracActionForm(request.POST or None, agencies=Agency.objects.filter(pk__in=seeing, is_active=True))
    if form_saved(request, form, "Action agreed", services.add_marac_action, review=review):
        return redirect("marac:entry_detail", meeting.pk, entry.pk)
    return render(
        request,
        "marac/meeting_form_page.html",
        _meeting_context(
            request,
            meeting,
            "Panel list",
            form=form,
            heading=f"Agree an action on {entry.case.reference}",
            submit="Add action",
            cancel=reverse("marac:entry_detail", args=[meeting.pk, entry.pk]),
        ),
    )


@require_http_methods(["GET", "POST"])
def publish(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    _require_perm(request.user, "marac.change_meeting")
    if request.method == "POST":
        link = request.build_absolute_uri(reverse("marac:panel_list", args=[meeting.pk]))
        result = attempt(
            request, None, lambda: services.publish_panel_list(meeting=meeting, by=request.user, link=link), ""
        )
        if result is not None:
            messages.success(request, f"Panel list published; {len(result.notified)} agencies emailed")
            for agency, error in result.failed:
                messages.warning(request, f"The email to {agency} failed and must be sent another way: {error}")
            return redirect("marac:panel_list", meeting.pk)
        return redirect("marac:panel_list", meeting.pk)
    return render(
        request,
        "marac/publish.html",
        _meeting_context(
            request,
            meeting,
            "Panel list",
            attendances=selectors.attendances_for(meeting),
            research=selectors.research_progress(meeting),
            entry_count=meeting.entries.count(),
        ),
    )


@require_http_methods(["GET", "POST"])
def attendance(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    attendances = list(selectors.attendances_for(meeting))
    may_edit = (
        access.has_permission(request.user, "marac.change_attendance")
        and meeting.status != MeetingStatus.MINUTES_APPROVED
    )
    form = AttendanceForm(request.POST or None, attendances=attendances) if may_edit else None
    invite = InviteForm(agencies=selectors.invitable_agencies(meeting)) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Attendance cannot be changed")
        if "invite" in request.POST:
            invite = InviteForm(request.POST, agencies=selectors.invitable_agencies(meeting))
            if invite.is_valid() and attempt(
                request,
                invite,
                lambda: services.record_attendance(
                    meeting=meeting, by=request.user, agency=invite.cleaned_data["agency"], status="invited"
                ),
                f"{invite.cleaned_data['agency']} invited",
            ):
                return redirect("marac:attendance", meeting.pk)
        elif form.is_valid():

            def save():
                for row, status_name, rep_name in form.rows:
                    status, rep = form.cleaned_data[status_name], form.cleaned_data[rep_name]
                    if (status, rep) != (row.status, row.representative):
                        services.record_attendance(
                            meeting=meeting, by=request.user, agency=row.agency, status=status, representative=rep
                        )

            if attempt(request, form, save, "Attendance saved"):
                return redirect("marac:attendance", meeting.pk)
    return render(
        request,
        "marac/attendance.html",
        _meeting_context(request, meeting, "Attendance", attendances=attendances, form=form, invite=invite),
    )


@require_http_methods(["GET", "POST"])
def held(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    _require_perm(request.user, "marac.change_meeting")
    form = HeldForm(request.POST or None, initial={"minutes_notes": meeting.minutes_notes})
    done = "Meeting recorded as held: the draft minutes are ready for the chair"
    if form_saved(request, form, done, services.mark_meeting_held, meeting=meeting):
        return redirect("marac:minutes", meeting.pk)
    not_heard = [e for e in selectors.panel_list(meeting=meeting, user=request.user) if not hasattr(e, "review")]
    return render(
        request,
        "marac/held.html",
        _meeting_context(request, meeting, "Meeting", form=form, not_heard=not_heard),
    )


def _readable_minutes(request, meeting_id):
    """The meeting and the minutes the user may read (only the cases they may see); 404 before there are any."""
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    if not selectors.can_read_minutes(meeting, request.user):
        raise Http404("No minutes yet")
    return meeting, selectors.minutes(meeting=meeting, user=request.user)


def minutes(request, meeting_id):
    meeting, content = _readable_minutes(request, meeting_id)
    _log(
        request,
        action=AccessAction.VIEW,
        object_type=ObjectType.MARAC_MINUTES,
        object_id=meeting.pk,
        label=str(meeting),
        case_ids=[r.case_id for r in content.reviews],
    )
    may_approve = meeting.status == MeetingStatus.HELD and (
        meeting.chair_id == request.user.pk or (meeting.chair_id is None and services.is_coordinator(request.user))
    )
    return render(
        request,
        "marac/minutes.html",
        _meeting_context(request, meeting, "Minutes", minutes=content, may_approve=may_approve),
    )


def minutes_pdf(request, meeting_id):
    """The minutes as a PDF marked OFFICIAL-SENSITIVE, holding only the cases the printer's agency may see."""
    meeting, content = _readable_minutes(request, meeting_id)
    return _meeting_pdf(
        request,
        meeting,
        "marac/minutes_pdf.html",
        ObjectType.MARAC_MINUTES,
        [r.case_id for r in content.reviews],
        filename=f"cs-marac-minutes-{meeting.date.isoformat()}.pdf",
        minutes=content,
    )


@require_POST
def minutes_approve(request, meeting_id):
    meeting = selectors.get_meeting(user=request.user, meeting_id=meeting_id)
    if not selectors.can_read_minutes(meeting, request.user):
        raise Http404("No minutes yet")
    attempt(
        request,
        None,
        lambda: services.approve_minutes(meeting=meeting, by=request.user),
        "Minutes approved: the invited agencies can now read them",
    )
    return redirect("marac:minutes", meeting.pk)


# --- referrals -------------------------------------------------------------------------------------


def referral_list(request):
    _require_perm(request.user, "marac.view_referral")
    status = request.GET.get("status", "")
    status = status if status in ReferralStatus.values else ""
    page = Paginator(selectors.referral_list(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _log(request, action=AccessAction.LIST, object_type=ObjectType.MARAC_REFERRAL, status=status, page=page.number)
    return render(
        request,
        "marac/referral_list.html",
        {"page_obj": page, "status": status, "statuses": ReferralStatus.choices},
    )


@require_http_methods(["GET", "POST"])
def referral_create(request):
    _require_perm(request.user, "marac.add_referral")
    form = ReferralForm(
        request.POST or None,
        # Pre-filled from the case's "Refer to CS MARAC" prompt (casework.victim_views): reference, risk, consent.
        initial={
            "case_reference": request.GET.get("case", ""),
            "legal_basis": "cda_s115",
            "risk_level": request.GET.get("risk_level", ""),
            "consent": request.GET.get("consent", ""),
        },
        cases=access.visible_cases(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data, case = form.cleaned_data, form.case
        referral = attempt(
            request,
            form,
            lambda: services.refer_case(
                case=case,
                by=request.user,
                reason=data["reason"],
                risk_level=data["risk_level"],
                actions_tried=data["actions_tried"],
                consent=data["consent"],
                legal_basis=data["legal_basis"],
            ),
            f"{case.reference} referred to the CS MARAC",
        )
        if referral:
            if referral.is_repeat:
                messages.info(
                    request, "This is a repeat referral: the victim was heard at the MARAC in the last 12 months"
                )
            return redirect("marac:referral_detail", referral.pk)
    return render(request, "marac/referral_form.html", {"form": form})


def referral_detail(request, referral_id):
    referral = selectors.get_referral(user=request.user, referral_id=referral_id)
    _log(
        request,
        action=AccessAction.VIEW,
        object_type=ObjectType.MARAC_REFERRAL,
        object_id=referral.pk,
        label=referral.case.reference,
        case_id=referral.case_id,
    )
    may_screen = referral.status in (
        ReferralStatus.SUBMITTED,
        ReferralStatus.MORE_INFORMATION,
    ) and access.has_permission(request.user, "marac.change_referral")
    is_referrer = access.agency_of(request.user) == referral.referring_agency
    return render(
        request,
        "marac/referral_detail.html",
        {
            "referral": referral,
            "reviews": selectors.referral_history(referral),
            "victims": selectors.victim_records(referral=referral, user=request.user),
            "screening_form": ScreeningForm() if may_screen else None,
            "may_answer": referral.status == ReferralStatus.MORE_INFORMATION and is_referrer,
            "may_propose_closure": referral.status == ReferralStatus.ACCEPTED
            and not referral.closure_proposed_at
            and (is_referrer or services.is_coordinator(request.user)),
        },
    )


def _referral_form_page(request, referral, form, heading: str, submit: str):
    """The page of one step on a referral (screening, the information asked for, a closure proposal)."""
    return render(
        request,
        "marac/referral_form_page.html",
        {"referral": referral, "form": form, "heading": heading, "submit": submit},
    )


@require_http_methods(["GET", "POST"])
def referral_screen(request, referral_id):
    referral = selectors.get_referral(user=request.user, referral_id=referral_id)
    _require_perm(request.user, "marac.change_referral")
    form = ScreeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, text = form.cleaned_data["decision"], form.cleaned_data["explanation"]
        if decision == ScreeningForm.ACCEPT:
            result = attempt(request, form, lambda: services.accept_referral(referral=referral, by=request.user), "")
            if result:
                _, shared = result
                names = ", ".join(str(a) for a in shared) or "no new agencies (all could already see it)"
                messages.success(request, f"{referral.case.reference} is on the CS MARAC. Shared with {names}")
        elif decision == ScreeningForm.DECLINE:
            result = attempt(
                request,
                form,
                lambda: services.decline_referral(referral=referral, by=request.user, reason=text),
                "Referral declined",
            )
        else:
            result = attempt(
                request,
                form,
                lambda: services.request_more_information(referral=referral, by=request.user, request=text),
                "More information requested from the referrer",
            )
        if result:
            return redirect("marac:referral_detail", referral.pk)
    return _referral_form_page(request, referral, form, "Screen the referral", "Save decision")


@require_http_methods(["GET", "POST"])
def referral_information(request, referral_id):
    referral = selectors.get_referral(user=request.user, referral_id=referral_id)
    form = MoreInformationForm(request.POST or None)
    success = "Information added: the referral is back with the coordinator"
    if form_saved(request, form, success, services.provide_more_information, referral=referral):
        return redirect("marac:referral_detail", referral.pk)
    return _referral_form_page(request, referral, form, "Add the information requested", "Send")


@require_http_methods(["GET", "POST"])
def referral_propose_closure(request, referral_id):
    referral = selectors.get_referral(user=request.user, referral_id=referral_id)
    form = ClosureProposalForm(request.POST or None)
    success = "Closure proposed: the case will be listed for closure at the next meeting"
    if form_saved(request, form, success, services.propose_closure, referral=referral):
        return redirect("marac:referral_detail", referral.pk)
    return _referral_form_page(request, referral, form, "Propose closing the case", "Propose closure")


# --- research --------------------------------------------------------------------------------------


def research_list(request):
    _require_perm(request.user, "marac.view_researchresponse")
    requests_ = selectors.research_requests(user=request.user)
    _log(request, action=AccessAction.LIST, object_type=ObjectType.MARAC_RESEARCH)
    return render(request, "marac/research_list.html", {"requests": requests_})


@require_http_methods(["GET", "POST"])
def research_respond(request, response_id):
    response = selectors.get_research_request(user=request.user, response_id=response_id)
    case = response.entry.case
    form = ResearchForm(
        request.POST or None,
        initial={
            "holds_information": None
            if response.holds_information is None
            else ("yes" if response.holds_information else "no"),
            "findings": response.findings,
        },
    )
    if request.method == "POST":
        _require_perm(request.user, "marac.change_researchresponse")
        if form_saved(
            request, form, f"Research on {case.reference} recorded", services.record_research, response=response
        ):
            return redirect("marac:research_list")
    else:
        _log(
            request,
            action=AccessAction.VIEW,
            object_type=ObjectType.MARAC_RESEARCH,
            object_id=response.pk,
            label=case.reference,
            case_id=case.pk,
        )
    return render(request, "marac/research_form.html", {"response": response, "case": case, "form": form})


# --- actions and statistics ------------------------------------------------------------------------


def actions(request):
    _require_perm(request.user, "marac.view_maracaction")
    today = timezone.localdate()
    page = Paginator(selectors.marac_actions(user=request.user, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    _log(request, action=AccessAction.LIST, object_type=ObjectType.MARAC_ACTION, page=page.number)
    return render(
        request,
        "marac/actions.html",
        {
            "page_obj": page,
            "today": today,
            "overdue_by_agency": selectors.overdue_actions_by_agency(user=request.user, today=today),
            "agency": access.agency_of(request.user),
            "is_coordinator": services.is_coordinator(request.user),
        },
    )


@require_POST
def action_done(request, action_id):
    action = selectors.get_marac_action(user=request.user, action_id=action_id)
    attempt(request, None, lambda: services.complete_marac_action(action=action, by=request.user), "Action done")
    return redirect("marac:actions")


def statistics(request):
    if not selectors.may_read_statistics(request.user):
        raise PermissionDenied("CS MARAC figures are for the agencies that sit on the MARAC")
    today = timezone.localdate()
    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)  # the financial year
    form = PeriodForm(request.GET or None)
    start, end = year_start, today
    if request.GET and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return render(
        request,
        "marac/statistics.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": selectors.cases_per_meeting(user=request.user, start=start, end=end),
            "period": selectors.period_statistics(user=request.user, start=start, end=end),
        },
    )

"""What each announced event means for whom: the one place events become notifications.

Services of casework, marac and triggers call `casework.extensions.emit(event, **payload)` inside their
transactions; `handle` (registered in NotificationsConfig.ready) turns each into `services.notify`.
Every message names at most a reference, an agency and a date: never a person, address or narrative,
because the same words go by email and text message (OFFICIAL-SENSITIVE stays in the service).
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from casework import roles
from common.dates import govuk_date, govuk_datetime

from .models import Event
from .services import email_member_of_public, notify

# The roles that do the work. Administrators hold every model permission ("*") to run the service, but are
# told about casework only as members of an agency the case is shared with, not as handlers of every referral.
WORK_ROLES = [
    roles.ENFORCEMENT_OFFICER,
    roles.MARAC_COORDINATOR,
    roles.PARTNER_CASEWORKER,
    roles.COMMUNITY_SAFETY_MANAGER,
    roles.AUDITOR,
]


def _holding(perm: str, *, work_roles_only: bool) -> Q:
    app_label, codename = perm.split(".")
    through_role = {
        "groups__permissions__codename": codename,
        "groups__permissions__content_type__app_label": app_label,
    }
    if work_roles_only:
        through_role["groups__name__in"] = WORK_ROLES
    return Q(**through_role) | Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    )


def members(agency, *, perm: str, work_roles_only: bool = True) -> list:
    """Active members of `agency` whose roles give them `perm` ("app_label.codename")."""
    if agency is None:
        return []
    held = _holding(perm, work_roles_only=work_roles_only)
    return list(get_user_model().objects.filter(held, membership__agency=agency, is_active=True).distinct())


def holders(perm: str) -> list:
    """Active users anywhere whose work roles give them `perm`."""
    held = _holding(perm, work_roles_only=True)
    return list(get_user_model().objects.filter(held, is_active=True).distinct())


def _case_url(case, page: str = "case_detail") -> str:
    return reverse(f"casework:{page}", args=[case.reference])


def case_shared(*, share, by, **_):
    case, agency = share.case, share.agency
    notify(
        event=Event.CASE_SHARED,
        users=members(agency, perm="casework.view_case", work_roles_only=False),
        agencies=[agency],
        message=f"A case has been shared with {agency.name}: {case.reference}.",
        case=case,
        url=_case_url(case),
        by=by,
    )


def share_revoked(*, share, by, **_):
    case, agency = share.case, share.agency
    notify(
        event=Event.SHARE_REVOKED,
        users=members(agency, perm="casework.view_case", work_roles_only=False),
        agencies=[agency],
        message=f"{agency.name} no longer has access to case {case.reference}.",
        case=case,
        by=by,
    )


def action_assigned(*, action, by, **_):
    case = action.case
    if action.owner_id:
        users, whom = [action.owner], "you"
    else:
        users, whom = members(action.owner_agency, perm="casework.change_case"), action.owner_agency.name
    notify(
        event=Event.ACTION_ASSIGNED,
        users=users,
        agencies=[] if action.owner_id else [action.owner_agency],
        message=f"An action on case {case.reference} has been assigned to {whom}, due {govuk_date(action.due_date)}.",
        case=case,
        url=_case_url(case, "case_actions"),
        by=by,
    )


def marac_referral_received(*, referral, by, **_):
    notify(
        event=Event.MARAC_REFERRAL_RECEIVED,
        users=holders("marac.change_referral"),
        message=f"A CS MARAC referral has been received for case {referral.case.reference}.",
        case=referral.case,
        url=reverse("marac:referral_detail", args=[referral.pk]),
        by=by,
    )


def marac_referral_screened(*, referral, by, **_):
    notify(
        event=Event.MARAC_REFERRAL_SCREENED,
        users=[referral.referred_by],
        message=f"The CS MARAC referral for case {referral.case.reference} has been "
        f"{'accepted onto the MARAC' if referral.status == 'accepted' else 'declined'}.",
        case=referral.case,
        url=reverse("marac:referral_detail", args=[referral.pk]),
        by=by,
    )


def marac_information_requested(*, referral, by, **_):
    notify(
        event=Event.MARAC_INFORMATION_REQUESTED,
        users=[referral.referred_by],
        message=f"The MARAC coordinator has asked for more information on the referral for case "
        f"{referral.case.reference}.",
        case=referral.case,
        url=reverse("marac:referral_detail", args=[referral.pk]),
        by=by,
    )


def marac_research_requested(*, meeting, responses, by, **_):
    """Meeting-wide events fan out in a job (queued in this transaction): the coordinator's request stays one
    INSERT however many agencies and people are told."""
    per_agency = defaultdict(int)
    for response in responses:
        per_agency[str(response.agency_id)] += 1
    if per_agency:
        _later("research_requested", meeting_id=meeting.pk, per_agency=dict(per_agency), by_id=getattr(by, "pk", None))


def marac_panel_published(*, meeting, by, **_):
    _later("panel_published", meeting_id=meeting.pk, by_id=getattr(by, "pk", None))


def _later(name: str, **kwargs) -> None:
    from .tasks import fan_out

    fan_out.enqueue(name=name, **kwargs)


def research_requested(*, meeting_id: int, per_agency: dict, by_id: int | None) -> None:
    from casework.models import Agency
    from marac.models import Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    by = get_user_model().objects.filter(pk=by_id).first()
    agencies = Agency.objects.in_bulk([int(agency_id) for agency_id in per_agency])
    for agency_id, count in per_agency.items():
        agency = agencies[int(agency_id)]
        notify(
            event=Event.MARAC_RESEARCH_REQUESTED,
            users=members(agency, perm="marac.change_researchresponse"),
            agencies=[agency],
            message=f"{agency.name} has been asked to research {count} case{'s' if count != 1 else ''} for the "
            f"CS MARAC on {govuk_date(meeting.date)}.",
            url=reverse("marac:research_list"),
            by=by,
        )


def panel_published(*, meeting_id: int, by_id: int | None) -> None:
    """In the app only: the MARAC app already emails each invited agency (PanelListNotification)."""
    from marac.models import Meeting

    meeting = Meeting.objects.get(pk=meeting_id)
    users = []
    for attendance in meeting.attendances.select_related("agency"):
        users += members(attendance.agency, perm="marac.view_meeting")
    notify(
        event=Event.MARAC_PANEL_PUBLISHED,
        users=users,
        message=f"The panel list for the CS MARAC on {govuk_date(meeting.date)} has been published.",
        url=reverse("marac:panel_list", args=[meeting.pk]),
        by=get_user_model().objects.filter(pk=by_id).first(),
        email=False,
    )


DEFERRED = {"research_requested": research_requested, "panel_published": panel_published}


def trigger_received(*, application, by, **_):
    notify(
        event=Event.TRIGGER_RECEIVED,
        users=members(application.owner_agency, perm="triggers.change_application"),
        message=f"An ASB Case Review application has been received: {application.reference}.",
        url=reverse("triggers:application_detail", args=[application.reference]),
        by=by,
    )


def trigger_threshold_decided(*, application, by, **_):
    met = "met" if application.threshold_met else "not met"
    notify(
        event=Event.TRIGGER_THRESHOLD_DECIDED,
        users=members(application.owner_agency, perm="triggers.change_application"),
        message=f"The threshold for ASB Case Review {application.reference} has been decided: {met}.",
        url=reverse("triggers:application_detail", args=[application.reference]),
        by=by,
    )


def trigger_information_requested(*, review, agencies, by, **_):
    """Each body invited to a Case Review is told it has been asked, so its information is not typed in for it."""
    application = review.application
    for agency in agencies:
        notify(
            event=Event.TRIGGER_INFORMATION_REQUESTED,
            users=members(agency, perm="casework.change_case"),
            agencies=[agency],
            message=f"{agency.name} has been asked for information for ASB Case Review {application.reference}; "
            f"the review meeting is on {govuk_date(review.meeting_on)}.",
            url=reverse("triggers:contribution_submit", args=[application.reference]),
            by=by,
        )


def trigger_information_given(*, contribution, by, **_):
    """The single point of contact (or, with none named, the owning team) learns that a body has answered."""
    application = contribution.review.application
    spoc = application.single_point_of_contact
    users = (
        [spoc]
        if spoc is not None and spoc.is_active
        else members(application.owner_agency, perm="triggers.change_application")
    )
    notify(
        event=Event.TRIGGER_INFORMATION_GIVEN,
        users=users,
        message=f"{contribution.agency.name} has given its information for ASB Case Review {application.reference}.",
        url=reverse("triggers:application_detail", args=[application.reference]),
        by=by,
    )


def trigger_outcome_letter(*, recipient, subject, body, **_):
    """The approved outcome letter, to the applicant's own address: the one message that carries their words."""
    email_member_of_public(event=Event.TRIGGER_OUTCOME_LETTER, recipient=recipient, subject=subject, body=body)


def _lead_officers(case) -> list:
    """The case's officer; with none, the lead agency's caseworkers."""
    return [case.officer] if case.officer_id else members(case.lead_agency, perm="casework.change_case")


def marac_shared_view_only(*, referral, agencies, by, **_):
    """Accepting a referral shares the case view only (decision 0015): the lead decides who may change it."""
    case = referral.case
    names = ", ".join(agency.name for agency in agencies)
    notify(
        event=Event.MARAC_SHARED_VIEW_ONLY,
        users=_lead_officers(case),
        message=f"Case {case.reference} was accepted onto the CS MARAC and shared view only with {names}. "
        "Give an agency change rights on the case's sharing page if it needs them.",
        case=case,
        url=_case_url(case, "case_sharing"),
        by=by,
    )


def closure_sign_off_requested(*, closure, by, **_):
    case = closure.case
    notify(
        event=Event.CLOSURE_SIGN_OFF_REQUESTED,
        users=members(case.lead_agency, perm="casework.sign_off_closure"),
        message=f"Closing case {case.reference} ({closure.get_risk_level_display().lower()} risk) needs your sign-off.",
        case=case,
        url=_case_url(case, "closure_sign_off"),
        by=by,
    )


HANDLERS = {
    "case_shared": case_shared,
    "share_revoked": share_revoked,
    "action_assigned": action_assigned,
    "marac_referral_received": marac_referral_received,
    "marac_referral_screened": marac_referral_screened,
    "marac_information_requested": marac_information_requested,
    "marac_research_requested": marac_research_requested,
    "marac_panel_published": marac_panel_published,
    "trigger_received": trigger_received,
    "trigger_threshold_decided": trigger_threshold_decided,
    "trigger_outcome_letter": trigger_outcome_letter,
    "trigger_information_requested": trigger_information_requested,
    "trigger_information_given": trigger_information_given,
    "marac_shared_view_only": marac_shared_view_only,
    "closure_sign_off_requested": closure_sign_off_requested,
}


def case_export_ready(*, export, **_):
    notify(
        event=Event.CASE_EXPORT_READY,
        users=[export.requested_by],
        message=f"Your case export is ready: {export.rows} case(s). It can be downloaded until "
        f"{govuk_datetime(export.expires_at)}.",
        url=reverse("casework:case_exports"),
    )


def case_export_failed(*, export, **_):
    notify(
        event=Event.CASE_EXPORT_FAILED,
        users=[export.requested_by],
        message=f"Your case export could not be prepared: {export.error}. Nothing was downloaded; try again.",
        url=reverse("casework:case_exports"),
    )


HANDLERS["case_export_ready"] = case_export_ready
HANDLERS["case_export_failed"] = case_export_failed


def victim_update(*, channel, recipient, subject, body, **_):
    """The officer's update to a victim, by the channel the victim agreed (casework.victim.send_update)."""
    from .services import email_member_of_public, text_member_of_public

    if channel == "text":
        text_member_of_public(event=Event.VICTIM_UPDATE, recipient=recipient, body=body)
    else:
        email_member_of_public(event=Event.VICTIM_UPDATE, recipient=recipient, subject=subject, body=body)


HANDLERS["victim_update"] = victim_update


def handle(event: str, **payload) -> None:
    handler = HANDLERS.get(event)
    if handler is not None:
        handler(**payload)


def audit_verification_failed(record) -> None:
    """The daily (or an auditor's) verification of the audit trail failed: every auditor in the app and by email,
    and the data protection officer's mailbox (AUDIT_CHECKPOINT_EMAIL)."""
    from django.conf import settings

    from .services import email_addresses

    message = (
        f"The audit trail did not verify (check {record.pk}, "
        f"{govuk_datetime(record.finished_at)}). "
        "Open Audit, Verify the audit trail, to see the first broken link."
    )
    notify(
        event=Event.AUDIT_VERIFICATION_FAILED,
        users=holders("audit.view_accesslog"),
        message=message,
        url=reverse("audit:verification"),
    )
    email_addresses(
        event=Event.AUDIT_VERIFICATION_FAILED, recipients=list(settings.AUDIT_CHECKPOINT_EMAIL), message=message
    )

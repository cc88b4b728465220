"""Information governance screens: subject access requests and the data-protection complaints register.

Thin views: check access (governance.access), call one service or selector, render. Only the Auditor role
(the information governance role) may use them; every step is written by a service that logs it.
"""

import csv

from django.contrib import messages
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AccessAction
from audit.services import log_access
from casework.access import agency_name
from casework.pdf import pdf_response
from common.csv_output import Echo, csv_safe
from common.views import attempt, form_saved

from . import access, forms, selectors, services
from .disclosure import build_pack

SAR_STEPS = {
    # step: (form, service taking the form's fields as keywords, message on success)
    "identity": (forms.IdentityForm, services.record_identity_check, "Identity check recorded"),
    "pause": (forms.PauseForm, services.pause_for_clarification, "Clock paused while the requester clarifies"),
    "resume": (forms.ResumeForm, services.resume_after_clarification, "Clock restarted"),
    "extend": (forms.ExtendForm, services.extend_sar, "Extended by two months"),
    "searches": (forms.SearchesForm, services.record_searches, "Searches recorded"),
    "decide": (forms.DecisionForm, services.decide_sar, "Decision recorded"),
}
COMPLAINT_STEPS = {
    "acknowledge": (forms.AcknowledgeForm, services.acknowledge_complaint, "Acknowledgement recorded"),
    "investigate": (forms.InvestigateForm, services.start_investigation, "Investigation started"),
    "outcome": (forms.OutcomeForm, services.record_complaint_outcome, "Outcome recorded"),
}


def _log_read(request, *, object_type: str, obj=None, action: str = AccessAction.VIEW, details=None) -> None:
    log_access(
        user=request.user,
        agency=agency_name(request.user),
        action=action,
        object_type=object_type,
        object_id=obj.pk if obj else "",
        object_label=obj.reference if obj else "",
        person_id=getattr(obj, "person_id", None),
        details=details or {},
        path=request.path,
    )


@require_GET
def index(request):
    access.require(request.user, access.VIEW_SARS)
    return redirect("governance:sar_list")


@require_http_methods(["GET", "POST"])
def sar_list(request):
    access.require(request.user, access.VIEW_SARS)
    form = forms.SarReceiveForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, access.CHANGE_SARS)
        if sar := form_saved(request, form, "", services.receive_sar):
            messages.success(request, f"Subject access request {sar.reference} recorded")
            return redirect("governance:sar_detail", sar.pk)
    rows = list(selectors.sar_list()[:200])
    _log_read(
        request, object_type="subject_access_request", action=AccessAction.LIST, details={"rows_shown": len(rows)}
    )
    return render(request, "governance/sar_list.html", {"rows": rows, "form": form})


def _sar_or_404(request_id: int):
    sar = selectors.sar_detail(request_id)
    if sar is None:
        raise Http404("No such request")
    return sar


@require_GET
def sar_detail(request, request_id: int):
    access.require(request.user, access.VIEW_SARS)
    sar = _sar_or_404(request_id)
    _log_read(request, object_type="subject_access_request", obj=sar)
    step_forms = {step: form_class(prefix=step) for step, (form_class, _s, _m) in SAR_STEPS.items()}
    pauses = list(sar.pauses.all())
    return render(
        request,
        "governance/sar_detail.html",
        {"sar": sar, "clock": sar.clock(pauses), "pauses": pauses, "forms": step_forms},
    )


def _run_step(request, steps: dict, step: str, obj, keyword: str):
    form_class, service, message = steps[step]
    form = form_class(request.POST, prefix=step)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()
        )
        messages.error(request, f"Not saved. {errors}")
        return
    attempt(request, None, lambda: service(by=request.user, **{keyword: obj}, **form.cleaned_data), message)


@require_POST
def sar_step(request, request_id: int, step: str):
    access.require(request.user, access.CHANGE_SARS)
    sar = _sar_or_404(request_id)
    _run_step(request, SAR_STEPS, step, sar, "sar")
    return redirect("governance:sar_detail", sar.pk)


@require_GET
def sar_pack(request, request_id: int):
    """The disclosure pack as a PDF; producing it is logged as a disclosure to the data subject."""
    access.require(request.user, access.CHANGE_SARS)
    sar = _sar_or_404(request_id)
    if not sar.identity_checked_on or not sar.searches:
        messages.error(request, "Check the requester's identity and record the searches before producing the pack")
        return redirect("governance:sar_detail", sar.pk)
    pack = build_pack(person=sar.person)
    services.record_pack_generated(sar=sar, cases=[c.case.reference for c in pack.cases], by=request.user)
    context = {"sar": sar, "pack": pack, "clock": sar.clock(), "produced_at": timezone.now()}
    return pdf_response("governance/print/sar_pack.html", context, filename=f"{sar.reference}-disclosure.pdf")


# Complaints ---------------------------------------------------------------------------------------------------

REGISTER_COLUMNS = [
    "Reference",
    "Complainant",
    "Received",
    "Acknowledge by",
    "Acknowledged",
    "Investigation started",
    "Investigator",
    "Outcome",
    "Outcome date",
    "Status",
]


@require_http_methods(["GET", "POST"])
def complaint_register(request):
    access.require(request.user, access.VIEW_COMPLAINTS)
    form = forms.ComplaintReceiveForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, access.CHANGE_COMPLAINTS)
        if complaint := form_saved(request, form, "", services.receive_complaint):
            messages.success(request, f"Complaint {complaint.reference} recorded")
            return redirect("governance:complaint_detail", complaint.pk)
    filters = forms.ComplaintFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.complaint_register(**{k: v for k, v in criteria.items() if v})
    applied = {k: str(v) for k, v in criteria.items() if v}
    if request.GET.get("format") == "csv":
        _log_read(request, object_type="dp_complaint", action=AccessAction.EXPORT, details={"filters": applied})
        writer = csv.writer(Echo())

        def lines():
            yield writer.writerow(REGISTER_COLUMNS)
            for c in rows.iterator():
                yield writer.writerow(
                    [
                        c.reference,
                        csv_safe(c.complainant),
                        c.received_on,
                        c.acknowledge_by,
                        c.acknowledged_on or "",
                        c.investigation_started_on or "",
                        csv_safe(c.investigator),
                        c.get_outcome_display(),
                        c.outcome_on or "",
                        c.get_status_display(),
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv")
        response["Content-Disposition"] = content_disposition_header(True, "data-protection-complaints.csv")
        return response
    rows = list(rows[:500])
    _log_read(
        request,
        object_type="dp_complaint",
        action=AccessAction.LIST,
        details={"filters": applied, "rows_shown": len(rows)},
    )
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "governance/complaint_register.html",
        {"rows": rows, "form": form, "filters": filters, "csv_query": query.urlencode()},
    )


def _complaint_or_404(complaint_id: int):
    complaint = selectors.complaint_detail(complaint_id)
    if complaint is None:
        raise Http404("No such complaint")
    return complaint


@require_GET
def complaint_detail(request, complaint_id: int):
    access.require(request.user, access.VIEW_COMPLAINTS)
    complaint = _complaint_or_404(complaint_id)
    _log_read(request, object_type="dp_complaint", obj=complaint)
    step_forms = {step: form_class(prefix=step) for step, (form_class, _s, _m) in COMPLAINT_STEPS.items()}
    return render(request, "governance/complaint_detail.html", {"complaint": complaint, "forms": step_forms})


@require_POST
def complaint_step(request, complaint_id: int, step: str):
    access.require(request.user, access.CHANGE_COMPLAINTS)
    complaint = _complaint_or_404(complaint_id)
    _run_step(request, COMPLAINT_STEPS, step, complaint, "complaint")
    return redirect("governance:complaint_detail", complaint.pk)


# Lawful bases, regimes per agency purpose, requests from other public bodies -------------------------------------


@require_GET
def lawful_bases(request):
    access.require(request.user, access.VIEW_SARS)
    today = timezone.localdate()
    rows = [(basis, basis.in_force(today)) for basis in selectors.lawful_bases()]
    # the partnership's signposting decision, shown to the IG team beside the bases it discloses under (0016)
    signposting_decision = selectors.signposting_decision()
    return render(request, "governance/lawful_bases.html", {"rows": rows, "signposting": signposting_decision})


@require_http_methods(["GET", "POST"])
def agency_purposes(request):
    access.require(request.user, access.VIEW_SARS)
    form = forms.AgencyPurposeForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, access.CHANGE_SARS)
        if form_saved(request, form, "Processing purpose recorded", services.set_agency_purpose):
            return redirect("governance:agency_purposes")
    return render(request, "governance/agency_purposes.html", {"rows": selectors.agency_purposes(), "form": form})


@require_http_methods(["GET", "POST"])
def data_requests(request):
    access.require(request.user, access.VIEW_SARS)
    form = forms.DataRequestForm(request.POST or None)
    if request.method == "POST":
        access.require(request.user, access.CHANGE_SARS)
        if form_saved(request, form, "Request from a public body recorded", services.record_data_request):
            return redirect("governance:data_requests")
    rows = list(selectors.data_requests()[:200])
    _log_read(request, object_type="data_request", action=AccessAction.LIST, details={"rows_shown": len(rows)})
    return render(request, "governance/data_requests.html", {"rows": rows, "form": form})

"""The performance dashboard: on screen, as CSV per table, and as a PDF board pack. All reads are logged."""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from audit.objects import ObjectType
from audit.services import log_access
from casework.access import agency_of
from casework.pdf import pdf_response
from common.permissions import has_permission, permission_required

from . import selectors
from .costs import costs_section
from .forms import PeriodForm

#: The dashboard's readers, asked through the access path (common.permissions, as every screen asks).
_dashboard_reader = permission_required("reports.view_dashboard")


def _period_form(request) -> PeriodForm:
    data = request.GET if "period" in request.GET else None
    return PeriodForm(data)


def _log(request, action: str, dashboard, extra: dict | None = None) -> None:
    agency = agency_of(request.user)
    log_access(
        user=request.user,
        agency=str(agency or ""),
        action=action,
        object_type=ObjectType.DASHBOARD,
        object_label=dashboard.period.label,
        details={"start": dashboard.period.start.isoformat(), "end": dashboard.period.end.isoformat(), **(extra or {})},
        path=request.path,
    )


def _dashboard(request):
    form = _period_form(request)
    if form.is_bound and not form.is_valid():
        return form, None
    if not form.is_bound:
        form = PeriodForm({"period": "last_3_months"})
        form.is_valid()
    board = selectors.dashboard(user=request.user, period=form.to_period())
    costs = costs_section(user=request.user, period=board.period, previous=board.previous)
    if costs is not None:  # the case costs section (reports/costs.py), for agencies that record them
        board.sections.append(costs)
    return form, board


@_dashboard_reader
def dashboard(request):
    form, board = _dashboard(request)
    if board is not None:
        _log(request, "view", board)
    scope = (
        "the whole partnership"
        if has_permission(request.user, "casework.view_all_cases")
        else (f"{agency_of(request.user) or 'your agency'}'s own activity")
    )
    return render(
        request,
        "reports/dashboard.html",
        {"form": form, "board": board, "scope": scope, "query": request.GET.urlencode()},
    )


@_dashboard_reader
def dashboard_csv(request):
    form, board = _dashboard(request)
    if board is None:
        raise Http404("Choose a valid period")
    table = board.table(request.GET.get("table", ""))
    if table is None:
        raise Http404("No such table")
    _log(request, "export", board, {"table": table.key, "format": "csv"})
    response = HttpResponse(content_type="text/csv")
    filename = f"{table.key}-{board.period.start}-{board.period.end}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    if table.totals:
        writer.writerow(table.totals)
    return response


@_dashboard_reader
def dashboard_pdf(request):
    form, board = _dashboard(request)
    if board is None:
        raise Http404("Choose a valid period")
    _log(request, "print", board, {"format": "pdf"})
    return pdf_response(
        "reports/board_pack.html",
        {"board": board},
        request=request,
        filename=f"board-pack-{board.period.start}-{board.period.end}.pdf",
    )

"""The public application form: GOV.UK question pages anyone can use without signing in.

Answers are kept in the session until the applicant submits on the "Check your answers" page; nothing
is written to the database before every answer has been validated again. POSTs are CSRF-protected
(Django's middleware), rate-limited per client address and refused when the honeypot field is filled.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from . import botcheck, ratelimit, selectors, services
from .forms import ContactForm, FiguresForm, IncidentForm, ProblemForm, VictimForm, WhoForm
from .models import ApplyingFor, ContactPreference, ReportedTo

SESSION_KEY = "triggers_public_application"
SUBMITTED_KEY = "triggers_public_submitted"
HONEYPOT_FIELD = "website"
MAX_INCIDENTS = 20

STEP_FORMS = {"who": WhoForm, "victim": VictimForm, "contact": ContactForm, "problem": ProblemForm}
STEP_TITLES = {
    "who": "Are you the person affected by the anti-social behaviour?",
    "victim": "Who are you applying for?",
    "contact": "Your contact details",
    "problem": "About the anti-social behaviour",
}


def _answers(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _save_answers(request, answers: dict) -> None:
    request.session[SESSION_KEY] = answers
    request.session.modified = True


def _steps(answers: dict) -> list[str]:
    """The question pages this applicant needs: the victim page only when applying for someone else."""
    applying_for = answers.get("who", {}).get("applying_for")
    steps = ["who"]
    if applying_for == ApplyingFor.SOMEONE_ELSE:
        steps.append("victim")
    return [*steps, "contact", "problem"]


def _url(step: str) -> str:
    if step == "who":
        return reverse("triggers:public_apply")
    if step == "incidents":
        return reverse("triggers:public_incidents")
    if step == "check":
        return reverse("triggers:public_check")
    return reverse("triggers:public_step", args=[step])


def _first_missing(answers: dict) -> str | None:
    for step in _steps(answers):
        if step not in answers:
            return step
    if not answers.get("incidents"):
        return "incidents"
    return None


def _raw(form_class, post) -> dict[str, str]:
    """The posted values of this form's fields only (a date field posts name_0, name_1, name_2)."""
    names = set(form_class.base_fields)
    return {key: post.get(key) for key in post if key in names or key.rsplit("_", 1)[0] in names}


def _refuse_bot(request):
    if request.method == "POST" and request.POST.get(HONEYPOT_FIELD):
        return HttpResponseBadRequest(
            "Your application could not be accepted. If you are a person, please phone the Community Safety Team."
        )
    return None


def _rate_limited(request, bucket: str = "POSTS"):
    if request.method == "POST" and not ratelimit.allow(request, bucket):
        return render(request, "triggers/public/rate_limited.html", status=429)
    return None


def _guard(request, bucket: str = "POSTS"):
    return _rate_limited(request, bucket) or _refuse_bot(request)


def _back(answers: dict, step: str) -> str:
    order = [*_steps(answers), "incidents", "check"]
    index = order.index(step)
    return _url(order[index - 1]) if index else reverse("triggers:public_start")


@login_not_required
def public_figures(request):
    """The annual figures the partnership must publish (s104(11)), per year April to March, from the data: counts
    only, no sign-in, nothing about any person."""
    current = selectors.current_financial_year()
    years = list(range(current, current - 8, -1))
    form = FiguresForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() else years[0]
    start, end = selectors.financial_year(year)
    return render(
        request,
        "triggers/public/figures.html",
        {"form": form, "year": year, "figures": selectors.published_figures(start=start, end=end)},
    )


@login_not_required
def public_start(request):
    return render(request, "triggers/public/start.html")


@login_not_required
@require_http_methods(["GET", "POST"])
def public_apply(request):
    return _question(request, "who")


@login_not_required
@require_http_methods(["GET", "POST"])
def public_step(request, step: str):
    if step not in STEP_FORMS or step == "who":
        raise Http404("No such question")
    return _question(request, step)


def _question(request, step: str):
    refused = _guard(request)
    if refused:
        return refused
    botcheck.started_at(request)
    answers = _answers(request)
    if step not in _steps(answers):
        return redirect(_url(_first_missing(answers) or "check"))
    previous = _steps(answers)[: _steps(answers).index(step)]
    missing = [s for s in previous if s not in answers]
    if missing:
        return redirect(_url(missing[0]))
    form_class = STEP_FORMS[step]
    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            answers[step] = _raw(form_class, request.POST)
            if step == "who" and form.cleaned_data["applying_for"] == ApplyingFor.SELF:
                answers.pop("victim", None)
            _save_answers(request, answers)
            following = _first_missing(answers) if changing else None
            if changing and following is None:
                return redirect(_url("check"))
            order = [*_steps(answers), "incidents"]
            return redirect(_url(following or order[order.index(step) + 1]))
    else:
        form = form_class(answers[step]) if step in answers else form_class()
    return render(
        request,
        "triggers/public/question.html",
        {"form": form, "title": STEP_TITLES[step], "step": step, "back": _back(answers, step), "changing": changing},
    )


def _incident_rows(incidents: list[dict]) -> list[dict]:
    rows = []
    for raw in incidents:
        form = IncidentForm(raw)
        if form.is_valid():
            rows.append(form.cleaned_data | {"reported_to_label": ReportedTo(form.cleaned_data["reported_to"]).label})
    return rows


@login_not_required
@require_http_methods(["GET", "POST"])
def public_incidents(request):
    """Add the incidents reported, one at a time (GOV.UK 'add another' pattern), then continue."""
    refused = _guard(request)
    if refused:
        return refused
    answers = _answers(request)
    missing = [s for s in _steps(answers) if s not in answers]
    if missing:
        return redirect(_url(missing[0]))
    incidents = list(answers.get("incidents", []))
    form = IncidentForm()
    continue_error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            form = IncidentForm(request.POST)
            if len(incidents) >= MAX_INCIDENTS:
                form.is_valid()
                form.add_error(
                    None, f"You can list up to {MAX_INCIDENTS} incidents. Continue to send your application."
                )
            elif form.is_valid():
                incidents.append(_raw(IncidentForm, request.POST))
                answers["incidents"] = incidents
                _save_answers(request, answers)
                return redirect(_url("incidents"))
        elif action == "remove":
            try:
                incidents.pop(int(request.POST.get("index", "")))
            except (ValueError, IndexError):
                pass
            answers["incidents"] = incidents
            _save_answers(request, answers)
            return redirect(_url("incidents"))
        elif action == "continue":
            if incidents:
                return redirect(_url("check"))
            continue_error = "Add at least one incident you reported before you continue"
    return render(
        request,
        "triggers/public/incidents.html",
        {
            "form": form,
            "rows": _incident_rows(incidents),
            "continue_error": continue_error,
            "back": _back(answers, "incidents"),
        },
    )


def _details(answers: dict) -> tuple[services.ApplicationDetails | None, str | None]:
    """Validate every stored answer again; return the details or the first page with a problem."""
    cleaned: dict = {}
    for step in _steps(answers):
        form = STEP_FORMS[step](answers.get(step) or None)
        if not form.is_valid():
            return None, step
        cleaned.update(form.cleaned_data)
    reports = []
    for raw in answers.get("incidents", []):
        form = IncidentForm(raw)
        if not form.is_valid():
            return None, "incidents"
        reports.append(services.IncidentReport(**form.cleaned_data))
    if not reports:
        return None, "incidents"
    someone_else = cleaned["applying_for"] == ApplyingFor.SOMEONE_ELSE
    details = services.ApplicationDetails(
        applicant_name=cleaned["applicant_name"],
        applicant_email=cleaned["applicant_email"],
        applicant_phone=cleaned["applicant_phone"],
        applicant_address=cleaned["applicant_address"],
        applicant_postcode=cleaned["applicant_postcode"],
        contact_preference=cleaned["contact_preference"],
        applying_for=cleaned["applying_for"],
        victim_name=cleaned.get("victim_name", "") if someone_else else "",
        victim_relationship=cleaned.get("victim_relationship", "") if someone_else else "",
        victim_consent=bool(cleaned.get("victim_consent")) if someone_else else False,
        problem_description=cleaned["problem_description"],
        problem_location=cleaned["problem_location"],
        problem_postcode=cleaned["problem_postcode"],
        incidents=reports,
    )
    return details, None


@login_not_required
@require_http_methods(["GET", "POST"])
def public_check(request):
    refused = _guard(request, "SUBMISSIONS") if request.method == "POST" else None
    if refused:
        return refused
    answers = _answers(request)
    details, problem_step = _details(answers)
    if details is None:
        return redirect(_url(problem_step))
    bot_problem = botcheck.problem(request.POST.get(botcheck.FIELD, "")) if request.method == "POST" else None
    if request.method == "POST" and bot_problem is None:
        application = services.submit_public_application(details=details)
        services.send_acknowledgement(application=application)
        application.refresh_from_db()
        request.session.pop(SESSION_KEY, None)
        request.session.pop(botcheck.SESSION_KEY, None)
        request.session[SUBMITTED_KEY] = {
            "reference": application.reference,
            "email": application.applicant_email,
            "decision_by": application.threshold_decision_by.isoformat(),
        }
        return redirect("triggers:public_confirmation")
    return render(
        request,
        "triggers/public/check.html",
        {
            "details": details,
            "someone_else": details.applying_for == ApplyingFor.SOMEONE_ELSE,
            "contact_label": ContactPreference(details.contact_preference).label,
            "rows": _incident_rows(answers.get("incidents", [])),
            "back": _back(answers, "check"),
            "form_started": botcheck.issue(started_at=botcheck.started_at(request)),
            "bot_problem": bot_problem,
        },
        status=400 if bot_problem else 200,
    )


@login_not_required
def public_confirmation(request):
    submitted = request.session.get(SUBMITTED_KEY)
    if not submitted:
        return redirect("triggers:public_start")
    from datetime import date

    return render(
        request,
        "triggers/public/confirmation.html",
        {**submitted, "decision_by": date.fromisoformat(submitted["decision_by"])},
    )

"""The plumbing every enforcement screen uses: access checks, the form page, logging, detail and PDF."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from operator import attrgetter

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit.models import AccessAction
from audit.objects import ObjectType
from audit.services import log_access
from casework import access
from casework.pdf import pdf_response
from common.views import attempt as _attempt

from .. import forms
from ..models import (
    CivilInjunction,
    ClosureNotice,
    ClosureOrder,
    CommunityProtectionNotice,
    CommunityProtectionWarning,
    CPNBreach,
    CriminalBehaviourOrder,
    FixedPenaltyNotice,
    PSPOBreach,
    PublicSpacesProtectionOrder,
    RespectOrder,
)

PAGE_SIZE = 25

SECTIONS = (
    ("Overview", "enforcement:index"),
    ("Written warnings", "enforcement:warning_list"),
    ("CPNs", "enforcement:cpn_list"),
    ("Fixed penalties", "enforcement:fpn_list"),
    ("PSPOs", "enforcement:pspo_list"),
    ("Closures", "enforcement:closure_list"),
    ("CBOs", "enforcement:cbo_list"),
    ("Injunctions", "enforcement:injunction_list"),
)


def _no_caption(record) -> str:
    return ""


@dataclass(frozen=True)
class _Kind:
    """Where a kind of record lives on screen, so its detail, PDF and action pages need not repeat it."""

    object_type: str  # what the access log calls it
    section: str
    detail: str  # the page its action forms go back to, and on to after success
    detail_pk: Callable = attrgetter("pk")
    caption: Callable = _no_caption  # the action forms' caption
    form_context: dict = field(default_factory=dict)  # extra context its action forms have always carried


_KINDS: dict[type, _Kind] = {
    CommunityProtectionWarning: _Kind(
        ObjectType.CPN_WARNING,
        "Written warnings",
        "enforcement:warning_detail",
        caption=lambda warning: f"Written warning to {warning.recipient_name}",
    ),
    CommunityProtectionNotice: _Kind(
        ObjectType.CPN, "CPNs", "enforcement:cpn_detail", caption=lambda cpn: f"CPN {cpn.pk} to {cpn.recipient_name}"
    ),
    CPNBreach: _Kind(ObjectType.CPN_BREACH, "CPNs", "enforcement:cpn_detail", detail_pk=attrgetter("cpn_id")),
    FixedPenaltyNotice: _Kind(
        ObjectType.FPN,
        "Fixed penalties",
        "enforcement:fpn_detail",
        caption=lambda fpn: f"Fixed penalty {fpn.notice_number}",
        form_context={"warning": False},
    ),
    PublicSpacesProtectionOrder: _Kind(
        ObjectType.PSPO, "PSPOs", "enforcement:pspo_detail", caption=attrgetter("title")
    ),
    PSPOBreach: _Kind(ObjectType.PSPO_BREACH, "PSPOs", "enforcement:pspo_breach_detail"),
    ClosureNotice: _Kind(
        ObjectType.CLOSURE_NOTICE,
        "Closures",
        "enforcement:closure_detail",
        caption=lambda notice: notice.premises.splitlines()[0],
        form_context={"warning": False},
    ),
    ClosureOrder: _Kind(
        ObjectType.CLOSURE_ORDER, "Closures", "enforcement:closure_detail", detail_pk=attrgetter("notice_id")
    ),
    CriminalBehaviourOrder: _Kind(ObjectType.CBO, "CBOs", "enforcement:cbo_detail"),
    CivilInjunction: _Kind(ObjectType.INJUNCTION, "Injunctions", "enforcement:injunction_detail"),
    RespectOrder: _Kind(ObjectType.RESPECT_ORDER, "Injunctions", "enforcement:respect_order_detail"),
}


def _sections(active: str) -> list[dict]:
    return [{"label": label, "href": reverse(name), "active": label == active} for label, name in SECTIONS]


def _log_label(record) -> str:
    """A reference for the access log, never the recipient's name (a notice's __str__ names its recipient)."""
    number = getattr(record, "notice_number", "")
    if number:
        return f"FPN {number}"
    name = str(record._meta.verbose_name)
    return f"{name[:1].upper()}{name[1:]} {record.pk}"


def _log(request, record, *, object_type: str, action: str = AccessAction.VIEW, extra: dict | None = None) -> None:
    case_id = getattr(record, "case_id", None)
    log_access(
        user=request.user,
        agency=access.agency_name(request.user),
        action=action,
        object_type=object_type,
        object_id=record.pk,
        object_label=_log_label(record),
        case_id=case_id,
        details=extra or {},
        path=request.path,
    )


def _posted(request):
    """The submitted data on a POST (even an empty one, so it shows its errors), else None for a blank form."""
    return request.POST if request.method == "POST" else None


def _need_perm(request, codename: str) -> None:
    access.require(request.user, f"enforcement.{codename}", "You cannot do this")


def _need_change(request, record, codename: str) -> None:
    _need_perm(request, codename)
    if not access.may_change_record(request.user, record):
        raise PermissionDenied("You can read this record but not change it")


def _changeable(get: Callable, codename: str) -> Callable:
    """The record a change page works on: found through its selector (which refuses what the user may not see),
    then refused unless they may change it; one per kind, e.g. `_changeable(selectors.get_fpn, "change_...")`."""

    def to_change(request, pk):
        record = get(user=request.user, pk=pk)
        _need_change(request, record, codename)
        return record

    return to_change


def _need_case_change(request, case, codename: str) -> None:
    """For records that change with a case they reach through another record (a CPN breach, a court order)."""
    _need_perm(request, codename)
    if not access.can_change(request.user, case):
        raise PermissionDenied("You can read this record but not change it")


def _form_page(request, form, *, heading: str, submit: str, back: str, section: str, caption: str = "", **extra):
    context = {
        "form": form,
        "heading": heading,
        "submit": submit,
        "back": back,
        "caption": caption,
        "sections": _sections(section),
        **extra,
    }
    return render(request, "enforcement/form_page.html", context)


def _submit(request, form, call, *, success: str, back: str, done: str = "", asking: bool = False, **page):
    """Every form screen's one shape: a valid POST runs `call(cleaned_data)` and redirects with a banner (to the
    `done` page of what it made, else back); a GET, an invalid form, a refusal or a form `asking` a question
    (casework.party_matches) shows the form page."""
    if request.method == "POST" and not asking and form.is_valid():
        result = _attempt(request, form, lambda: call(form.cleaned_data), success)
        if result:
            return redirect(done, result.pk) if done else redirect(back)
    return _form_page(request, form, back=back, **page)


def _detail_url(record) -> str:
    kind = _KINDS[type(record)]
    return reverse(kind.detail, args=[kind.detail_pk(record)])


def _on_record(request, record, form, call, **page):
    """A form acting on a record the caller has resolved and checked: in the record's section, back to its page."""
    kind = _KINDS[type(record)]
    if request.method == "GET":  # the form page shows the record's caption: a read like its detail page
        _log(request, record, object_type=kind.object_type, extra={"page": "form"})
    page = {"section": kind.section, "caption": kind.caption(record), **kind.form_context, **page}
    return _submit(request, form, call, back=_detail_url(record), **page)


def _record_form(find, form_class, service, *, arg: str, initial=None, form_kwargs=None, extra=None, **page):
    """The action screen whose form's fields go straight to one service on one record: `find(request, pk)`
    resolves and checks the record; `initial`, `form_kwargs` and `extra` (more page context), when given, are
    worked out from it at request time."""

    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        record = find(request, pk)
        more = form_kwargs(record) if form_kwargs else {}
        form = form_class(_posted(request), initial=initial(record) if initial else None, **more)
        call = partial(service, **{arg: record}, by=request.user)
        return _on_record(request, record, form, lambda data: call(**data), **page, **(extra(record) if extra else {}))

    return view


def _cancel_form(find, service, *, arg: str, success: str, heading: str):
    """Cancel a notice, with the reason why: it cannot be undone."""
    return _record_form(
        find,
        forms.ReasonForm,
        service,
        arg=arg,
        success=success,
        heading=heading,
        submit="Cancel the notice",
        warning=True,
    )


def _on_case(request, case, form, call, **page):
    """A form making a new record on a case: captioned with the case, back to its enforcement page."""
    back = reverse("enforcement:case_enforcement", args=[case.reference])
    return _submit(request, form, call, back=back, caption=f"{case.reference} · {case.title}", **page)


def _detail(request, template: str, record, **extra):
    kind = _KINDS[type(record)]
    _log(request, record, object_type=kind.object_type)
    return render(request, template, {"record": record, "sections": _sections(kind.section), **extra})


def _pdf(request, record, *, template: str, filename: str, **extra):
    object_type = _KINDS[type(record)].object_type
    _log(request, record, object_type=object_type, action=AccessAction.PRINT, extra={"document": template})
    # addressed to the recipient: a victim who listed them (do-not-disclose) is left out of it (casework.pdf)
    addressed_to = [getattr(record, "recipient_person_id", None)]
    return pdf_response(
        template, {"record": record, **extra}, filename=filename, request=request, addressed_to=addressed_to
    )


def _case_context(case_access: access.CaseAccess) -> dict:
    return {"case": case_access.case, "case_access": case_access}


def _now_to_the_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


def _case_for_new(request, reference, codename: str) -> access.CaseAccess:
    case_access = access.case_access_or_404(request.user, reference, change=True)
    _need_perm(request, codename)
    return case_access

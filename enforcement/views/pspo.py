"""Screens for Public Spaces Protection Orders and their breaches."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casework import access
from statutory.selectors import value as law

from .. import forms, presenters, selectors, services
from .fpn import _breach_fpn, _breach_prosecution
from .shared import _detail, _need_change, _need_perm, _posted, _record_form, _submit

# --- PSPOs ----------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pspo_create(request):
    _need_perm(request, "add_publicspacesprotectionorder")

    def save(cleaned_data):
        data = dict(cleaned_data)
        data["conditions"] = data["conditions"].splitlines()
        return services.make_pspo(by=request.user, **data)

    return _submit(
        request,
        forms.PSPOForm(_posted(request)),
        save,
        success="PSPO recorded",
        done="enforcement:pspo_detail",
        heading="Record a Public Spaces Protection Order",
        submit="Record the order",
        back=reverse("enforcement:pspo_list"),
        section="PSPOs",
        rule=f"A PSPO lasts at most {law('pspo.max_years', on=timezone.localdate())} years; each extension adds at "
        f"most {law('pspo.extension_max_years', on=timezone.localdate())} years.",
    )


def _may_change_pspo(user, pspo) -> bool:
    agency = access.agency_of(user)
    return (
        agency is not None
        and agency.pk == pspo.owner_agency_id
        and access.has_permission(user, "enforcement.change_publicspacesprotectionorder")
    )


def pspo_detail(request, pk):
    pspo = selectors.get_pspo(user=request.user, pk=pk)
    return _detail(
        request,
        "enforcement/pspo_detail.html",
        pspo,
        rows=presenters.pspo_rows(pspo),
        breaches=selectors.breaches_of_pspo(user=request.user, pspo=pspo)[:100],
        can_change=_may_change_pspo(request.user, pspo),
        can_record_breach=access.has_permission(request.user, "enforcement.add_pspobreach")
        and access.agency_of(request.user) is not None
        and pspo.status == "in_force",
    )


def _pspo_to_change(request, pk):
    pspo = selectors.get_pspo(user=request.user, pk=pk)
    if not _may_change_pspo(request.user, pspo):
        raise PermissionDenied("Only the owner agency can change this order")
    return pspo


pspo_extend = _record_form(
    _pspo_to_change,
    forms.PSPOExtensionForm,
    services.extend_pspo,
    arg="pspo",
    initial=lambda pspo: {"decided_on": timezone.localdate()},
    extra=lambda pspo: {
        "rule": f"An extension adds at most {law('pspo.extension_max_years', on=pspo.expires_on)} years: this order "
        f"can run to {presenters.d(services.pspo_latest_extension(pspo.expires_on))} at the latest."
    },
    success="PSPO extended",
    heading="Extend the PSPO",
    submit="Record the extension",
)


def _pspo_for_breach(request, pk):
    pspo = selectors.get_pspo(user=request.user, pk=pk)
    _need_perm(request, "add_pspobreach")
    return pspo


pspo_breach_add = _record_form(
    _pspo_for_breach,
    forms.PSPOBreachForm,
    services.record_pspo_breach,
    arg="pspo",
    form_kwargs=lambda pspo: {"pspo": pspo},
    success="Breach recorded",
    done="enforcement:pspo_breach_detail",
    heading="Record a breach of the PSPO",
    submit="Record the breach",
)


def pspo_breach_detail(request, pk):
    breach = selectors.get_pspo_breach(user=request.user, pk=pk)
    return _detail(
        request,
        "enforcement/pspo_breach_detail.html",
        breach,
        rows=presenters.pspo_breach_rows(breach),
        fpn=getattr(breach, "fixed_penalty", None),
        can_change=access.may_change_record(request.user, breach) and breach.outcome == "pending",
    )


def _pspo_breach_to_change(request, pk, codename: str):
    breach = selectors.get_pspo_breach(user=request.user, pk=pk)
    _need_change(request, breach, codename)
    return breach


pspo_breach_fpn = _breach_fpn(
    _pspo_breach_to_change,
    forms.PSPOBreachFPNForm,
    services.issue_fpn_for_pspo_breach,
    offence_code_setting="PSPO_BREACH_OFFENCE_CODE",
)

pspo_breach_prosecute = _breach_prosecution(_pspo_breach_to_change, "change_pspobreach")

"""Screens for a person's safe contact and do-not-disclose list: the lead agency's, per party (casework.safety)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from common.views import form_saved

from . import access, safety
from .models import CaseParty
from .safety_forms import DoNotDiscloseForm, EndDoNotDiscloseForm, SafeContactForm
from .views import _case_context, _form_page, log_case_read


def _lead_and_party(request, reference: str, party_id: int) -> tuple[access.CaseAccess, CaseParty]:
    case_access = access.case_access_or_404(request.user, reference, lead=True)
    party = (
        case_access.case.parties.select_related("person__address", "case__lead_agency")
        .filter(pk=party_id, person__isnull=False, role__in=safety.PROTECTED_ROLES)
        .first()
    )
    if party is None:
        raise Http404("No such person on this case")
    return case_access, party


@require_http_methods(["GET", "POST"])
def party_safety(request, reference, party_id):
    """How to contact the person safely (the form) and who their details must never reach (the list)."""
    case_access, party = _lead_and_party(request, reference, party_id)
    contact = safety.safe_contact_of(party.person)
    initial = {name: getattr(contact, name) for name in SafeContactForm.base_fields} if contact else {}
    form = SafeContactForm(request.POST or None, initial=initial)
    if form_saved(request, form, "Safe contact saved", safety.set_safe_contact, party=party):
        return redirect("casework:party_safety", reference, party.pk)
    log_case_read(request, case_access.case, page="safety", extra={"party": party.pk})
    context = _case_context(
        request,
        case_access,
        "Parties",
        party=party,
        contact=contact,
        entries=safety.entries_shown_to(party.person, user=request.user),
        form=form,
    )
    return render(request, "casework/party_safety.html", context)


@require_http_methods(["GET", "POST"])
def do_not_disclose_add(request, reference, party_id):
    case_access, party = _lead_and_party(request, reference, party_id)
    form = DoNotDiscloseForm(
        request.POST or None, people=safety.people_to_choose(party), agencies=safety.agencies_to_choose(party)
    )
    if form_saved(request, form, "Added to the do-not-disclose list", safety.add_do_not_disclose, party=party):
        return redirect("casework:party_safety", reference, party.pk)
    heading = f"Do not disclose {party.person}'s address and contact details to"
    return _form_page(request, case_access, "Parties", form, heading, "Add to the list")


@require_http_methods(["GET", "POST"])
def do_not_disclose_end(request, reference, party_id):
    case_access, party = _lead_and_party(request, reference, party_id)
    form = EndDoNotDiscloseForm(request.POST or None, entries=safety.entries_shown_to(party.person, user=request.user))

    def end(*, by, entry: str, reason: str):
        return safety.end_do_not_disclose(party=party, entry_id=int(entry), by=by, reason=reason)

    if form_saved(request, form, "Taken off the do-not-disclose list", end):
        return redirect("casework:party_safety", reference, party.pk)
    return _form_page(request, case_access, "Parties", form, "End a do-not-disclose entry", "End the entry")

"""The add-party form's question "is this someone already known?" (casework.people does the matching)."""

from django.http import HttpRequest

from . import people
from .forms import PartyForm
from .models import Person


def pick(request: HttpRequest, form: PartyForm) -> tuple[PartyForm, Person | None | bool]:
    """After a valid party form: (form, person picked), (form, None) to record a new person, or (a form asking
    the officer to choose among the proposed matches, False) when people like this one are already known."""
    data = form.cleaned_data
    if data["is_organisation"]:
        return form, None
    entered = {
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "date_of_birth": data["date_of_birth"],
        "postcode": data["postcode"],
        "phone": data["phone"],
        "email": data["email"],
    }
    matches = people.propose_matches(user=request.user, **entered)
    choice = request.POST.get("match", "")
    if not matches or choice == PartyForm.NEW_PERSON:
        return form, None
    for match in matches:
        if str(match.person.pk) == choice:
            return form, match.person
    asking = PartyForm(request.POST, matches=matches)
    if not asking.is_valid() and "match" not in request.POST:
        asking.errors.pop("match", None)  # asked for the first time: a question, not a mistake
    return asking, False

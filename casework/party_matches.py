"""The question "is this someone already known?" wherever a person is entered (casework.people does the matching).

One shape for every entry point (a case party, a notice recipient, a Case Review applicant): after a valid form,
`answer` proposes the people the user may see who look like the one entered and reads the officer's pick; when
there is something to ask, the form is shown again with the `match` question (`ask_match`). A posted id that was
not among the proposals for the details entered links nobody: the question is asked again.
"""

from collections.abc import Callable

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.http import HttpRequest

from . import people
from .models import Person

#: Value of the "match" choice that records a new person although matches were proposed.
NEW_PERSON = "new"
QUESTION = "Is this someone already known?"
CHOOSE = "Choose the person this is, or record a new person"


def ask_match(form: forms.Form, matches: list[people.PersonMatch]) -> None:
    """Add the question to a form: pick one of the proposed people or say it is someone new."""
    if not matches:
        return
    form.fields["match"] = forms.ChoiceField(
        label=QUESTION,
        help_text="People on cases you can see whose details are like the ones entered",
        choices=[(str(m.person.pk), m.label) for m in matches] + [(NEW_PERSON, "None of these: record a new person")],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
    form.order_fields(["match"])
    form.helper = FormHelper(form)  # the layout follows the fields, now with the question first
    form.helper.form_tag = False
    form.helper.disable_csrf = True


def answer(
    request: HttpRequest,
    make_form: Callable[..., forms.Form],
    **entered,
) -> tuple[forms.Form | None, Person | None | bool]:
    """After a valid form, the person entered (first_name, last_name, date_of_birth, postcode, phone, email):
    (None, person picked), (None, None) to record a new person, or (a form from `make_form(matches=...)` asking the
    question, False) when people like this one are known and the officer has not picked one of them."""
    matches = people.propose_matches(user=request.user, **entered)
    choice = request.POST.get("match", "")
    if not matches or choice == NEW_PERSON:
        return None, None
    for match in matches:
        if str(match.person.pk) == choice:
            return None, match.person
    asking = make_form(matches=matches)
    if not asking.is_valid() and "match" not in request.POST:
        asking.errors.pop("match", None)  # asked for the first time: a question, not a mistake
    return asking, False


def pick(request: HttpRequest, form) -> tuple[forms.Form, Person | None | bool]:
    """The add-party form: (form, person picked), (form, None) to record a new person, or (a form asking the
    officer to choose among the proposed matches, False) when people like this one are already known."""
    data = form.cleaned_data
    if data["is_organisation"]:
        return form, None
    asking, person = answer(
        request,
        lambda matches: type(form)(request.POST, matches=matches),
        first_name=data["first_name"],
        last_name=data["last_name"],
        date_of_birth=data["date_of_birth"],
        postcode=data["postcode"],
        phone=data["phone"],
        email=data["email"],
    )
    return asking or form, person

"""The person page, the place page, and merging duplicates (casework.people does the work)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.objects import ObjectType
from common.views import attempt

from . import access, people, signposting, vulnerability
from .forms import PersonMergeForm, PersonUnmergeForm
from .models import PersonMerge
from .places import normalise_postcode


def _person_or_404(user, person_id: int):
    person = people.visible_person(user=user, person_id=person_id)
    if person is None:
        raise Http404("No person found")
    return person


def person_detail(request, person_id: int):
    person = _person_or_404(request.user, person_id)
    cases = people.person_cases(user=request.user, person=person)
    people.log_read(
        request,
        object_type=ObjectType.PERSON,
        object_id=person.pk,
        label=str(person),
        person_id=person.pk,
        page="person",
        cases=[link.case.pk for link in cases],
    )
    details_withheld = access.details_withheld(request.user, person.pk)
    if details_withheld:
        from .withholding import log_withheld

        log_withheld(request.user, where="person page", person_ids=[person.pk], path=request.path)
    context = {
        "person": person,
        "details_withheld": details_withheld,
        "cases": cases,
        "flags": people.person_repeat_flags(person),
        "merges": people.person_merges(person=person),
        "may_merge": access.may_merge_people(request.user, person),
        "vulnerability": vulnerability.for_person(person),
        # other agencies holding this person, when the partnership has switched signposting on (decision 0016)
        "signposts": signposting.signposts_for(user=request.user, person=person),
    }
    return render(request, "casework/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_merge(request, person_id: int):
    """Merge a proposed duplicate into this person."""
    person = _person_or_404(request.user, person_id)
    if not access.may_merge_people(request.user, person):
        raise PermissionDenied("You cannot merge this person")
    matches = [
        m
        for m in people.propose_matches(
            user=request.user,
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            phone=person.phone,
            email=person.email,
            limit=people.PROPOSAL_LIMIT + 1,
        )
        if m.person.pk != person.pk
    ]
    form = PersonMergeForm(request.POST or None, matches=matches)
    if request.method == "POST" and form.is_valid():
        duplicate = next(m.person for m in matches if str(m.person.pk) == form.cleaned_data["duplicate"])

        def merge():
            return people.merge_people(
                survivor=person, duplicate=duplicate, by=request.user, reason=form.cleaned_data["reason"]
            )

        done = attempt(request, form, merge, f"{duplicate} merged into this record")
        if done:
            if done.moved_records.get("safe_contact_kept") == "survivor":
                messages.info(request, people.SAFE_CONTACT_KEPT)
            return redirect("people:person_detail", person.pk)
    return render(request, "casework/person_merge.html", {"person": person, "form": form, "matches": matches})


@require_http_methods(["GET", "POST"])
def person_unmerge(request, merge_id: int):
    merge = PersonMerge.objects.select_related("survivor", "duplicate").filter(pk=merge_id).first()
    if merge is None or people.visible_person(user=request.user, person_id=merge.survivor_id) is None:
        raise Http404("No merge found")
    if not access.may_merge_people(request.user, merge.survivor):
        raise PermissionDenied("You cannot undo this merge")
    form = PersonUnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def unmerge():
            return people.unmerge_people(merge=merge, by=request.user, reason=form.cleaned_data["reason"])

        if attempt(request, form, unmerge, f"Merge undone: {merge.duplicate} is a separate record again"):
            return redirect("people:person_detail", merge.survivor_id)
    return render(request, "casework/person_unmerge.html", {"merge": merge, "form": form})


def place_detail(request, postcode: str):
    """Cases the user may see at this postcode; 404 when there are none (so nothing is said about others)."""
    postcode = normalise_postcode(postcode)
    cases = people.place_cases(user=request.user, postcode=postcode)
    if not cases:
        raise Http404("No cases found at this place")
    flags = people.repeat_flags_for([case.pk for case in cases])
    people.log_read(
        request,
        object_type=ObjectType.PLACE,
        object_id=postcode,
        label=postcode,
        page="place",
        cases=[case.pk for case in cases],
    )
    rows = [(case, flags.get(case.pk, [])) for case in cases]
    return render(request, "casework/place_detail.html", {"postcode": postcode, "rows": rows})

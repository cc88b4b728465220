"""View plumbing every app shares."""

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest

from .errors import ApplicationError


def attempt(request: HttpRequest, form: Any, call: Callable[[], Any], success: str) -> Any:
    """Run a service; a refusal becomes the form's error (or a message when there is no form) and nothing is
    saved; success shows `success` as a banner. Returns the service's result (True for None), or None if refused."""
    try:
        result = call()
    except ApplicationError as error:
        if form is not None:
            form.add_error(None, str(error))
        else:
            messages.error(request, str(error))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


def form_saved(
    request: HttpRequest,
    form: Any,
    success: str,
    service: Callable[..., Any],
    *,
    renamed: Mapping[str, str] | None = None,
    **arguments: Any,
) -> Any:
    """A form page's POST: when the form is valid, call `service(by=<the user>, **arguments, **form.cleaned_data)`
    through attempt(), so the form's field names are the service's keywords and each is written once (`renamed`
    names the service's keyword where a field is called otherwise, e.g. version -> expected_version). None on a GET,
    an invalid form or a refusal (the view shows the form again, with the error); otherwise what attempt() returns."""
    if request.method != "POST" or not form.is_valid():
        return None
    fields = {(renamed or {}).get(name, name): value for name, value in form.cleaned_data.items()}
    return attempt(request, form, lambda: service(by=request.user, **arguments, **fields), success)


def form_posted(
    request: HttpRequest, form: Any, success: str, service: Callable[..., Any], *, invalid: str, **arguments: Any
) -> Any:
    """A small form posted from a list (a status, a link), with no page of its own to show errors on: as form_saved,
    but an invalid form shows `invalid` and a refusal its reason, both as a message. None unless it was saved."""
    if not form.is_valid():
        messages.error(request, invalid)
        return None
    return attempt(request, None, lambda: service(by=request.user, **arguments, **form.cleaned_data), success)

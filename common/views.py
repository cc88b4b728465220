"""View plumbing every app shares."""

from collections.abc import Callable
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

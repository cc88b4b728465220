"""Domain errors that services raise and views turn into a message for the user (common.views.attempt)."""

from common.errors import ApplicationError


class CaseworkError(ApplicationError):
    """Base class: the message is written for the user who caused it."""


class NotAllowed(CaseworkError):
    pass


class InvalidTransition(CaseworkError):
    pass


class EditConflict(CaseworkError):
    pass

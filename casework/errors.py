"""Domain errors that services raise and views turn into a message for the user."""


class CaseworkError(Exception):
    """Base class: the message is written for the user who caused it."""


class NotAllowed(CaseworkError):
    pass


class InvalidTransition(CaseworkError):
    pass


class EditConflict(CaseworkError):
    pass

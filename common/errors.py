"""The one exception type views turn into a message for the user (HackSoft's ApplicationError).

Domain errors subclass it (casework.errors.CaseworkError); common.views.attempt maps it once for every app.
"""


class ApplicationError(Exception):
    """The message is written for the user who caused it."""

"""Model permissions (what a role may do), asked in one place.

Part of the access path: `casework.access` re-exports these beside case visibility, and apps below casework
(audit, statutory) that may not import it ask here. No other module calls `user.has_perm` itself
(tests/foundation/test_architecture.py holds that).
"""

from django.core.exceptions import PermissionDenied

DEFAULT_REFUSAL = "You do not have permission to do this"


def has_permission(user, perm: str) -> bool:
    """Whether the user holds `perm` ("app_label.codename"). Anonymous and inactive users hold none."""
    return bool(user is not None and user.has_perm(perm))


def require(user, perm: str, message: str = DEFAULT_REFUSAL, *, error: type[Exception] = PermissionDenied) -> None:
    """Raise `error(message)` unless the user holds `perm`: PermissionDenied (403) in views, the domain's
    NotAllowed (a message on the form) in services."""
    if not has_permission(user, perm):
        raise error(message)

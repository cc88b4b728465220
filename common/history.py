"""Who made a change and why, on the django-simple-history row it writes (every app's services use this)."""

from typing import Any

REASON_LENGTH = 100  # simple-history's history_change_reason column


def attribute(instance: Any, *, by: Any, reason: str = "") -> None:
    """Set the acting user and the change reason for the next save or delete of `instance`."""
    instance._history_user = by
    if reason:
        instance._change_reason = reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"

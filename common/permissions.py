"""Model permissions (what a role may do), asked in one place.

Part of the access path: `casework.access` re-exports these beside case visibility, and apps below casework
(audit, statutory) that may not import it ask here. No other module calls `user.has_perm` itself
(tests/foundation/test_architecture.py holds that).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .compiled_sql import CompiledQuery


def _group_rows(user_id):
    from django.contrib.auth.models import Group

    return Group.objects.filter(user=user_id).values_list(
        "id", "permissions__content_type__app_label", "permissions__codename"
    )


def _user_pk_field():
    from django.contrib.auth import get_user_model

    return [get_user_model()._meta.pk]


# the same statement on every page: compiled once per thread (common.compiled_sql)
_GROUP_ROWS = CompiledQuery(_group_rows, _user_pk_field, [-2_147_480_001])

DEFAULT_REFUSAL = "You do not have permission to do this"


def load_groups(user) -> None:
    """The user's group ids and their groups' model permissions in one query, cached on the user for the
    request where casework.access (`_case_group_ids`) and Django's ModelBackend (`_group_perm_cache`) look.

    Both were asked on every page, one query each; a LEFT JOIN keeps the groups that hold no model
    permission (the agency groups, which hold only case permissions).
    """
    if hasattr(user, "_case_group_ids") and (user.is_superuser or hasattr(user, "_group_perm_cache")):
        return
    if not user.pk:
        user._case_group_ids, user._group_perm_cache = [], set()
        return
    group_ids: dict[int, None] = {}
    perms = set()
    for group_id, app_label, codename in _GROUP_ROWS.rows(user.pk):
        group_ids[group_id] = None
        if codename is not None:
            perms.add(f"{app_label}.{codename}")
    user._case_group_ids = list(group_ids)
    if not user.is_superuser:  # ModelBackend gives a superuser every permission: left to it
        user._group_perm_cache = perms


def _granted_permissions(user) -> set[str]:
    """What the user's groups and direct grants give them, whatever Django's superuser flag says; cached for the
    request. Asked for superusers only (everyone else's permissions come from ModelBackend, which has them)."""
    if not hasattr(user, "_granted_perm_cache"):
        from django.contrib.auth.models import Permission
        from django.db.models import Q

        rows = (
            Permission.objects.filter(Q(group__user=user.pk) | Q(user=user.pk))
            .values_list("content_type__app_label", "codename")
            .distinct()
        )
        user._granted_perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
    return user._granted_perm_cache


def has_permission(user, perm: str) -> bool:
    """Whether the user holds `perm` ("app_label.codename"). Anonymous and inactive users hold none.

    A superuser holds what their role groups and direct grants give, like anyone else: Django's superuser flag
    (every has_perm answered yes) opens the admin site, never a way round case access (docs/security.md).
    """
    if user is None:
        return False
    if getattr(user, "is_superuser", False):
        return bool(user.is_active) and perm in _granted_permissions(user)
    return bool(user.has_perm(perm))


def require(user, perm: str, message: str = DEFAULT_REFUSAL, *, error: type[Exception] = PermissionDenied) -> None:
    """Raise `error(message)` unless the user holds `perm`: PermissionDenied (403) in views, the domain's
    NotAllowed (a message on the form) in services."""
    if not has_permission(user, perm):
        raise error(message)


def permission_required(perm: str, message: str = DEFAULT_REFUSAL):
    """A view decorator: 403 (`require`) for a signed-in user without `perm`, asked through this module (Django's
    own decorator would ask `user.has_perm`, which lets a superuser through)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, perm, message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator

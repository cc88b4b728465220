"""A user's API tokens end with the credential and the job they stand for (docs/security.md, issue #22).

Revoked when the password changes or is reset, when the account is deactivated, and when the user leaves
their agency or moves to another; connected in CaseworkConfig.ready. A password re-hashed on sign-in (a
stronger hasher after an upgrade) is the same password and revokes nothing.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone

from .models import ApiToken, Membership
from .services import save_with_history


def revoke_tokens_of(*, user_id: int, reason: str) -> int:
    """Revoke every live token of the user; each gets a history row saying why."""
    now = timezone.now()
    revoked = 0
    with transaction.atomic():
        for token in ApiToken.objects.select_for_update().filter(user_id=user_id, revoked_at__isnull=True):
            token.revoked_at = now
            save_with_history(token, None, reason)
            revoked += 1
    return revoked


def _user_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    reasons = []
    if before["password"] != instance.password:
        new_raw = getattr(instance, "_password", None)
        if not (new_raw and check_password(new_raw, before["password"])):
            reasons.append("API token revoked: password changed")
    if before["is_active"] and not instance.is_active:
        reasons.append("API token revoked: account deactivated")
    instance._revoke_tokens_reason = reasons[0] if reasons else None


def _user_post_save(sender, instance, created=False, raw=False, **kwargs):
    reason = getattr(instance, "_revoke_tokens_reason", None)
    if reason and not raw:
        instance._revoke_tokens_reason = None
        revoke_tokens_of(user_id=instance.pk, reason=reason)


def _membership_pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = sender._default_manager.filter(pk=instance.pk).values_list("agency_id", flat=True).first()
    instance._moved_agency = before is not None and before != instance.agency_id


def _membership_post_save(sender, instance, raw=False, **kwargs):
    if getattr(instance, "_moved_agency", False) and not raw:
        instance._moved_agency = False
        revoke_tokens_of(user_id=instance.user_id, reason="API token revoked: moved to another agency")


def _membership_post_delete(sender, instance, **kwargs):
    revoke_tokens_of(user_id=instance.user_id, reason="API token revoked: left the agency")


def connect() -> None:
    from django.db.models.signals import post_delete, post_save, pre_save

    User = get_user_model()
    pre_save.connect(_user_pre_save, sender=User, dispatch_uid="credentials_user_pre_save")
    post_save.connect(_user_post_save, sender=User, dispatch_uid="credentials_user_post_save")
    pre_save.connect(_membership_pre_save, sender=Membership, dispatch_uid="credentials_membership_pre_save")
    post_save.connect(_membership_post_save, sender=Membership, dispatch_uid="credentials_membership_post_save")
    post_delete.connect(_membership_post_delete, sender=Membership, dispatch_uid="credentials_membership_post_delete")

"""Django's ModelBackend, loading the signed-in user with what every page asks of them in one query (issue 23).

Every page asked, one query each: is there a confirmed authenticator app and does the role require one
(two-factor middleware), does the user hold any permission directly, any case permission directly (the
visibility query), which agency they work for (header, audit log), how many notifications are unread (header),
whether any victim's do-not-disclose list names their agency (every output's withholding).
`get_user` answers all of these with the user row, as annotations on one SELECT, and leaves the answers where
the helpers that ask already look for their per-request cache. Nothing is kept beyond the request: the
answers are as fresh as before, only fetched together. `common.permissions.load_groups` does the same for
the groups and their permissions.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import CaseUserObjectPermission, DoNotDisclose
from common.compiled_sql import CompiledQuery
from common.permissions import load_groups
from notifications.models import Notification


def _user_row(user_id):
    """The user with select_related membership and agency and the annotations `get_user` reads."""
    from accounts.two_factor import _required_for

    User = get_user_model()
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        User._default_manager.filter(pk=user_id)
        .select_related("membership__agency")
        .annotate(
            cw_has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            cw_two_factor_required=_required_for(OuterRef("pk")),
            cw_user_perms=Exists(User.user_permissions.through.objects.filter(user_id=OuterRef("pk"))),
            cw_case_user_perms=Exists(CaseUserObjectPermission.objects.filter(user_id=OuterRef("pk"))),
            cw_unread=Coalesce(Subquery(unread), 0),
            cw_agency_listed=Exists(
                DoNotDisclose.objects.filter(
                    ended_at__isnull=True, withheld_from_agency_id=OuterRef("membership__agency_id")
                )
            ),
        )
        .order_by("pk")[:1]
    )


# Compiled once per thread (common.compiled_sql): the ORM's compilation of it was most of its cost.
_USER_ROW = CompiledQuery(_user_row, lambda: [get_user_model()._meta.pk], [-2_147_480_001])


class CaseworkModelBackend(ModelBackend):
    def get_user(self, user_id):
        from accounts.two_factor import _required_key

        found = _USER_ROW.rows(user_id, key=_required_key())
        row = found[0] if found else None
        if row is None or not self.user_can_authenticate(row):
            return None
        membership = getattr(row, "membership", None) if _has_membership(row) else None
        row._agency_cache = membership.agency if membership else None
        row._two_factor_state = (row.cw_has_device, row.cw_two_factor_required)
        row._case_user_perms = row.cw_case_user_perms
        row._unread_notifications = row.cw_unread
        if not row.cw_agency_listed:
            # no victim's do-not-disclose list names the user's agency: nothing to withhold (casework.access.disclosure)
            row._withheld_people, row._withheld_homes = frozenset(), ()
        if not row.cw_user_perms and not row.is_superuser:
            row._user_perm_cache = set()
        return row

    def _get_permissions(self, user_obj, obj, from_name):
        if from_name == "group" and obj is None and user_obj.is_active and not user_obj.is_anonymous:
            load_groups(user_obj)  # the group ids casework.access needs come with them, in the same query
        return super()._get_permissions(user_obj, obj, from_name)

    def _get_permissions(self, user_obj, obj, from_name):
        if from_name == "group" and obj is None and user_obj.is_active and not user_obj.is_anonymous:
            load_groups(user_obj)  # the group ids casework.access needs come with them, in the same query
        return super()._get_permissions(user_obj, obj, from_name)


def _has_membership(user) -> bool:
    try:
        user.membership  # noqa: B018 (select_related filled it, or cached that there is none)
    except Exception:  # RelatedObjectDoesNotExist
        return False
    return True

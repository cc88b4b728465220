"""Who may use the information governance screens: the Auditor role, which is the information governance role.

One seam, like casework.access: everyone else (officers, partners, managers, administrators) gets 403.
"""

from django.core.exceptions import PermissionDenied

from common.permissions import has_permission

VIEW_SARS = "governance.view_subjectaccessrequest"
CHANGE_SARS = "governance.change_subjectaccessrequest"
VIEW_COMPLAINTS = "governance.view_dataprotectioncomplaint"
CHANGE_COMPLAINTS = "governance.change_dataprotectioncomplaint"


def require(user, permission: str) -> None:
    if not has_permission(user, permission):
        raise PermissionDenied("Only the information governance team can use these screens")

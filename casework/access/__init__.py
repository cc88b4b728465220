"""The one answer to "may this user see or change this?" (docs/permissions.md).

- `cases`: case visibility through django-guardian object permissions (`visible_cases`, `can_view`,
  `case_access_or_404`, ...); everything hanging off a case is visible exactly when its case is.
- `people`: a person is visible through the cases naming them (`visible_people`, `may_merge_people`).
- `disclosure`: do-not-disclose lists: whose address and contact details are withheld from a user's agency
  (`protected_from`, `details_withheld`), a case location that is such a person's home (`withheld_locations`), or
  from a document's addressee (`protected_from_people`).
- `records`: records that may have no case, owned by an agency (street FPNs, PSPOs, trigger applications).
- model permissions (`has_permission`, `require`) from `common.permissions`, where apps below casework
  (audit, statutory) ask too.

Views, selectors, services, the API, exports, reports and admin ask here and never call `has_perm` themselves.
"""

from common.permissions import has_permission, require

from .cases import (
    CHANGE,
    SENSITIVE,
    VIEW,
    CaseAccess,
    CaseNotFound,
    agency_name,
    agency_of,
    can_change,
    can_view,
    can_view_sensitive,
    case_access_or_404,
    changeable_cases,
    get_visible_case,
    group_ids_of,
    holds_user_level_case_permissions,
    may_change_cases,
    sees_all_cases,
    shaped_visible_cases,
    visibility_shape,
    visible_cases,
    visible_count,
)
from .disclosure import details_withheld, protected_from, protected_from_people, withheld_homes, withheld_locations
from .people import identified_parties, may_merge_people, sensitive_cases, visible_people
from .records import case_or_owner, held_by_agency, may_change_record, through_case

__all__ = [
    "CHANGE",
    "SENSITIVE",
    "VIEW",
    "CaseAccess",
    "CaseNotFound",
    "agency_name",
    "agency_of",
    "can_change",
    "can_view",
    "can_view_sensitive",
    "case_access_or_404",
    "case_or_owner",
    "changeable_cases",
    "details_withheld",
    "get_visible_case",
    "group_ids_of",
    "has_permission",
    "held_by_agency",
    "holds_user_level_case_permissions",
    "identified_parties",
    "may_change_cases",
    "may_merge_people",
    "may_change_record",
    "protected_from",
    "protected_from_people",
    "require",
    "sees_all_cases",
    "sensitive_cases",
    "shaped_visible_cases",
    "through_case",
    "visibility_shape",
    "visible_cases",
    "visible_count",
    "visible_people",
    "withheld_homes",
    "withheld_locations",
]

"""Role groups and the model permissions each role holds.

Roles give model-level permissions (what kinds of record a user may create or change); which cases
they apply to is decided by object permissions in casework.access. Groups are synced after every
migrate so permissions of apps added later reach the roles without a hand-written migration.
"""

from fnmatch import fnmatch

ENFORCEMENT_OFFICER = "Enforcement officer"
MARAC_COORDINATOR = "MARAC coordinator"
PARTNER_CASEWORKER = "Partner caseworker"
COMMUNITY_SAFETY_MANAGER = "Community safety manager"
AUDITOR = "Auditor"
ADMINISTRATOR = "Administrator"

CASE_RECORDS = "case caseparty incident riskassessment action note evidence caseshare person organisation address"

ROLE_PERMISSIONS: dict[str, list[str]] = {
    ENFORCEMENT_OFFICER: [
        *[f"casework.{verb}_{model}" for verb in ("add", "change", "view") for model in CASE_RECORDS.split()],
        "casework.view_ward",
        "casework.view_agency",
        "casework.merge_person",  # duplicates on cases they can change (docs/people-and-places.md)
        "enforcement.add_*",
        "enforcement.change_*",
        "enforcement.view_*",
        "marac.add_referral",
        "marac.view_*",
        "triggers.view_*",
    ],
    MARAC_COORDINATOR: [
        *[f"casework.{verb}_{model}" for verb in ("add", "change", "view") for model in CASE_RECORDS.split()],
        "casework.view_ward",
        "casework.view_agency",
        "casework.merge_person",
        "marac.*",
        "enforcement.view_*",
    ],
    PARTNER_CASEWORKER: [
        *[
            f"casework.{verb}_{model}"
            for verb in ("add", "change", "view")
            for model in "incident riskassessment action note evidence caseparty person organisation address".split()
        ],
        "casework.view_case",
        "casework.change_case",
        "casework.view_ward",
        "casework.view_agency",
        "marac.add_referral",
        "marac.add_researchresponse",
        "marac.change_researchresponse",
        "marac.view_*",
        "enforcement.view_*",
    ],
    COMMUNITY_SAFETY_MANAGER: [
        "casework.view_*",
        "casework.view_all_cases",
        "casework.sign_off_closure",  # closing a case at or above the sign-off risk (casework/closure.py)
        "triggers.*",
        "reports.*",
        "enforcement.view_*",
        "marac.view_*",
    ],
    AUDITOR: [
        "casework.view_*",
        "casework.view_all_cases",
        "audit.view_*",
        "governance.*",  # subject access requests and data-protection complaints: the IG role's own work
        "enforcement.view_*",
        "marac.view_*",
        "triggers.view_*",
    ],
    # Accounts, agencies and reference data only: no permission on any case record (issue #22). Role groups
    # are read-only to them (this module decides what a role may do), authenticator apps only deleted (a
    # lost phone), sign-in lockouts viewed and cleared. What their agency's cases are is still decided by
    # casework.access, like everyone's.
    ADMINISTRATOR: [
        "auth.add_user",
        "auth.change_user",
        "auth.view_user",
        "auth.view_group",
        *[f"casework.{verb}_{model}" for verb in ("add", "change", "view") for model in ("agency", "ward")],
        "casework.*_membership",
        "casework.*_rolesecuritypolicy",
        # the partnership board's decision on signposting across agencies, recorded as new rows (decision 0016)
        "casework.add_signpostingdecision",
        "casework.view_signpostingdecision",
        "enforcement.add_offencecode",
        "enforcement.change_offencecode",
        "enforcement.view_offencecode",
        "enforcement.view_publicspacesprotectionorder",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        "axes.view_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "axes.delete_accessattempt",
        # The delivery log (its own screen) and resending parked messages; agencies' shared mailboxes.
        "notifications.view_delivery",
        "notifications.change_delivery",
        "notifications.*_agencymailbox",
        "notifications.view_notificationpreference",
        # Commencement dates of the Crime and Policing Act 2026 rules (statutory/), set on their screen.
        "statutory.view_commencement",
        "statutory.change_commencement",
    ],
}


def _wanted(codename: str, patterns: list[str]) -> bool:
    return any(fnmatch(codename, p) for p in patterns)


def sync_role_groups(app_config=None, **kwargs) -> None:
    """Create the role groups and give each exactly the permissions its patterns match.

    Runs once per migrate, after the last app's permissions exist.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    if app_config is not None and app_config is not list(apps.get_app_configs())[-1]:
        return

    permissions = list(Permission.objects.select_related("content_type"))
    for role, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = [p for p in permissions if _wanted(f"{p.content_type.app_label}.{p.codename}", patterns)]
        group.permissions.set(wanted)

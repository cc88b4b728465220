"""What the access log calls the things it records (`AccessLog.object_type`, `Disclosure.object_type`).

Plain string values, so rows written before this enum read the same; audit stays generic (it names kinds of
record, it imports no domain app). A register page of enforcement logs under its register's key instead.
"""

from django.db import models


class ObjectType(models.TextChoices):
    CASE = "case", "Case"
    EVIDENCE = "evidence", "Evidence"
    # the person and place index (casework/people.py)
    PERSON = "person", "Person"
    PLACE = "place", "Place"
    # enforcement
    CPN_WARNING = "cpn_warning", "CPN written warning"
    CPN = "cpn", "Community protection notice"
    CPN_BREACH = "cpn_breach", "CPN breach"
    FPN = "fpn", "Fixed penalty notice"
    PSPO = "pspo", "Public spaces protection order"
    PSPO_BREACH = "pspo_breach", "PSPO breach"
    CLOSURE_NOTICE = "closure_notice", "Closure notice"
    CLOSURE_ORDER = "closure_order", "Closure order"
    CBO = "cbo", "Criminal behaviour order"
    INJUNCTION = "injunction", "Civil injunction"
    RESPECT_ORDER = "respect_order", "Respect Order"
    # MARAC
    MARAC_MEETING = "marac_meeting", "CS MARAC meeting"
    MARAC_REFERRAL = "marac_referral", "CS MARAC referral"
    MARAC_PANEL_LIST = "marac_panel_list", "CS MARAC panel list"
    MARAC_PANEL_ENTRY = "marac_panel_entry", "CS MARAC panel entry"
    MARAC_RESEARCH = "marac_research", "CS MARAC research"
    MARAC_MINUTES = "marac_minutes", "CS MARAC minutes"
    MARAC_ACTION = "marac_action", "CS MARAC action"
    # Community Trigger
    TRIGGER_APPLICATION = "trigger_application", "Case Review application"
    TRIGGER_FIGURES = "trigger_figures", "Case Review figures"
    # the service itself
    DASHBOARD = "dashboard", "Dashboard"
    AUDIT = "audit", "Audit screen"
    DELIVERY = "delivery", "Notification delivery"
    DELIVERY_LOG = "delivery log", "Notification delivery log"
    COMMENCEMENT = "commencement", "Commencement date"
    SIGNPOSTING = "signposting", "Signposting decision"
    SIGN_IN_LOCKOUT = "sign_in_lockout", "Sign-in lockout"


def object_type_label(value: str) -> str:
    """What an access-log object type is called on screen ("marac_panel_entry" -> "CS MARAC panel entry");
    a type this enum does not list (a register's key) reads as words."""
    if value in ObjectType.values:
        return str(ObjectType(value).label)
    text = str(value or "").replace("_", " ").strip()
    return text[:1].upper() + text[1:]

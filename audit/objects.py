"""What the access log calls the things it records (`AccessLog.object_type`, `Disclosure.object_type`).

Plain string values, so rows written before this enum read the same; audit stays generic (it names kinds of
record, it imports no domain app). A register page of enforcement logs under its register's key instead.
"""

from django.db import models


class ObjectType(models.TextChoices):
    CASE = "case"
    EVIDENCE = "evidence"
    # the person and place index (casework/people.py)
    PERSON = "person"
    PLACE = "place"
    # enforcement
    CPN_WARNING = "cpn_warning"
    CPN = "cpn"
    CPN_BREACH = "cpn_breach"
    FPN = "fpn"
    PSPO = "pspo"
    PSPO_BREACH = "pspo_breach"
    CLOSURE_NOTICE = "closure_notice"
    CLOSURE_ORDER = "closure_order"
    CBO = "cbo"
    INJUNCTION = "injunction"
    RESPECT_ORDER = "respect_order"
    # MARAC
    MARAC_MEETING = "marac_meeting"
    MARAC_REFERRAL = "marac_referral"
    MARAC_PANEL_LIST = "marac_panel_list"
    MARAC_PANEL_ENTRY = "marac_panel_entry"
    MARAC_RESEARCH = "marac_research"
    MARAC_MINUTES = "marac_minutes"
    MARAC_ACTION = "marac_action"
    # Community Trigger
    TRIGGER_APPLICATION = "trigger_application"
    TRIGGER_FIGURES = "trigger_figures"
    # the service itself
    DASHBOARD = "dashboard"
    AUDIT = "audit"
    DELIVERY = "delivery"
    DELIVERY_LOG = "delivery log"
    COMMENCEMENT = "commencement"
    SIGN_IN_LOCKOUT = "sign_in_lockout"

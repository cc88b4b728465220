"""Presentation helpers for the CS MARAC pages."""

from django import template
from django.urls import reverse

from casework import access
from casework.templatetags.case_tags import RISK_COLOURS, colour_filter

register = template.Library()

# (label, url name, permission, url names that count as this section)
SECTIONS = (
    ("Overview", "marac:index", "marac.view_meeting", {"index"}),
    (
        "Meetings",
        "marac:meeting_list",
        "marac.view_meeting",
        {
            "meeting_list",
            "schedule",
            "meeting_detail",
            "meeting_edit",
            "panel_list",
            "panel_add",
            "publish",
            "entry_detail",
            "entry_edit",
            "action_add",
            "attendance",
            "held",
            "minutes",
        },
    ),
    (
        "Referrals",
        "marac:referral_list",
        "marac.view_referral",
        {"referral_list", "referral_create", "referral_detail", "referral_screen", "referral_information"},
    ),
    ("Research", "marac:research_list", "marac.view_researchresponse", {"research_list", "research_respond"}),
    ("Actions", "marac:actions", "marac.view_maracaction", {"actions"}),
    ("Statistics", "marac:statistics", "marac.view_meeting", {"statistics"}),
)

REFERRAL_COLOURS = {
    "submitted": "blue",
    "more_information": "yellow",
    "accepted": "green",
    "declined": "grey",
    "closed": "grey",
}
MEETING_COLOURS = {"planned": "grey", "published": "blue", "held": "turquoise", "minutes_approved": "green"}


@register.simple_tag(takes_context=True)
def marac_sections(context) -> list[dict]:
    request = context["request"]
    current = getattr(request.resolver_match, "url_name", "")
    return [
        {"label": label, "href": reverse(name), "active": current in names}
        for label, name, perm, names in SECTIONS
        if access.has_permission(request.user, perm)
    ]


register.filter("referral_colour", colour_filter(REFERRAL_COLOURS))
register.filter("meeting_colour", colour_filter(MEETING_COLOURS))
register.filter("marac_risk_colour", colour_filter(RISK_COLOURS))  # the same levels as a case's risk

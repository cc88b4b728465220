"""Presentation helpers for Community Trigger pages, and the My work panel.

``{% load trigger_tags %}{% trigger_deadlines %}`` renders the signed-in user's Community Trigger
deadlines (overdue and due soon) wherever it is placed, e.g. on the My work page.
"""

from django import template
from django.utils import timezone

from casework import access

from .. import deadlines, selectors

register = template.Library()

STATUS_COLOURS = {
    "received": "blue",
    "threshold_met": "turquoise",
    "threshold_not_met": "orange",
    "review_arranged": "yellow",
    "reviewed": "purple",
    "outcome_sent": "green",
    "closed": "grey",
    "withdrawn": "grey",
}


@register.filter
def trigger_status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "grey")


@register.filter
def trigger_next_step(application) -> str:
    return deadlines.next_step(application)


@register.inclusion_tag("triggers/_my_work.html", takes_context=True)
def trigger_deadlines(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.has_permission(user, selectors.CHANGE_PERMISSION):
        return {"show": False}  # only those who can act on a deadline are shown it (see apps.my_work_section)
    return {"show": True, "applications": selectors.deadlines_for(user=user), "today": timezone.localdate()}

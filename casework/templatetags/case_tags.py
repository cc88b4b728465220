"""Presentation helpers for casework pages."""

from django import template

register = template.Library()

STATUS_COLOURS = {
    "open": "blue",
    "investigating": "yellow",
    "enforcement": "orange",
    "monitoring": "turquoise",
    "closed": "grey",
}
RISK_COLOURS = {"standard": "green", "medium": "orange", "high": "red"}


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "grey")


@register.filter
def risk_colour(level: str) -> str:
    return RISK_COLOURS.get(level, "grey")


@register.filter
def officer_time(minutes) -> str:
    """Minutes of officer time as words: "2 hours 30 minutes" (casework/costs.py)."""
    from casework.costs import format_minutes

    return format_minutes(minutes or 0)

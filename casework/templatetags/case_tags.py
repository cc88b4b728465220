"""Presentation helpers for casework pages."""

from collections.abc import Callable

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


def colour_filter(colours: dict[str, str]) -> Callable[[str], str]:
    """A template filter giving the GOV.UK tag colour of a status or risk level (grey for one not listed)."""

    def colour(value: str) -> str:
        return colours.get(value, "grey")

    return colour


register.filter("status_colour", colour_filter(STATUS_COLOURS))
register.filter("risk_colour", colour_filter(RISK_COLOURS))


@register.filter
def officer_time(minutes) -> str:
    """Minutes of officer time as words: "2 hours 30 minutes" (casework/costs.py)."""
    from casework.costs import format_minutes

    return format_minutes(minutes or 0)

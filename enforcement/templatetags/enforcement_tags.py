"""Presentation helpers for enforcement pages. Load with ``{% load enforcement_tags %}``."""

from django import template

from enforcement import presenters

register = template.Library()


@register.filter
def enforcement_colour(status: str) -> str:
    """The GOV.UK tag colour for a record's status."""
    return presenters.colour(status)


@register.filter
def long_date(value) -> str:
    """'3 March 2026' or '3 March 2026 at 14:00' in local time."""
    return presenters.d(value)

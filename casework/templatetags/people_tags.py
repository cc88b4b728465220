"""Repeat flags on a case page, without the case views knowing about the person index."""

from django import template

from casework import people

register = template.Library()


@register.inclusion_tag("casework/_repeat_flags.html")
def repeat_flags(case):
    """Repeat victim / perpetrator / location for this case: counts only, never the other cases."""
    return {"flags": people.repeat_flags_for([case.pk]).get(case.pk, [])}

"""Template helpers for the auditor screens. Load with ``{% load audit_tags %}``."""

from django import template

register = template.Library()


@register.filter
def object_type_label(value) -> str:
    """An access-log object type by its label ("marac_panel_entry" -> "CS MARAC panel entry")."""
    from audit.objects import object_type_label as label

    return label(value)


def _text(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_text(v)}" for k, v in sorted(value.items())) or "none"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value)
    return str(value)


@register.filter
def details_text(details) -> str:
    """A log row's details as one readable line: 'page: parties; filters: q=stairwell; rows shown: 1'."""
    if not details:
        return ""
    if not isinstance(details, dict):
        return _text(details)
    return "; ".join(f"{str(k).replace('_', ' ')}: {_text(v)}" for k, v in details.items())

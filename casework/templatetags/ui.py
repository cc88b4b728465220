"""Template helpers for the GOV.UK / MOJ Frontend components in templates/components/.

Load with ``{% load ui %}``.
"""

from django import forms, template
from django.contrib.messages import constants as message_constants
from django.http import QueryDict

register = template.Library()


@register.simple_tag
def query_replace(request, **params):
    """Return ``?<query>`` for the current request with ``params`` replaced.

    Other GET parameters (filters, sort order) are kept. A parameter given as
    ``None`` or ``""`` is removed. Used by the pagination component::

        <a href="{% query_replace request page=3 %}">3</a>
    """
    get = getattr(request, "GET", None)
    query = get.copy() if get is not None else QueryDict(mutable=True)
    for key, value in params.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def pagination_items(page_obj, on_each_side=1, on_ends=1):
    """Return the page links for GOV.UK pagination, with ellipses.

    Each item is a dict: ``number`` (int or None), ``current`` (bool) and
    ``ellipsis`` (bool).
    """
    paginator = page_obj.paginator
    items = []
    page_range = paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends)
    for number in page_range:
        if number == paginator.ELLIPSIS:
            items.append({"number": None, "current": False, "ellipsis": True})
        else:
            items.append({"number": number, "current": number == page_obj.number, "ellipsis": False})
    return items


@register.simple_tag
def message_groups(messages):
    """Split Django messages into success messages and all the others.

    Returns ``{"success": [...], "other": [...]}`` so that the layout shows at
    most one success notification banner and one "Important" banner (landmark
    labels stay unique).
    """
    groups = {"success": [], "other": []}
    for message in messages or []:
        tags = getattr(message, "tags", "") or ""
        if "success" in tags.split() or getattr(message, "level", None) == message_constants.SUCCESS:
            groups["success"].append(message)
        else:
            groups["other"].append(message)
    return groups


def _field_anchor(bound_field):
    """The id of the element the error summary should link to for a field.

    crispy-forms-gds numbers radio buttons and checkboxes from 1
    (``id_<name>_1``); for every other widget Django's ``id_for_label`` (for
    example ``id_<name>`` or ``id_<name>_0`` for multi-widgets) is used.
    """
    widget = bound_field.field.widget
    auto_id = bound_field.auto_id or f"id_{bound_field.html_name}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound_field.html_name}_1"
    return bound_field.id_for_label or auto_id


@register.simple_tag
def error_summary_items(form):
    """Return ``[{"href": "#id", "text": message}, ...]`` for a form's errors.

    Non-field errors come first and link to the first visible field; then the
    errors of each field, in form order, linking to that field.
    """
    if form is None or not getattr(form, "errors", None):
        return []
    items = []
    visible = form.visible_fields()
    first_anchor = _field_anchor(visible[0]) if visible else ""
    for error in form.non_field_errors():
        items.append({"href": f"#{first_anchor}" if first_anchor else "#main-content", "text": error})
    for bound_field in form:
        for error in bound_field.errors:
            if bound_field.is_hidden:
                items.append({"href": f"#{first_anchor}" if first_anchor else "#main-content", "text": error})
            else:
                items.append({"href": f"#{_field_anchor(bound_field)}", "text": error})
    return items


@register.filter
def tag_class(colour):
    """CSS modifier class for a GOV.UK tag colour (v6 names); blue is the default."""
    colour = (colour or "").strip().lower()
    aliases = {"light-blue": "", "blue": "", "default": "", "green": "green", "grey": "grey", "gray": "grey"}
    colour = aliases.get(colour, colour)
    return f"govuk-tag--{colour}" if colour else ""


@register.filter
def duration_words(value):
    """Render a ``timedelta`` (or a number of seconds) as words: "30 minutes", "1 hour and 15 minutes".

    Returns "" for empty values so that ``|default:`` can supply a fallback.
    """
    if value in (None, ""):
        return ""
    try:
        seconds = int(value.total_seconds())
    except AttributeError:
        try:
            seconds = int(value)
        except (TypeError, ValueError):
            return ""
    if seconds <= 0:
        return ""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    for amount, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")):
        if amount:
            parts.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    if not parts:
        parts.append(f"{secs} second{'' if secs == 1 else 's'}")
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]

"""Template filters for GOV.UK dates and times, built into every template (settings TEMPLATES builtins).

{{ when|govuk_datetime }} -> "3 December 2026 at 4:23pm"; {{ when|govuk_datetime:"seconds" }} on audit screens;
{{ day|govuk_date }} -> "3 December 2026"; {{ day|govuk_date:"short" }} -> "3 Dec 2026" in dense tables;
{{ when|govuk_time }} -> "4:23pm". Empty values render as "".
{% table_head "When" "Who" "Attempts" numeric="Attempts" %} -> the GOV.UK table head, its markup written once here.
{% govuk_table "Caption" "When" "Who" %}<tr>…</tr>{% endgovuk_table %} -> the whole table: the scrolling region
named by its caption, the caption, the head (table_head's arguments) and the body round the rows.
{% govuk_fields form %} -> a GET form's fields as components/form_fields.html renders them, written in Python
(common/field_html.py) for a form on a busy page (the case list's filter); POST forms keep form_fields.html.
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from common import dates, field_html
from common.postcodes import format_postcode

register = template.Library()


def _options(arg) -> set[str]:
    return set(str(arg or "").split(","))


@register.filter
def govuk_date(value, arg=""):
    if not isinstance(value, date):
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    options = _options(arg)
    return dates.govuk_date(value, short="short" in options, weekday="weekday" in options)


@register.filter
def govuk_datetime(value, arg=""):
    if not isinstance(value, datetime):
        return govuk_date(value, arg)
    options = _options(arg)
    return dates.govuk_datetime(value, short="short" in options, seconds="seconds" in options)


@register.filter
def govuk_time(value, arg=""):
    if not isinstance(value, datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dates.govuk_time(value, seconds="seconds" in _options(arg))


@register.simple_tag
def table_head(*headings, numeric: str = "", hidden: str = ""):
    """A GOV.UK table's <thead>, one column header a heading. A list stands for its items; an empty heading makes
    no column (`show_case|yesno:"Case,"`); those named in `numeric` ("A,B") align right, those in `hidden` are
    for screen readers only (an actions column)."""
    right, unseen = set(filter(None, numeric.split(","))), set(filter(None, hidden.split(",")))
    columns = [h for item in headings for h in (item if isinstance(item, list | tuple) else [item]) if h]
    cells = format_html_join(
        "",
        '<th scope="col" class="govuk-table__header{}">{}</th>',
        (
            (
                " govuk-table__header--numeric" if heading in right else "",
                format_html('<span class="govuk-visually-hidden">{}</span>', heading) if heading in unseen else heading,
            )
            for heading in columns
        ),
    )
    return format_html('<thead class="govuk-table__head"><tr class="govuk-table__row">{}</tr></thead>', cells)


@register.simple_block_tag
def govuk_table(
    content, caption, *headings, numeric: str = "", hidden: str = "", caption_class: str = "", testid: str = ""
):
    """A GOV.UK table in the scrolling region a narrow screen needs (keyboard-focusable, named by the caption, which
    screen readers only hear unless `caption_class` is given, e.g. "govuk-table__caption--m"); `content` is the
    rendered rows. One place for the wrapper that every list screen repeated."""
    return format_html(
        '<div class="app-table-scroll" tabindex="0" role="region" aria-label="{}"><table class="govuk-table"{}>\n'
        '  <caption class="govuk-table__caption {}">{}</caption>\n'
        "  {}\n"
        '  <tbody class="govuk-table__body">{}</tbody>\n'
        "</table></div>",
        caption,
        format_html(' data-testid="{}"', testid) if testid else "",
        caption_class or "govuk-visually-hidden",
        caption,
        table_head(*headings, numeric=numeric, hidden=hidden),
        content,
    )


@register.filter
def postcode(value) -> str:
    """A postcode as people write it, "NW9 5XX", however it was typed or stored (common/postcodes.py)."""
    return format_postcode(str(value or ""))


@register.simple_tag
def govuk_fields(form):
    return field_html.render_fields(form)

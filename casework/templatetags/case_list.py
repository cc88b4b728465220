"""The case list's rows written in Python: `{% load case_list %}{% case_list_rows page.rows %}`.

Rendered through the template, a row cost a `{% url %}` (a full reverse), an include of components/tag.html, the
`govuk_date` filter and three `get_*_display` calls: about 5.6 ms of CPU for a page of 25 (docs/performance.md,
fourth round). Here the case detail URL is reversed once a page and each reference put in its place, the status tag
is written as components/tag.html writes it, and the labels come from the fields' choices read once. The markup is
byte for byte the old loop's (tests/casework/test_case_list_rows.py renders both); every value is escaped as
format_html escapes it (common.html_text.escape_text, without format_html's per-argument lazy check).
"""

from collections.abc import Iterable
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from casework.models import Case
from common.govuk_filters import govuk_date
from common.html_text import escape_text

from .case_tags import STATUS_COLOURS, colour_filter
from .ui import tag_class

register = template.Library()

#: Stands for the reference in the one reverse a page; `<str:reference>` accepts it, and no URL holds it otherwise.
_PLACEHOLDER = "CASE-REF-PLACEHOLDER"
#: What Django's reverse leaves unquoted in a path (django.urls.resolvers: RFC3986_SUBDELIMS + "/~:@").
_SAFE = "!$&'()*+,;=" + "/~:@"
_status_colour = colour_filter(STATUS_COLOURS)

_ROW = (
    '\n        <tr class="govuk-table__row">'
    '\n          <td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
    '\n          <td class="govuk-table__cell">{}<br><span class="govuk-hint">{}{}</span></td>'
    '\n          <td class="govuk-table__cell">{}</td>'
    '\n          <td class="govuk-table__cell">{}</td>'
    '\n          <td class="govuk-table__cell">{}</td>'
    '\n          <td class="govuk-table__cell">{}</td>'
    '\n          <td class="govuk-table__cell">{}</td>'
    "\n        </tr>\n      "
)


def _labels(field_name: str) -> dict:
    """A field's value → label, as `get_<field>_display` reads them (labels may be lazy: forced per use)."""
    return dict(Case._meta.get_field(field_name).flatchoices)


def _display(labels: dict, value) -> str:
    return force_str(labels.get(value, value), strings_only=True)


def status_tag(text: str, colour: str) -> SafeString:
    """components/tag.html's output (its trailing newline included)."""
    modifier = tag_class(colour)
    return format_html('<strong class="govuk-tag{}">{}</strong>\n', f" {modifier}" if modifier else "", text)


@register.simple_tag
def case_list_rows(cases: Iterable[Case]) -> SafeString:
    """The list's `<tr>`s, with the whitespace `{% for case in page.rows %}…{% endfor %}` gave them. Each value is
    escaped as format_html escapes it (`escape_text`); a page's few status tags are written once each."""
    before, after = reverse("casework:case_detail", args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    statuses, categories, risks = _labels("status"), _labels("category"), _labels("risk_level")
    tags: dict = {}
    rows = []
    for case in cases:
        reference = case.reference
        if not reference or "/" in reference:  # `<str:reference>` refuses it: reverse, and fail, as before
            href = reverse("casework:case_detail", args=[reference])
        else:
            href = before + quote(reference, safe=_SAFE) + after
        officer = case.officer
        status = case.status
        tag = tags.get(status)
        if tag is None:
            tag = tags[status] = status_tag(_display(statuses, status), _status_colour(status))
        rows.append(
            _ROW.format(
                escape_text(href),
                escape_text(reference),
                escape_text(case.title),
                escape_text(_display(categories, case.category)),
                " · " + escape_text(officer.get_full_name()) if officer else "",
                escape_text(case.ward.name),
                escape_text(case.lead_agency.name),
                tag,
                escape_text(_display(risks, case.risk_level)),
                escape_text(govuk_date(case.opened_at, "short")),
            )
        )
    return mark_safe("".join(rows))

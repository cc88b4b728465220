"""The rows of "My work" (templates/casework/my_work.html), written in Python: up to 25 rows in each of six lists
on the page every officer lands on. Per row, a `{% url %}`, a tag component's include and the date filters cost
more than the rest of the page's rendering (docs/performance.md, fourth round), so each list reverses its link once
and fills in the reference, and writes its rows with format_html (every value escaped). Same markup as before.
"""

from collections.abc import Callable, Iterable
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from common.govuk_filters import govuk_date

from .ui import tag_class

register = template.Library()

_PLACEHOLDER = "my-work-reference"
# what reverse() leaves unquoted in a path (django.urls.resolvers), so a filled-in link is the one it would give
_PATH_SAFE = "!$&'()*+,;=/~:@"


def link_to(url_name: str) -> Callable[[str], str]:
    """The link to `url_name` for a case reference: one reverse() for the whole list, then the reference filled in
    (also the My work sections other modules build: casework.victim, casework.people)."""
    before, after = reverse(url_name, args=[_PLACEHOLDER]).split(_PLACEHOLDER)
    return lambda reference: f"{before}{quote(str(reference), safe=_PATH_SAFE)}{after}"


def _tag(text: str, colour: str) -> SafeString:
    """templates/components/tag.html's markup, with the newline its include gave."""
    modifier = tag_class(colour)
    return format_html('<strong class="govuk-tag{}">{}</strong>\n', f" {modifier}" if modifier else "", text)


@register.simple_tag
def my_work_case_rows(cases: Iterable) -> SafeString:
    """My open cases: reference (linked), title, status and ward."""
    link = link_to("casework:case_detail")
    return format_html_join(
        "",
        '<li><a class="govuk-link" href="{}">{}</a> {} <span class="govuk-hint">({}, {})</span></li>',
        (
            (link(case.reference), case.reference, case.title, case.get_status_display(), case.ward.name)
            for case in cases
        ),
    )


@register.simple_tag
def my_work_share_rows(shares: Iterable) -> SafeString:
    """Recently shared with the user's agency: reference (linked), lead agency, the day it was shared."""
    link = link_to("casework:case_detail")
    return format_html_join(
        "",
        '<li><a class="govuk-link" href="{}">{}</a> from {}, {}</li>',
        (
            (
                link(share.case.reference),
                share.case.reference,
                share.case.lead_agency.name,
                dateformat.format(timezone.localtime(share.shared_at), "j M"),
            )
            for share in shares
        ),
    )


@register.simple_tag
def my_work_action_rows(actions: Iterable) -> SafeString:
    """Actions: the case's reference (linked to its actions), where the action came from (a panel), the first
    twelve words, the due date and whether it is overdue."""
    link = link_to("casework:case_actions")
    today = timezone.localdate()
    return format_html_join(
        "",
        '<li><a class="govuk-link" href="{}">{}</a>: {}{} – due {}{}</li>',
        (
            (
                link(action.case.reference),
                action.case.reference,
                format_html("{} ", _tag(action.source_label, "purple")) if action.source_label else "",
                Truncator(action.description).words(12, truncate=" …"),
                govuk_date(action.due_date, "short"),
                format_html(" {}", _tag("Overdue", "red")) if action.due_date < today else "",
            )
            for action in actions
        ),
    )


@register.simple_tag
def my_work_item_rows(items: Iterable) -> SafeString:
    """The rows of a section another app adds (casework.extensions.WorkItem): text (linked), due date, overdue."""
    overdue = format_html(" {}", _tag("Overdue", "red"))
    return mark_safe(
        "".join(
            format_html(
                '<li><a class="govuk-link" href="{}">{}</a>{}{}</li>',
                item.href,
                item.text,
                format_html(" – due {}", govuk_date(item.due, "short")) if item.due else "",
                overdue if item.overdue else "",
            )
            for item in items
        )
    )

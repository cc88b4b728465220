"""Escaping for markup written in Python on busy pages (the case list's rows and drop-downs, issue 23).

Django's `conditional_escape` is `html.escape(str(value))` for a plain string, behind `keep_lazy`'s check of every
argument for a lazy translation: with several hundred values a page, the check cost more than the escaping.
"""

import html

from django.utils.html import conditional_escape


def escape_text(value) -> str:
    """What `conditional_escape(value)` gives, as text: a plain string straight through `html.escape` (as Django's
    `escape` does it), anything else (safe strings, lazy translations, numbers) through `conditional_escape`."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)

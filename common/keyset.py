"""Keyset (cursor) pagination and capped counts, shared by the screens and the API.

A page is one indexed range query after the last row seen, so the thousandth page costs what the first
does; OFFSET pagination reads and throws away every earlier row, and an exact total makes the database
join every visible row before it can answer (measured in docs/performance.md: 0.6 s for a partner who
sees 160,000 cases). A cursor holds the sort-key values of the row at a page's edge, so rows added
meanwhile never shift a page. The last key of every ordering must be unique (the id).
"""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils import timezone


class InvalidCursor(ValueError):
    """A cursor that was not made by `encode` for this ordering (edited, truncated or from another list)."""


def field_at(model: type[Model], path: str):
    """The model field at the end of a `ward__name` style path."""
    *relations, name = path.split("__")
    for relation in relations:
        model = cast(type[Model], model._meta.get_field(relation).related_model)
    return model._meta.get_field(name)


def value_of(row, path: str):
    for attribute in path.split("__"):
        row = getattr(row, attribute)
    return row


def encode(values: list, reverse: bool) -> str:
    def plain(value):
        if isinstance(value, datetime | date):
            return value.isoformat()  # full microseconds: DjangoJSONEncoder would cut them to milliseconds
        return value

    raw = json.dumps({"k": [plain(v) for v in values], "r": reverse}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(value: str, model: type[Model], ordering: tuple[str, ...]) -> tuple[list, bool]:
    try:
        padded = value + "=" * (-len(value) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
        keys, reverse = data["k"], data["r"]
        if not isinstance(keys, list) or len(keys) != len(ordering) or not isinstance(reverse, bool):
            raise InvalidCursor(value)
        values = []
        for name, raw in zip(ordering, keys, strict=True):
            if raw is None:
                raise InvalidCursor(value)
            parsed = field_at(model, name.lstrip("-")).to_python(raw)
            if isinstance(parsed, datetime) and timezone.is_naive(parsed):
                raise InvalidCursor(value)
            values.append(parsed)
    except (
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        UnicodeError,
        binascii.Error,
        ValidationError,
        FieldDoesNotExist,
        OverflowError,
    ):
        raise InvalidCursor(value) from None
    return values, reverse


def beyond(ordering: tuple[str, ...], values: list, reverse: bool) -> Q:
    """Rows strictly after the cursor row in the (possibly reversed) ordering.

    The expanded OR form handles mixed directions (status ascending, then newest first); the extra bound
    on the leading key alone lets the database start its index scan at the cursor.
    """
    condition = Q()
    for i, name in enumerate(ordering):
        step = Q(**{f"{name.lstrip('-')}__{'lt' if name.startswith('-') != reverse else 'gt'}": values[i]})
        for earlier, value in zip(ordering[:i], values[:i], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        condition |= step
    lead = ordering[0]
    leading_bound = Q(**{f"{lead.lstrip('-')}__{'lte' if lead.startswith('-') != reverse else 'gte'}": values[0]})
    return leading_bound & condition


def reversed_ordering(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name[1:] if name.startswith("-") else f"-{name}" for name in ordering)


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str | None = None
    previous_cursor: str | None = None
    #: stepped back past the first row: the caller links "previous" to the plain first page
    previous_is_first: bool = False


def paginate(
    queryset: QuerySet, ordering: tuple[str, ...], size: int, cursor: str | None = None, *, last: bool = False
) -> KeysetPage:
    """One page of `queryset` in `ordering`: after (or, backwards, before) the cursor row; or the last page.

    Raises InvalidCursor for a cursor this ordering did not make.
    """

    def fetch(values: list | None, reverse: bool, limit: int) -> list:
        ordered = queryset.order_by(*(reversed_ordering(ordering) if reverse else ordering))
        if values is not None:
            ordered = ordered.filter(beyond(ordering, values, reverse))
        return list(ordered[:limit])

    return page_of(queryset.model, ordering, size, cursor, last=last, fetch=fetch)


def page_of(
    model: type[Model],
    ordering: tuple[str, ...],
    size: int,
    cursor: str | None = None,
    *,
    last: bool = False,
    fetch: Callable[[list | None, bool, int], list],
) -> KeysetPage:
    """`paginate`, reading the rows with `fetch(cursor values or None, reverse, limit)`: the first `limit` rows
    in `ordering` (reversed when `reverse`) strictly after the cursor row (casework's compiled case list page)."""
    values, reverse = decode(cursor, model, ordering) if cursor else (None, False)
    reverse = reverse or (last and values is None)
    rows = fetch(values, reverse, size + 1)
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    has_next = bool(values is not None and not last) if reverse else more
    has_previous = more if reverse else values is not None
    page = KeysetPage(rows=rows, has_next=has_next, has_previous=has_previous)

    def edge(row, backwards: bool) -> str:
        return encode([value_of(row, name.lstrip("-")) for name in ordering], backwards)

    if rows and has_next:
        page.next_cursor = edge(rows[-1], False)
    if rows and has_previous:
        page.previous_cursor = edge(rows[0], True)
    elif has_previous:
        page.previous_is_first = True
    return page


def count_up_to(queryset: QuerySet, limit: int) -> int:
    """How many rows, counting no further than `limit` + 1: enough to say "more than `limit`" cheaply."""
    return queryset.order_by()[: limit + 1].count()

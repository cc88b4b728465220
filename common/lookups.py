"""Query helpers every app may use."""

from typing import Any, TypeVar

from django.db.models import QuerySet

Rows = TypeVar("Rows", bound=QuerySet)


def filter_given(rows: Rows, **lookups: Any) -> Rows:
    """`rows` narrowed by each lookup whose value was given (not empty, None or False): a list's optional filters."""
    return rows.filter(**{name: value for name, value in lookups.items() if value})

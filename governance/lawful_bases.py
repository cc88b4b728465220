"""The maintained list of lawful bases (governance.LawfulBasis), as casework's share form and our screens use it."""

from datetime import date

from .models import LawfulBasis


def in_force(*, on: date) -> list[LawfulBasis]:
    return [basis for basis in LawfulBasis.objects.order_by("label") if basis.in_force(on)]


def share_choices(*, on: date) -> list[tuple[str, str, str]]:
    """(code, label, explanation) of every basis in force on `on`: registered with casework.extensions."""
    return [(b.code, b.label, b.explanation) for b in in_force(on=on)]

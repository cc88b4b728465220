"""The maintained list of lawful bases (governance.LawfulBasis), as casework's share form and our screens use it."""

from datetime import date

from casework.extensions import AccessPurpose

from . import selectors
from .models import LawfulBasis, Regime


def in_force(*, on: date) -> list[LawfulBasis]:
    return [basis for basis in LawfulBasis.objects.order_by("label") if basis.in_force(on)]


def share_choices(*, on: date) -> list[tuple[str, str, str]]:
    """(code, label, explanation) of every basis in force on `on`: registered with casework.extensions."""
    return [(b.code, b.label, b.explanation) for b in in_force(on=on)]


def access_purposes(*, agency_id: int, on: date) -> list[AccessPurpose]:
    """The agency's purposes in force, for the "why are you opening this case" question: registered with
    casework.extensions (casework asks only where one of them is law-enforcement processing)."""
    return [
        AccessPurpose(
            key=str(row.pk),
            label=row.purpose,
            regime=row.get_regime_display(),
            law_enforcement=row.regime == Regime.DPA_PART3,
        )
        for row in selectors.purposes_in_force(agency_id=agency_id, on=on)
    ]

"""The dashboard's case costs section: officer time and spend recorded in the period, by agency.

Kept beside the dashboard's selectors rather than in them (docs/case-costs.md); the numbers come from
`casework.costs`, which limits them to what the user may see.
"""

from django.contrib.auth.models import User

from casework import costs as casework_costs

from . import charts
from .periods import Period
from .selectors import Section, Table


def _hours(minutes: int) -> float:
    return round(minutes / 60, 1)


def costs_section(*, user: User, period: Period, previous: Period) -> Section | None:
    """None when no agency records costs and none were recorded in the period: the section would be empty."""
    rows = casework_costs.costs_by_agency(user=user, start=period.start, end=period.end)
    if not rows and not casework_costs.in_use():
        return None
    before = casework_costs.costs_by_agency(user=user, start=previous.start, end=previous.end)
    minutes, spend = sum(r["minutes"] for r in rows), sum(r["spend"] for r in rows)
    minutes_before, spend_before = sum(r["minutes"] for r in before), sum(r["spend"] for r in before)
    table_rows = [[r["agency"], _hours(r["minutes"]), f"£{r['spend']:,.2f}", r["cases"]] for r in rows]
    chart = charts.horizontal_bar_chart(
        title="Officer time by agency (hours)",
        labels=[r[0] for r in table_rows],
        series={"Hours": [r[1] for r in table_rows]},
    )
    tables = [
        Table(
            "costs_by_agency",
            "Officer time and spend by agency",
            ["Agency", "Officer time (hours)", "Spend", "Cases"],
            table_rows,
            ["Total", _hours(minutes), f"£{spend:,.2f}", ""],
        ),
        Table(
            "costs_compared",
            "Case costs compared with a year earlier",
            ["Measure", "This period", "A year earlier"],
            [
                ["Officer time (hours)", _hours(minutes), _hours(minutes_before)],
                ["Spend", f"£{spend:,.2f}", f"£{spend_before:,.2f}"],
            ],
        ),
    ]
    return Section(
        "costs",
        "Case costs",
        tables,
        chart,
        "Horizontal bar chart of the hours of officer time each agency recorded on case actions in the period.",
    )

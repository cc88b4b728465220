"""The NM01 section of the dashboard: ASB cases and hate incidents, as the housing regulator's Tenant Satisfaction
Measure NM01 counts them (per 1,000 homes when CASEWORK["HOMES_MANAGED"] is set; otherwise counts)."""

from typing import Any

from django.contrib.auth.models import User

from casework import hate

from . import charts, figures
from .periods import Period
from .selectors import Indicator, Section, Table


def nm01_section(user: User, period: Period, previous: Period) -> Section:
    now = figures.nm01_counts(user=user, start=period.start, end=period.end)
    before = figures.nm01_counts(user=user, start=previous.start, end=previous.end)
    per_homes = hate.homes_managed() > 0
    columns = ["Measure", "This period", "A year earlier"] + (["Per 1,000 homes"] if per_homes else [])
    rows: list[list[Any]] = []
    for label, key in (
        ("ASB cases opened (NM01(1))", "asb_cases_opened"),
        ("ASB cases opened that involve hate incidents (NM01(2))", "hate_cases_opened"),
        ("Hate incidents reported", "hate_incidents"),
    ):
        row: list[Any] = [label, now[key], before[key]]
        if per_homes:
            row.append(hate.per_thousand_homes(now[key]))
        rows.append(row)
    earlier = dict(before["by_characteristic"])
    by_characteristic = [[label, n, earlier.get(label, 0)] for label, n in now["by_characteristic"]]
    chart = charts.bar_chart(
        title="Hate incidents by what they were targeted because of",
        labels=[r[0] for r in by_characteristic],
        series={"This period": [r[1] for r in by_characteristic], "A year earlier": [r[2] for r in by_characteristic]},
    )
    tables = [
        Table("nm01", "ASB cases and hate incidents (Tenant Satisfaction Measure NM01)", columns, rows),
        Table(
            "hate_by_characteristic",
            "Hate incidents by what they were targeted because of (an incident can count under several)",
            ["Targeted because of", "This period", "A year earlier"],
            by_characteristic,
        ),
    ]
    indicators = [
        Indicator("ASB cases opened", now["asb_cases_opened"], before["asb_cases_opened"], higher_is_better=False),
        Indicator(
            "ASB cases involving hate incidents",
            now["hate_cases_opened"],
            before["hate_cases_opened"],
            higher_is_better=False,
        ),
    ]
    return Section(
        "nm01",
        "ASB and hate incidents (NM01)",
        tables,
        chart,
        "Bar chart of hate incidents reported in the period and a year earlier, by protected characteristic.",
        indicators,
    )

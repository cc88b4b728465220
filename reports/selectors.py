"""The board's dashboard, assembled from each app's own selectors (which filter by permission and count
in SQL). This module only shapes their numbers into sections: tables, charts, comparison and RAG."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from casework import closure as casework_closure
from enforcement import selectors as enforcement_selectors
from marac import selectors as marac_selectors
from triggers import selectors as trigger_selectors

from . import charts, figures
from .periods import Period, year_earlier


@dataclass
class Indicator:
    name: str
    current: float
    previous: float
    higher_is_better: bool

    @property
    def change(self) -> float | None:
        if self.previous == 0:
            return None
        return round((self.current - self.previous) / self.previous * 100, 1)

    @property
    def positive(self) -> bool:
        if self.current == self.previous:
            return True
        return (self.current > self.previous) == self.higher_is_better

    @property
    def summary(self) -> str:
        if self.current == self.previous == 0:
            return f"{self.name}: none, as a year earlier"
        if self.previous == 0:
            return f"{self.name}: {_fmt(self.current)} (none a year earlier)"
        if self.current == self.previous:
            return f"{self.name}: {_fmt(self.current)} (the same as a year earlier)"
        return f"{self.name}: {_fmt(self.current)} (a year earlier {_fmt(self.previous)}, {self.change:+.1f}%)"


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def rag(indicators: list[Indicator]) -> str:
    """The seeds' glossary: Green – all indicators positive; Amber – mixed; Red – all or nearly all negative."""
    if not indicators:
        return "Grey"
    negatives = sum(1 for i in indicators if not i.positive)
    if negatives == 0:
        return "Green"
    if negatives / len(indicators) >= 0.75:
        return "Red"
    return "Amber"


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list]
    totals: list | None = None


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table]
    chart: str
    chart_alt: str
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def rag(self) -> str:
        return rag(self.indicators)


@dataclass
class Dashboard:
    period: Period
    previous: Period
    sections: list[Section]

    def table(self, key: str) -> Table | None:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        return None


def _month_label(day) -> str:
    return day.strftime("%b %Y")


def _tools_and_powers(user: User, period: Period, previous: Period) -> Section:
    now = enforcement_selectors.tools_and_powers_by_month(user=user, start=period.start, end=period.end)
    before = enforcement_selectors.tools_and_powers_by_month(user=user, start=previous.start, end=previous.end)
    columns = now["columns"]
    rows = [[_month_label(m["month"]), *[m["counts"][key] for key, _ in columns]] for m in now["months"]]
    totals = ["Total", *[now["totals"][key] for key, _ in columns]]
    chart = charts.bar_chart(
        title="ASB tools and powers used per month",
        labels=[r[0] for r in rows],
        series={label: [m["counts"][key] for m in now["months"]] for key, label in columns},
    )
    used = sum(v for k, v in now["totals"].items() if k != "cpn_breached")
    used_before = sum(v for k, v in before["totals"].items() if k != "cpn_breached")
    indicators = [
        Indicator("Tools and powers used", used, used_before, higher_is_better=True),
        Indicator(
            "CPNs breached",
            now["totals"].get("cpn_breached", 0),
            before["totals"].get("cpn_breached", 0),
            higher_is_better=False,
        ),
    ]
    table = Table(
        "tools_and_powers", "ASB tools and powers outcomes per month", ["Month", *[c[1] for c in columns]], rows, totals
    )
    return Section(
        "tools",
        "ASB tools and powers",
        [table],
        chart,
        "Bar chart of ASB tools and powers used per month; the numbers are in the table.",
        indicators,
    )


def _fpns(user: User, period: Period, previous: Period) -> Section:
    now = enforcement_selectors.fpns_by_offence_code(user=user, start=period.start, end=period.end)
    before = enforcement_selectors.fpns_by_offence_code(user=user, start=previous.start, end=previous.end)
    issued = sum(r["issued"] for r in now)
    rows = [
        [
            r["code"],
            r["description"],
            r["issued"],
            f"{(r['issued'] / issued * 100) if issued else 0:.0f}%",
            r["paid"],
            r["unpaid"],
            r["cancelled"],
        ]
        for r in now
    ]
    totals = [
        "Total",
        "",
        issued,
        "100%" if issued else "0%",
        sum(r["paid"] for r in now),
        sum(r["unpaid"] for r in now),
        sum(r["cancelled"] for r in now),
    ]
    with_any = [r for r in now if r["issued"]]
    chart = charts.bar_chart(
        title="Fixed Penalty Notices by offence code",
        labels=[r["code"] for r in with_any] or ["None"],
        series={
            "Paid": [r["paid"] for r in with_any] or [0],
            "Unpaid": [r["unpaid"] for r in with_any] or [0],
            "Cancelled": [r["cancelled"] for r in with_any] or [0],
        },
        stacked=True,
    )
    issued_before = sum(r["issued"] for r in before)
    paid_share = (totals[4] / issued * 100) if issued else 0
    paid_share_before = (sum(r["paid"] for r in before) / issued_before * 100) if issued_before else 0
    indicators = [
        Indicator("FPNs issued", issued, issued_before, higher_is_better=True),
        Indicator("Share of FPNs paid (%)", round(paid_share, 1), round(paid_share_before, 1), higher_is_better=True),
    ]
    table = Table(
        "fpns",
        "Fixed Penalty Notices by offence code",
        ["Code", "Offence", "Issued", "Share", "Paid", "Unpaid", "Cancelled"],
        rows,
        totals,
    )
    return Section(
        "fpns",
        "Fixed Penalty Notices",
        [table],
        chart,
        "Stacked bar chart of FPNs by offence code, paid, unpaid and cancelled.",
        indicators,
    )


def _triggers(user: User, period: Period, previous: Period) -> Section:
    now = trigger_selectors.annual_figures(user=user, start=period.start, end=period.end)
    before = trigger_selectors.annual_figures(user=user, start=previous.start, end=previous.end)
    labels = [
        "Applications received",
        "Threshold met",
        "Threshold not met",
        "Reviews carried out",
        "Reviews with recommendations",
    ]
    keys = [
        "applications_received",
        "threshold_met",
        "threshold_not_met",
        "reviews_carried_out",
        "reviews_with_recommendations",
    ]
    rows = [[label, getattr(now, key), getattr(before, key)] for label, key in zip(labels, keys, strict=True)]
    chart = charts.bar_chart(
        title="Community Trigger (ASB Case Review)",
        labels=labels,
        series={period.label: [r[1] for r in rows], previous.label: [r[2] for r in rows]},
    )
    indicators = [
        Indicator(
            "Applications received", now.applications_received, before.applications_received, higher_is_better=False
        ),
        Indicator("Reviews carried out", now.reviews_carried_out, before.reviews_carried_out, higher_is_better=True),
    ]
    table = Table("triggers", "Community Trigger applications", ["Measure", "This period", "A year earlier"], rows)
    return Section(
        "triggers",
        "Community Trigger (ASB Case Review)",
        [table],
        chart,
        "Bar chart comparing Community Trigger figures with a year earlier.",
        indicators,
    )


def _marac(user: User, period: Period, previous: Period) -> Section:
    meetings = marac_selectors.cases_per_meeting(user=user, start=period.start, end=period.end)
    earlier = marac_selectors.cases_per_meeting(user=user, start=previous.start, end=previous.end)
    rows: list[list[Any]] = [[m.date.strftime("%-d %b %Y"), m.heard, m.new, m.closed] for m in meetings]
    totals: list[Any] = [
        "Total",
        sum(m.heard for m in meetings),
        sum(m.new for m in meetings),
        sum(m.closed for m in meetings),
    ]
    chart = charts.bar_chart(
        title="CS MARAC cases per meeting",
        labels=[r[0] for r in rows] or ["No meetings"],
        series={
            "Cases heard": [r[1] for r in rows] or [0],
            "New": [r[2] for r in rows] or [0],
            "Closed": [r[3] for r in rows] or [0],
        },
    )
    indicators = [
        Indicator("Cases closed at the MARAC", totals[3], sum(m.closed for m in earlier), higher_is_better=True),
        Indicator("New referrals heard", totals[2], sum(m.new for m in earlier), higher_is_better=False),
    ]
    table = Table(
        "marac",
        "Cases on the CS MARAC per meeting",
        ["Meeting", "Cases heard", "New cases", "Closed cases"],
        rows,
        totals,
    )
    return Section(
        "marac",
        "Community Safety MARAC",
        [table],
        chart,
        "Bar chart of cases heard, new and closed at each CS MARAC meeting.",
        indicators,
    )


def _cases(user: User, period: Period, previous: Period) -> Section:
    now = figures.case_volumes(user=user, start=period.start, end=period.end)
    before = figures.case_volumes(user=user, start=previous.start, end=previous.end)
    previous_by_category = {row["key"]: row["total"] for row in before["by_category"]}
    category_rows = [
        [r["label"], r["total"], previous_by_category.get(r["key"], 0), r["open"], r["closed"]]
        for r in now["by_category"]
    ]
    ward_rows = [[r["label"], r["total"], r["open"], r["closed"]] for r in now["by_ward"]]
    chart = charts.horizontal_bar_chart(
        title="Cases logged by ward",
        labels=[r[0] for r in ward_rows],
        series={"Open": [r[2] for r in ward_rows], "Closed": [r[3] for r in ward_rows]},
    )
    # The victims' satisfaction surveys answered in the period (casework/closure.py): share satisfied (4 or 5).
    survey = casework_closure.satisfaction(user=user, start=period.start, end=period.end)
    survey_before = casework_closure.satisfaction(user=user, start=previous.start, end=previous.end)
    satisfied = survey["satisfied"] / survey["answers"] * 100 if survey["answers"] else 0
    satisfied_before = survey_before["satisfied"] / survey_before["answers"] * 100 if survey_before["answers"] else 0
    closed_share = ((now["total"] - now["open"]) / now["total"] * 100) if now["total"] else 0
    closed_share_before = ((before["total"] - before["open"]) / before["total"] * 100) if before["total"] else 0
    indicators = [
        Indicator("Cases logged", now["total"], before["total"], higher_is_better=False),
        Indicator(
            "Share of those cases closed (%)",
            round(closed_share, 1),
            round(closed_share_before, 1),
            higher_is_better=True,
        ),
        Indicator("Satisfaction surveys answered", survey["answers"], survey_before["answers"], higher_is_better=True),
        Indicator(
            "Victims satisfied with how their case was handled (%)",
            round(satisfied, 1),
            round(satisfied_before, 1),
            higher_is_better=True,
        ),
    ]
    tables = [
        Table(
            "cases_by_category",
            "Cases logged by category",
            ["Category", "Logged", "A year earlier", "Open", "Closed"],
            category_rows,
            ["Total", now["total"], before["total"], now["open"], now["total"] - now["open"]],
        ),
        Table(
            "cases_by_ward",
            "Cases logged by ward",
            ["Ward", "Logged", "Open", "Closed"],
            ward_rows,
            ["Total", now["total"], now["open"], now["total"] - now["open"]],
        ),
    ]
    return Section(
        "cases",
        "ASB cases",
        tables,
        chart,
        "Horizontal bar chart of cases logged in each ward, open and closed.",
        indicators,
    )


def dashboard(*, user: User, period: Period) -> Dashboard:
    """The whole dashboard for a period; the number of queries does not depend on the amount of data."""
    from .nm01 import nm01_section  # the NM01 section (issue #19) builds on this module's dataclasses

    previous = year_earlier(period)
    sections = [
        _tools_and_powers(user, period, previous),
        _fpns(user, period, previous),
        _triggers(user, period, previous),
        _marac(user, period, previous),
        _cases(user, period, previous),
        nm01_section(user, period, previous),
    ]
    return Dashboard(period=period, previous=previous, sections=sections)

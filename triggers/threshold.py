"""The threshold check: does an application meet the local threshold for an ASB Case Review?

A pure function over plain data so every rule can be tested on its own and the officer sees the same
reasoning the test asserts. The window and the one-month rule are law (statutory/rules.py); the rest is
configuration (triggers/conf.py THRESHOLD), capped at the statutory maximum of three complaints:

- complaints: at least N qualifying complaints made in the M months before the application (counted by the
  date each complaint was made, not the date of the behaviour), each reported
  within K months of the incident; the same incident reported to several agencies (same day) counts once;
- hate incident (optional): any hate-motivated incident in the window meets the threshold;
- complainants (optional): at least P different people complained about the problem in the window.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from common.dates import add_months
from statutory.selectors import value as law

from . import conf

APPLICANT = "applicant"


@dataclass(frozen=True)
class Rules:
    complaints: int = 3
    window_months: int = 6
    reported_within_months: int = 1
    hate_incident: bool = True
    complainants: int | None = 5

    @classmethod
    def from_settings(cls, *, on: date | None = None) -> "Rules":
        """The local threshold within the statutory bounds in force on `on` (the day the application came in):
        the window and the one-month reporting rule are law; the number of complaints is local, never above
        the statutory maximum."""
        on = on or date.today()
        values = conf.get("THRESHOLD")
        return cls(
            complaints=min(int(values["COMPLAINTS"]), law("case_review.max_threshold_complaints", on=on)),
            window_months=law("case_review.window_months", on=on),
            reported_within_months=law("case_review.reported_within_months", on=on),
            hate_incident=bool(values["HATE_INCIDENT"]),
            complainants=int(values["COMPLAINANTS"]) if values.get("COMPLAINANTS") else None,
        )


@dataclass(frozen=True)
class Complaint:
    """One report of one incident to one agency."""

    occurred_on: date
    reported_on: date
    reported_to: str
    reference: str = ""
    hate_related: bool = False
    complainant: str | None = APPLICANT  # None: a reporter we cannot tell apart from the others
    source: str = "Application"


@dataclass
class ThresholdResult:
    met: bool
    window_start: date
    window_end: date
    qualifying_incidents: int
    complainants: int
    hate_incident: bool
    rules_met: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def text(self) -> str:
        return "\n".join([*self.lines, self.summary])


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _where(complaint: Complaint) -> str:
    ref = f" (ref {complaint.reference})" if complaint.reference else ""
    return f"{complaint.reported_to}{ref}"


def evaluate(*, complaints: list[Complaint], received_on: date, rules: Rules) -> ThresholdResult:
    """Apply the rules and explain, line by line, what was counted and why."""
    window_start = add_months(received_on, -rules.window_months)
    lines = [
        f"Window: {_day(window_start)} to {_day(received_on)} "
        f"(the {_plural(rules.window_months, 'month')} before the application)."
    ]
    # s104: the window holds complaints *made* in it, so it is the date of the report that counts, not the date
    # of the behaviour (behaviour on 10 May reported on 1 June is inside a window starting 20 May).
    in_window: dict[date, list[Complaint]] = defaultdict(list)
    for complaint in sorted(complaints, key=lambda c: (c.occurred_on, c.reported_on)):
        if complaint.reported_on > received_on or complaint.occurred_on > received_on:
            lines.append(
                f"Not counted: the complaint made on {_day(complaint.reported_on)} about {_day(complaint.occurred_on)} "
                "is after the application was received."
            )
        elif complaint.reported_on < window_start:
            lines.append(
                f"Not counted: the complaint made on {_day(complaint.reported_on)} about "
                f"{_day(complaint.occurred_on)} ({_where(complaint)}) is more than "
                f"{_plural(rules.window_months, 'month')} before the application."
            )
        else:
            in_window[complaint.occurred_on].append(complaint)

    qualifying = 0
    for occurred_on, reports in sorted(in_window.items()):
        deadline = add_months(occurred_on, rules.reported_within_months)
        in_time = [c for c in reports if c.reported_on <= deadline]
        agencies = sorted({_where(c) for c in reports})
        if not in_time:
            first = min(c.reported_on for c in reports)
            lines.append(
                f"Not counted: {_day(occurred_on)} was reported {(first - occurred_on).days} days later "
                f"(more than {_plural(rules.reported_within_months, 'month')}), to {', '.join(agencies)}."
            )
            continue
        qualifying += 1
        earliest = min(in_time, key=lambda c: c.reported_on)
        if len(reports) > 1:
            lines.append(
                f"Counted once: {_day(occurred_on)}, the same incident reported to {len(reports)} agencies "
                f"({', '.join(agencies)})."
            )
        else:
            lines.append(
                f"Counted: {_day(occurred_on)}, reported to {_where(earliest)} on {_day(earliest.reported_on)}."
            )

    window_complaints = [c for reports in in_window.values() for c in reports]
    hate = any(c.hate_related for c in window_complaints)
    complainants = len({c.complainant for c in window_complaints})
    rules_met = []
    parts = [f"{_plural(qualifying, 'qualifying complaint')} ({rules.complaints} needed)"]
    if qualifying >= rules.complaints:
        rules_met.append(f"{rules.complaints} complaints in {rules.window_months} months")
    if rules.hate_incident:
        if hate:
            rules_met.append("a hate incident")
            parts.append("a hate incident was reported")
        else:
            parts.append("no hate incident")
    if rules.complainants:
        parts.append(f"{_plural(complainants, 'complainant')} ({rules.complainants} needed)")
        if complainants >= rules.complainants:
            rules_met.append(f"{rules.complainants} complainants about the same problem")
    met = bool(rules_met)
    summary = "; ".join(parts) + (" → threshold met" if met else " → threshold not met")
    if met:
        summary += f" ({', '.join(rules_met)})."
    else:
        summary += "."
    return ThresholdResult(
        met=met,
        window_start=window_start,
        window_end=received_on,
        qualifying_incidents=qualifying,
        complainants=complainants,
        hate_incident=hate,
        rules_met=rules_met,
        lines=lines,
        summary=summary,
    )

"""docs/rules.md, generated from the rule table so the list of rules the system enforces cannot drift."""

from pathlib import Path

from django.conf import settings

from .rules import COMMENCEMENTS, CORRECTIONS, RULES, Rule

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "rules.md"


def _value(rule: Rule) -> str:
    value = rule.value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, dict):
        return "; ".join(f"{kind}: {who}" for kind, who in value.items())
    return f"{value} {rule.unit}" if rule.unit not in ("citation", "condition") else str(value)


def _in_force(rule: Rule) -> str:
    if rule.commencement_key:
        return f"from the commencement date set for `{rule.commencement_key}` (off until set)"
    start = f"from {rule.effective_from:%-d %B %Y}" if rule.effective_from else "always"
    return f"{start} to {rule.effective_to:%-d %B %Y}" if rule.effective_to else start


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# Statutory rules the system enforces",
        "",
        "Generated from `statutory/rules.py` by `python manage.py rules_doc`; do not edit by hand "
        "(`tests/statutory/test_rules_doc.py` fails when this file is out of date).",
        "",
        "Each check reads the version of a rule in force on the day that matters in law (the day of issue, "
        "of the decision, of the application or complaint). A rule that awaits commencement regulations is "
        "off until an administrator sets its date (Admin > Statutory rules and commencement); see "
        "docs/decisions/0008-statutory-rule-table.md. Local choices that are not law are in "
        "`enforcement/config.py`, `triggers/conf.py` and `marac/conf.py`.",
        "",
        "| Rule | Key | Value | Section | Where enforced | Test | In force |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for rule in RULES:
        where = "<br>".join(f"`{place}`" for place in rule.enforced_in)
        tests = "<br>".join(f"`{test}`" for test in rule.tests)
        lines.append(
            f"| {_cell(rule.description)} | `{rule.key}` | {_cell(_value(rule))} | {_cell(rule.citation)} | "
            f"{where} | {tests} | {_in_force(rule)} |"
        )
    lines += ["", "## Provisions awaiting commencement", "", "| Key | Provision | Where |", "| --- | --- | --- |"]
    for key, (title, provision) in COMMENCEMENTS.items():
        lines.append(f"| `{key}` | {_cell(title)} | {_cell(provision)} |")
    lines += [
        "",
        "## Corrections",
        "",
        "Rules found wrong when checked against the Act's wording (rules review, December 2026), each with the "
        "test that failed before the fix.",
        "",
        "| Key | Statute | Before | After | Test |",
        "| --- | --- | --- | --- | --- |",
    ]
    for fix in CORRECTIONS:
        lines.append(
            f"| `{fix.key}` | {_cell(fix.statute)} | {_cell(fix.before)} | {_cell(fix.after)} | `{fix.test}` |"
        )
    return "\n".join(lines) + "\n"


def write() -> Path:
    DOC_PATH.write_text(render(), encoding="utf-8")
    return DOC_PATH

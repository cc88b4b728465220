"""The dashboard's one-line summaries read as a person would say them (#17 wording)."""

from reports.selectors import Indicator


def test_summaries_say_nothing_odd_about_empty_periods():
    assert Indicator("Closure orders", 0, 0, True).summary == "Closure orders: none, as a year earlier"
    assert Indicator("CPNs issued", 4, 0, True).summary == "CPNs issued: 4 (none a year earlier)"
    assert Indicator("Cases opened", 7, 7, True).summary == "Cases opened: 7 (the same as a year earlier)"
    assert Indicator("Cases opened", 12, 8, True).summary == "Cases opened: 12 (a year earlier 8, +50.0%)"

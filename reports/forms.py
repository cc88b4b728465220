"""Choosing the dashboard's period."""

from django import forms
from django.utils import timezone

from casework.forms import GovUKDateField, GovUKForm

from . import periods

PERIOD_CHOICES = [
    ("last_3_months", "Last 3 months"),
    ("rolling_12_months", "Rolling 12 months"),
    ("financial_year", "Financial year"),
    ("custom", "Custom dates"),
]


class PeriodForm(GovUKForm):
    period = forms.ChoiceField(
        choices=PERIOD_CHOICES,
        widget=forms.RadioSelect,
        initial="last_3_months",
        label="Period",
        error_messages={"required": "Choose a period"},
    )
    financial_year = forms.TypedChoiceField(coerce=int, required=False, label="Financial year")
    start = GovUKDateField(required=False, label="From", help_text="For example, 1 3 2023")
    end = GovUKDateField(required=False, label="To", help_text="For example, 31 5 2023")

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        current = periods.current_financial_year_start(self.today)
        self.fields["financial_year"].choices = [
            (year, f"{year}/{str(year + 1)[-2:]}") for year in range(current, current - 6, -1)
        ]
        self.fields["financial_year"].initial = current

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom":
            if not data.get("start"):
                self.add_error("start", "Enter the start date")
            if not data.get("end"):
                self.add_error("end", "Enter the end date")
            if data.get("start") and data.get("end"):
                if data["end"] < data["start"]:
                    self.add_error("end", "The end date must be the same as or after the start date")
                elif (data["end"] - data["start"]).days > 366 * 3:
                    self.add_error("end", "Choose a period of 3 years or less")
        if data.get("period") == "financial_year" and not data.get("financial_year"):
            self.add_error("financial_year", "Choose the financial year")
        return data

    def to_period(self) -> periods.Period:
        data = self.cleaned_data
        kind = data["period"]
        if kind == "rolling_12_months":
            return periods.rolling_twelve_months(self.today)
        if kind == "financial_year":
            return periods.financial_year(data["financial_year"])
        if kind == "custom":
            return periods.custom(data["start"], data["end"])
        return periods.last_three_months(self.today)

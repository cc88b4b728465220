"""The permission to read the dashboard, and the figures it reads (maintained as cases and incidents change)."""

from django.db import models


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can read the partnership performance dashboard")]

    def __str__(self) -> str:
        return "Performance dashboard"


class CaseFigure(models.Model):
    """Cases opened in a month (London time), by category, ward and whether open now: the dashboard's case counts.

    Kept by `reports.figures` in the transaction of every save or delete of a case (so a status change moves a
    case between `is_open` rows), rebuilt exactly by `manage.py rebuild_dashboard_figures`. One row per
    combination that has cases; at most categories x wards x 2 rows a month, whatever the number of cases.
    """

    month = models.DateField()  # the first day of the month the case was opened in
    category = models.CharField(max_length=30)
    ward_id = models.BigIntegerField()
    is_open = models.BooleanField()
    cases = models.IntegerField(default=0)
    hate_cases = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["month", "category", "ward_id", "is_open"], name="reports_casefigure_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%b %Y} {self.category} ward {self.ward_id}: {self.cases}"


class HateIncidentFigure(models.Model):
    """Hate-related incidents reported in a month (London time), by the set of characteristics recorded
    (codes sorted and joined by commas; empty when none was): the dashboard's NM01 incident counts."""

    month = models.DateField()
    characteristics = models.CharField(max_length=300, blank=True)
    incidents = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["month", "characteristics"], name="reports_hateincidentfigure_key")
        ]

    def __str__(self) -> str:
        return f"{self.month:%b %Y} {self.characteristics or '-'}: {self.incidents}"

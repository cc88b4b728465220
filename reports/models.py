"""The dashboard has no table of its own; this model only carries the permission to read it."""

from django.db import models


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_dashboard", "Can read the partnership performance dashboard")]

    def __str__(self) -> str:
        return "Performance dashboard"

"""Commencement dates set by regulations: the one part of the statutory rules that is data, not code.

The rules themselves (statutory/rules.py) are code, reviewed like code. A provision that is law but not yet in
force names a commencement key; the date it comes into force is set here by an administrator when the
commencement regulations are made, with history, and every rule that names the key switches on that day.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Commencement(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    provision = models.CharField(max_length=200, help_text="The provision, as the Act or the Bill names it.")
    commences_on = models.DateField(
        null=True, blank=True, help_text="The day the provision comes into force; blank until regulations set it."
    )
    regulations = models.CharField(
        max_length=200, blank=True, help_text="The commencement regulations (SI number) that set the date."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.title

"""Demo processing purposes: the police's ASB investigations are law enforcement (DPA 2018 Part 3), so the demo's
police officer is asked why before opening a case; the other agencies process under UK GDPR."""

from datetime import date

from django.contrib.auth import get_user_model

from casework.models import Agency

from . import services
from .models import AgencyPurpose, Regime

PURPOSES = [
    ("met-police", "Investigating anti-social behaviour and crime", Regime.DPA_PART3),
    ("met-police", "Safeguarding and partnership problem-solving", Regime.UK_GDPR),
    ("barnet-homes", "Tenancy management and tenancy enforcement", Regime.UK_GDPR),
]


def load(stdout=None) -> None:
    if AgencyPurpose.objects.exists():
        return
    by = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    for short, purpose, regime in PURPOSES:
        agency = Agency.objects.filter(short_name=short).first()
        if agency:
            services.set_agency_purpose(
                agency=agency, purpose=purpose, regime=regime, effective_from=date(2026, 4, 1), by=by
            )
    if stdout:
        stdout.write(f"Processing purposes: {AgencyPurpose.objects.count()}")

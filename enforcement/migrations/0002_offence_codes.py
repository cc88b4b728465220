"""Seed Barnet's fixed penalty offence codes (enforcement/reference.py, from seed 003), with history rows."""

from django.db import migrations
from django.utils import timezone

from enforcement.reference import seed_offence_codes


def add_codes(apps, schema_editor):
    OffenceCode = apps.get_model("enforcement", "OffenceCode")
    HistoricalOffenceCode = apps.get_model("enforcement", "HistoricalOffenceCode")
    for row in seed_offence_codes(OffenceCode):
        HistoricalOffenceCode.objects.create(
            id=row.pk,
            code=row.code,
            statute=row.statute,
            description=row.description,
            full_amount=row.full_amount,
            early_payment_amount=row.early_payment_amount,
            early_payment_days=row.early_payment_days,
            payment_days=row.payment_days,
            effective_from=row.effective_from,
            effective_to=row.effective_to,
            history_date=timezone.now(),
            history_type="+",
            history_change_reason="Seeded from seed 003, Table 2",
        )


def remove_codes(apps, schema_editor):
    from enforcement.reference import CODES, EFFECTIVE_FROM

    OffenceCode = apps.get_model("enforcement", "OffenceCode")
    OffenceCode.objects.filter(code__in=[c[0] for c in CODES], effective_from=EFFECTIVE_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(add_codes, remove_codes)]

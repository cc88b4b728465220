"""s52(8) and s68 of the 2014 Act: the CPN and PSPO breach codes (CST08, CST09) were seeded with a 14-day discount
period; the Act allows only a period of less than 14 days, so they become 13 days, with a history row saying why."""

from django.db import migrations
from django.utils import timezone

CODES = ("CST08", "CST09")
REASON = "s52(8) of the 2014 Act: the early payment period must be less than 14 days"


def _history(apps, row, reason):
    HistoricalOffenceCode = apps.get_model("enforcement", "HistoricalOffenceCode")
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
        history_type="~",
        history_change_reason=reason,
    )


def shorten(apps, schema_editor):
    OffenceCode = apps.get_model("enforcement", "OffenceCode")
    for row in OffenceCode.objects.filter(code__in=CODES, early_payment_days__gte=14):
        row.early_payment_days = 13
        row.save(update_fields=["early_payment_days"])
        _history(apps, row, REASON)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0003_closure_adjournments_and_order_variations")]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]

"""The Crime and Policing Act 2026 provisions awaiting commencement, all off (no date) until regulations set one."""

from django.db import migrations

from statutory.rules import COMMENCEMENTS


def seed_commencements(Commencement) -> None:
    """Create any missing provision row, with no date."""
    for key, (title, provision) in COMMENCEMENTS.items():
        Commencement.objects.get_or_create(key=key, defaults={"title": title, "provision": provision})


def seed(apps, schema_editor):
    seed_commencements(apps.get_model("statutory", "Commencement"))


def unseed(apps, schema_editor):
    apps.get_model("statutory", "Commencement").objects.filter(key__in=COMMENCEMENTS).delete()


class Migration(migrations.Migration):
    dependencies = [("statutory", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]

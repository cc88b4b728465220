"""Reference data: the lawful bases for sharing and disclosure (governance/reference.py)."""

from django.db import migrations

from governance.reference import BASES, seed_lawful_bases


def seed(apps, schema_editor):
    seed_lawful_bases(apps.get_model("governance", "LawfulBasis"))


def unseed(apps, schema_editor):
    apps.get_model("governance", "LawfulBasis").objects.filter(code__in=[b[0] for b in BASES]).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_lawful_bases_purposes_data_requests")]
    operations = [migrations.RunPython(seed, unseed)]

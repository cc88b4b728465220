"""The role groups. Their permissions are synced after every migrate by casework.roles.sync_role_groups."""

from django.db import migrations

ROLES = [
    "Enforcement officer",
    "MARAC coordinator",
    "Partner caseworker",
    "Community safety manager",
    "Auditor",
    "Administrator",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, remove_groups)]

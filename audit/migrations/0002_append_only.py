"""The erasure permit table and the first install of the append-only triggers."""

from django.db import migrations

CREATE_PERMIT = """
CREATE TABLE audit_erasure_permit (
    id {pk},
    scope varchar(20) NOT NULL,
    granted_by varchar(150) NOT NULL,
    reason text NOT NULL
)
"""


def create_permit_table(apps, schema_editor):
    pk = "bigserial PRIMARY KEY" if schema_editor.connection.vendor == "postgresql" else "integer PRIMARY KEY AUTOINCREMENT"
    schema_editor.execute(CREATE_PERMIT.format(pk=pk))


def drop_permit_table(apps, schema_editor):
    schema_editor.execute("DROP TABLE audit_erasure_permit")


def install_triggers(apps, schema_editor):
    from audit.triggers import install

    install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(create_permit_table, drop_permit_table),
        migrations.RunPython(install_triggers, migrations.RunPython.noop),
    ]

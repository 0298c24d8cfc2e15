"""A role's name for English readers. SQLite adds the column by rebuilding the role table, which
the same-municipality triggers (0011) refer to: they step aside for the rebuild."""

import importlib

from django.db import migrations, models

_triggers = importlib.import_module("responsibilities.migrations.0011_same_municipality_triggers")


def drop_triggers_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.drop_triggers(apps, schema_editor)


def create_triggers_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _triggers.create_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0020_audit_reminder_sent")]

    operations = [
        migrations.RunPython(drop_triggers_on_sqlite, create_triggers_on_sqlite),
        migrations.AddField(
            model_name="role",
            name="name_en",
            field=models.CharField(
                blank=True,
                help_text="Shown to readers who use the site in English; empty shows the name.",
                max_length=150,
                verbose_name="name in English",
            ),
        ),
        migrations.RunPython(create_triggers_on_sqlite, drop_triggers_on_sqlite),
    ]

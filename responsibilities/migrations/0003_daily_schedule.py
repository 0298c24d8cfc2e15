"""Formerly stored a daily job in django-celery-beat's tables. The daily jobs are now
registered by their apps (responsibilities/daily.py) and scheduled after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("responsibilities", "0002_capability_permissions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]

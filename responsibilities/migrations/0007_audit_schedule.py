"""Formerly stored a daily job in django-celery-beat's tables. The daily jobs are now
registered by their apps (responsibilities/daily.py) and scheduled after every migrate."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0006_audit_log")]
    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]

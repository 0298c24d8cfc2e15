from django.db import migrations

TASK = "responsibilities.purge_audit_log"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="3", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Europe/Stockholm",
    )
    PeriodicTask.objects.get_or_create(
        name="Purge old audit events", defaults={"task": TASK, "crontab": crontab}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0006_audit_log")]
    operations = [migrations.RunPython(create, remove)]

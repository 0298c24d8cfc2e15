"""Daily runs stored in django-celery-beat's tables, where an administrator can move them."""

from django.db import migrations

SCHEDULE = [
    # (name, task, hour, minute)
    ("Yearly deadlines", "responsibilities.scan_yearly_deadlines", "6", "0"),
    ("Revision deadlines", "programmes.scan_revisions", "6", "5"),
    ("Daily digest e-mail", "responsibilities.send_digests", "7", "0"),
]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, minute in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone="Europe/Stockholm",
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _, _ in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0004_notifications")]
    operations = [migrations.RunPython(create, remove)]

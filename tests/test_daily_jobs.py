"""The daily jobs: registered once by their apps, scheduled in beat, run by run_daily_scan."""

import io

import pytest
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from ale_safety.celery import app
from responsibilities import daily

pytestmark = pytest.mark.django_db


def test_every_app_registers_its_own_jobs():
    tasks = {job.task for job in daily.jobs()}
    assert {
        "responsibilities.end_expired_assignments",
        "responsibilities.purge_audit_log",
        "responsibilities.scan_yearly_deadlines",
        "responsibilities.send_digests",
        "programmes.scan_revisions",
        "followup.scan_reminders",
    } <= tasks
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks), "a registered job names a task that does not exist"


def test_beat_holds_one_entry_per_registered_job_at_its_time():
    entries = {
        task.name: (task.task, task.crontab.hour, task.crontab.minute)
        # (The outbox sweep runs every minute on an interval, not as a daily job.)
        for task in PeriodicTask.objects.select_related("crontab").exclude(crontab=None)
    }
    for job in daily.jobs():
        assert entries[job.name] == (job.task, str(job.hour), str(job.minute))


def test_an_administrators_new_time_survives_the_next_migrate():
    entry = PeriodicTask.objects.select_related("crontab").get(name="Yearly deadlines")
    entry.crontab.hour = "5"
    entry.crontab.save()
    daily.schedule_daily_jobs()
    assert PeriodicTask.objects.get(name="Yearly deadlines").crontab.hour == "5"
    assert PeriodicTask.objects.filter(name="Yearly deadlines").count() == 1


def test_run_daily_scan_runs_every_job_in_the_order_of_the_day(demo):
    out = io.StringIO()
    call_command("run_daily_scan", "--no-email", stdout=out)
    names = [line.split(":")[0] for line in out.getvalue().splitlines()]
    expected = [job.name for job in daily.jobs() if not job.sends_email]
    assert names == expected
    assert names[0] == "End expired assignments"
    assert "Daily digest e-mail" not in names

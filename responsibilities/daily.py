"""The daily jobs, each registered once by the app that owns it (in its AppConfig.ready()).

Beat's schedule (django-celery-beat's tables, where an administrator can move a job) is filled
from this registry after every migrate, and `manage.py run_daily_scan` runs the same list now.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class DailyJob:
    name: str  # the periodic task's name in beat's tables, e.g. "Yearly deadlines"
    task: str  # the Celery task beat starts
    run: Callable[[], int]  # the domain function, for run_daily_scan (returns a count)
    hour: int
    minute: int
    sends_email: bool = False


_jobs: dict[str, DailyJob] = {}


def register(name, *, task, run, at: tuple[int, int], sends_email=False) -> None:
    hour, minute = at
    _jobs[name] = DailyJob(name, task, run, hour, minute, sends_email)


def jobs() -> list[DailyJob]:
    """Every registered job, in the order of the day."""
    return sorted(_jobs.values(), key=lambda job: (job.hour, job.minute, job.name))


def schedule_daily_jobs(using="default", **kwargs) -> None:
    """Create a beat entry for each registered job that has none; an administrator's change to
    the time of an existing entry is kept (post_migrate receiver)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for job in jobs():
        if PeriodicTask.objects.using(using).filter(name=job.name).exists():
            continue
        crontab, _created = CrontabSchedule.objects.using(using).get_or_create(
            minute=str(job.minute),
            hour=str(job.hour),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        PeriodicTask.objects.using(using).create(name=job.name, task=job.task, crontab=crontab)

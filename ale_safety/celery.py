"""The Celery app: Redis in production, kombu's filesystem transport locally."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ale_safety.settings")

app = Celery("ale_safety")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

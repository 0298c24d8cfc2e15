"""With real Redis and a real worker: kill the worker while it sends the digests, restart it,
and every person still gets exactly one e-mail."""

import os
import signal
import subprocess
import sys
import time
from email import message_from_string
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ale_safety.celery import app as celery_app
from followup.reminders import Notice as FollowupNotice
from responsibilities.models import User
from responsibilities.notifications import Digest, Notification, collect_digests, notify
from tests.services import require_postgresql, require_redis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]
BASE = Path(settings.BASE_DIR)
PEOPLE = ["ale-sakerhetschef", "ale-sektorchef", "ale-sektorchef-2", "ale-fortroendevald"]


def redis_db_15(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/15" if url.count("/") >= 3 else url + "/15"


def start_worker(broker_url, mail_dir, slow_seconds):
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"file://{mail_dir}",
        "EMAIL_BACKEND": "tests.notifications.slow_email.SlowFileBackend",
        "SLOW_EMAIL_SECONDS": str(slow_seconds),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_RESTORE_INTERVAL": "1",
        "DIGEST_STALE_CLAIM_SECONDS": "2",
        "DJANGO_DEBUG": "true",
    }
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ale_safety",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            "celery",
        ],
        cwd=BASE,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def recipients_in(mail_dir: Path) -> list[str]:
    found = []
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found += message_from_string(chunk.strip()).get_all("To", [])
    return sorted(found)


def test_a_killed_worker_neither_loses_nor_duplicates_a_digest(demo, tmp_path):
    require_postgresql()
    broker_url = redis_db_15(require_redis())
    import redis

    redis.Redis.from_url(broker_url).flushdb()
    Notification.objects.all().delete()  # those the demo's opened cycles created
    for username in PEOPLE:
        notify(
            User.objects.get(username=username),
            FollowupNotice.REPORT_DUE,
            "r:1",
            "7d",
            "Follow-up report due",
        )
    digest_ids = collect_digests()
    assert len(digest_ids) == len(PEOPLE)
    with celery_app.connection_for_write(broker_url) as conn:
        for digest_id in digest_ids:
            celery_app.send_task("responsibilities.send_digest", args=[digest_id], connection=conn)

    worker = start_worker(broker_url, tmp_path, slow_seconds=30)
    try:
        assert wait_for(lambda: Digest.objects.filter(status=Digest.Status.SENDING).exists())
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # mid-send: claimed, nothing written yet
        worker.wait()
    assert recipients_in(tmp_path) == []

    worker = start_worker(broker_url, tmp_path, slow_seconds=0)
    try:
        assert wait_for(
            lambda: Digest.objects.filter(status=Digest.Status.SENT).count() == len(PEOPLE),
            timeout=90,
        ), list(Digest.objects.values_list("status", flat=True))
        time.sleep(4)  # anything redelivered late would show up as a duplicate now
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert recipients_in(tmp_path) == sorted(f"{u}@example.org" for u in PEOPLE)

"""Helpers for fault-injection tests: a broker at a closed port, a redis-server of our own."""

import shutil
import socket
import subprocess
import time

import pytest

from ale_safety.celery import app as celery_app
from ale_safety.env import cache_settings
from tests.local_mode import PORT_OFFSET
from tests.services import unavailable

# This suite's ports (see the issue): nothing else listens on them. Shifted per xdist worker.
CLOSED_BROKER_PORT = 6391 + PORT_OFFSET
OWN_REDIS_PORT = 6392 + PORT_OFFSET
CLOSED_SMTP_PORT = 6395 + PORT_OFFSET


def reset_broker_connections():
    """Forget pooled broker connections, so a changed broker URL takes effect."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Redis down as production sees it: Celery not eager with the broker at a port where
    nothing listens, and the cache (sessions, public pages) at that same closed port."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{CLOSED_BROKER_PORT}/0"
    settings.CACHES = cache_settings(settings.CELERY_BROKER_URL)
    reset_broker_connections()
    yield
    reset_broker_connections()


def wait_for(condition, timeout=180.0, step=0.2):
    # Generous: a cold Celery worker on a loaded, shared 2-core machine can take a minute.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class RedisServer:
    """A redis-server on one of our ports, started and stopped by the test."""

    def __init__(self, port=OWN_REDIS_PORT):
        self.port = port
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("needs redis-server (apt-get install redis-server)")
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert wait_for(lambda: port_open(self.port), timeout=10), "redis-server did not start"

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def start_worker(broker_url, *, mail_dir, media_root=None, slow_email_seconds=0, beat=False):
    """A real Celery worker (and beat, embedded) on the test database, e-mail to files."""
    import os
    import sys
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
        "REDIS_URL": broker_url,
        "EMAIL_URL": f"file://{mail_dir}",
        "EMAIL_BACKEND": "tests.notifications.slow_email.SlowFileBackend",
        "SLOW_EMAIL_SECONDS": str(slow_email_seconds),
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_RESTORE_INTERVAL": "1",
        "OUTBOX_CLAIM_SECONDS": "2",
        "DIGEST_STALE_CLAIM_SECONDS": "2",
        "DJANGO_DEBUG": "true",
    }
    if media_root:
        env["DJANGO_MEDIA_ROOT"] = str(media_root)
    command = [sys.executable, "-m", "celery", "-A", "ale_safety", "worker", "--pool=solo"]
    command += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    command += ["--without-heartbeat", "-Q", "celery"]
    if beat:
        command.append("-B")
    return subprocess.Popen(  # noqa: S603
        command,
        cwd=Path(settings.BASE_DIR),
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_worker(worker, *, kill=False):
    import os
    import signal

    os.killpg(worker.pid, signal.SIGKILL if kill else signal.SIGTERM)
    worker.wait(timeout=30)


def sweep_every_second():
    """Beat's outbox sweep every second (the migration's schedule says every minute; a
    transactional test's flush removed it anyway)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="Outbox sweep",
        defaults={"task": "responsibilities.sweep_outbox", "interval": every, "enabled": True},
    )


def mails_in(mail_dir) -> list:
    """The messages a file e-mail backend wrote."""
    from email import message_from_string
    from pathlib import Path

    found = []
    for path in Path(mail_dir).glob("*.log"):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                found.append(message_from_string(chunk.strip()))
    return found

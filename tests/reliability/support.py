"""Helpers for fault-injection tests: a broker at a closed port, a redis-server of our own."""

import shutil
import socket
import subprocess
import time

import pytest

from ale_safety.celery import app as celery_app
from tests.services import unavailable

# This suite's ports (see the issue): nothing else listens on them.
CLOSED_BROKER_PORT = 6391
OWN_REDIS_PORT = 6392
CLOSED_SMTP_PORT = 6395


def reset_broker_connections():
    """Forget pooled broker connections, so a changed broker URL takes effect."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Celery as in production (not eager), with the broker at a port where nothing listens."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{CLOSED_BROKER_PORT}/0"
    reset_broker_connections()
    yield
    reset_broker_connections()


def wait_for(condition, timeout=60.0, step=0.2):
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

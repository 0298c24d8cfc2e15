"""One scheduler however many beats run: django-celery-beat's database scheduler, which sends
tasks only while its process holds the beat lock (in Redis when REDIS_URL is set, a file lock
under var/celery/ otherwise). Another beat waits as a standby and takes over within
BEAT_LOCK_SECONDS when the first stops. The tasks are idempotent as well, so a task sent twice
around a hand-over changes nothing."""

import fcntl
import logging
import os
import uuid

import redis
from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)
LOCK_KEY = "ale_safety:beat-lock"


class RedisBeatLock:
    """A Redis key set with NX and an expiry, renewed by its holder on every tick."""

    def __init__(self, url: str, seconds: int):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.lock = self.client.lock(LOCK_KEY, timeout=seconds, thread_local=False)

    def hold(self) -> bool:
        try:
            if self.lock.owned():
                self.lock.reacquire()
                return True
            return self.lock.acquire(blocking=False, token=f"{os.getpid()}-{uuid.uuid4().hex}")
        except redis.RedisError as error:  # a broker that is down: nothing can be sent anyway
            logger.warning("beat lock: %s", error)
            return False

    def release(self) -> None:
        try:
            if self.lock.owned():
                self.lock.release()
        except redis.RedisError:
            pass


class FileBeatLock:
    """An exclusive lock on a file, held while the process lives (the local, one-host run)."""

    def __init__(self, path):
        self.path = path
        self.handle = None

    def hold(self) -> bool:
        if self.handle is not None:
            return True
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        handle = open(self.path, "a")  # noqa: SIM115 - held until release()
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing drops the flock
            self.handle = None


def beat_lock():
    if settings.REDIS_URL:
        return RedisBeatLock(settings.REDIS_URL, settings.BEAT_LOCK_SECONDS)
    return FileBeatLock(os.path.join(settings.CELERY_BROKER_FOLDER, "beat.lock"))


class LockedDatabaseScheduler(DatabaseScheduler):
    """The database scheduler, active only while it holds the beat lock."""

    STANDBY_SECONDS = 5

    def __init__(self, *args, **kwargs):
        self.beat_lock = beat_lock()
        self.active = None  # unknown until the first tick, which logs either state
        super().__init__(*args, **kwargs)

    def tick(self, *args, **kwargs):
        holds = self.beat_lock.hold()
        if holds != self.active:
            self.active = holds
            logger.info("beat: %s", "active" if holds else "standby (another beat is active)")
        if not holds:
            return self.STANDBY_SECONDS
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        self.beat_lock.release()

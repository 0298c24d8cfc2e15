"""One scheduler: of two beats, only the one holding the beat lock sends; the other takes over
when the first stops."""

import pytest
from django_celery_beat.schedulers import DatabaseScheduler

from ale_safety import beat
from ale_safety.celery import app
from tests.services import require_redis

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """Counts the database scheduler's ticks (where it would send due tasks)."""
    ticks = []
    monkeypatch.setattr(DatabaseScheduler, "tick", lambda self, *a, **k: ticks.append(self) or 1)
    return ticks


@pytest.fixture(params=["redis", "file"])
def two_beats(request, settings, tmp_path):
    if request.param == "redis":
        url = require_redis()
        settings.REDIS_URL = url
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(beat.LOCK_KEY)
    else:
        settings.REDIS_URL = None
        settings.CELERY_BROKER_FOLDER = tmp_path
    settings.BEAT_LOCK_SECONDS = 30
    beats = [beat.LockedDatabaseScheduler(app=app, lazy=True) for _ in range(2)]
    yield beats
    for scheduler in beats:
        scheduler.beat_lock.release()


def test_only_the_beat_holding_the_lock_sends(two_beats, sent):
    first, second = two_beats
    for _ in range(3):
        assert first.tick() == 1
        assert second.tick() == beat.LockedDatabaseScheduler.STANDBY_SECONDS
    assert sent == [first, first, first]
    assert (first.active, second.active) == (True, False)


def test_the_standby_takes_over_when_the_active_beat_stops(two_beats, sent):
    first, second = two_beats
    first.tick()
    second.tick()
    first.beat_lock.release()  # what close() does when the beat stops
    assert second.tick() == 1
    assert first.tick() == beat.LockedDatabaseScheduler.STANDBY_SECONDS
    assert sent == [first, second]


def test_a_lock_not_renewed_expires(settings, sent):
    url = require_redis()
    settings.REDIS_URL = url
    settings.BEAT_LOCK_SECONDS = 1
    import time

    import redis

    redis.Redis.from_url(settings.REDIS_URL).delete(beat.LOCK_KEY)
    first, second = (beat.LockedDatabaseScheduler(app=app, lazy=True) for _ in range(2))
    first.tick()  # then dies without releasing
    assert second.tick() == beat.LockedDatabaseScheduler.STANDBY_SECONDS
    time.sleep(1.2)
    assert second.tick() == 1
    assert sent == [first, second]
    second.beat_lock.release()


def test_the_configured_scheduler_is_the_locked_one(settings):
    assert settings.CELERY_BEAT_SCHEDULER == "ale_safety.beat:LockedDatabaseScheduler"

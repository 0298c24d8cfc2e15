"""With Redis down, the cache (sessions, cached public pages) answers as an empty cache:
pages are served from PostgreSQL, never a 500, and Redis is tried again after a pause."""

import time

import pytest
from django.core.cache import cache

from ale_safety import cache as resilient
from responsibilities.models import User
from tests.reliability.support import CLOSED_BROKER_PORT, RedisServer, broker_down  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_breaker():
    resilient.ResilientRedisCacheClient._down_until = 0.0
    yield
    resilient.ResilientRedisCacheClient._down_until = 0.0


def test_it_answers_as_an_empty_cache_while_redis_is_down(broker_down):  # noqa: F811
    assert cache.get("anything", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")


def test_it_leaves_redis_alone_for_a_while_after_a_failure(broker_down, monkeypatch):  # noqa: F811
    cache.get("first")  # fails: Redis is marked down
    tries = []
    monkeypatch.setattr(
        resilient.RedisCacheClient, "get", lambda *args: tries.append(args) or "value"
    )
    assert cache.get("second", "miss") == "miss"
    assert tries == []
    resilient.ResilientRedisCacheClient._down_until = time.monotonic() - 1
    assert cache.get("third", "miss") == "value"
    assert len(tries) == 1


def test_it_uses_redis_again_once_it_is_back(settings):
    from ale_safety.env import cache_settings

    server = RedisServer()
    server.start()
    try:
        settings.CACHES = cache_settings(server.url)
        cache.set("key", {"a": 1}, 60)
        assert cache.get("key") == {"a": 1}
    finally:
        server.stop()
    resilient.ResilientRedisCacheClient._down_until = 0.0
    assert cache.get("key", "gone") == "gone"  # the server is gone: a miss, not an error


@pytest.mark.parametrize("path", ["/", "/ale/", "/ale/program/trygghet-och-sakerhet/"])
def test_public_pages_are_served_with_redis_down(client, demo, broker_down, path):  # noqa: F811
    response = client.get(path)
    assert response.status_code == 200
    assert "Ale" in response.content.decode()


def test_signing_in_and_the_start_page_work_with_redis_down(client, demo, broker_down):  # noqa: F811
    client.raise_request_exception = False
    response = client.post(
        "/konto/logga-in/", {"username": "ale-medarbetare", "password": "demo"}, follow=True
    )
    assert response.status_code == 200
    assert response.wsgi_request.user == User.objects.get(username="ale-medarbetare")
    assert "Rapportera en risk" in response.content.decode()
    assert client.get("/start/").status_code == 200

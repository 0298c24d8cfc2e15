"""Django's Redis cache, made to behave like an empty cache while Redis cannot be reached.

Everything the product keeps in the cache (sessions of the cached_db engine, cached public
pages, small lookups) can be read again from PostgreSQL, so a Redis that is down must cost
speed, never a 500. After a failure the process leaves Redis alone for `RETRY_SECONDS`, so a
down Redis costs one failed connect per process and period, not one per cache call.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCacheClient(RedisCacheClient):
    """Each call answers as a miss (or a no-op) while Redis is unreachable."""

    _down_until = 0.0  # per process: monotonic time before which Redis is not tried again

    def _call(self, method, fallback, *args):
        if time.monotonic() < ResilientRedisCacheClient._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args)
        except UNAVAILABLE as error:
            ResilientRedisCacheClient._down_until = time.monotonic() + RETRY_SECONDS
            log.warning("Cache unavailable (%s); answering from the database for now.", error)
            return fallback

    def add(self, key, value, timeout):
        return self._call("add", False, key, value, timeout)

    def get(self, key, default):
        return self._call("get", default, key, default)

    def set(self, key, value, timeout):
        return self._call("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", False, key, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def get_many(self, keys):
        return self._call("get_many", {}, keys)

    def has_key(self, key):
        return self._call("has_key", False, key)

    def incr(self, key, delta):
        missing = object()
        value = self._call("incr", missing, key, delta)
        if value is missing:  # what Django's caches say of a key they do not hold
            raise ValueError(f"Key '{key}' not found.")
        return value

    def set_many(self, data, timeout):
        return self._call("set_many", None, data, timeout)

    def delete_many(self, keys):
        return self._call("delete_many", None, keys)

    def clear(self):
        return self._call("clear", False)


class ResilientRedisCache(RedisCache):
    """The default cache in production (see ResilientRedisCacheClient)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

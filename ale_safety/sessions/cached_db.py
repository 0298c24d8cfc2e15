"""Django's cached_db session engine (read from the shared cache, written through to the
database) with the one-statement save of ale_safety.sessions.db."""

from django.contrib.sessions.backends.cached_db import SessionStore as CachedStore

from ale_safety.sessions.db import SessionStore as DatabaseStore


class SessionStore(CachedStore, DatabaseStore):
    pass

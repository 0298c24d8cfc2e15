"""The session engines save an existing session in one statement, and behave as Django's
otherwise (ale_safety/sessions)."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.core.cache import caches

from ale_safety.sessions.cached_db import SessionStore as CachedStore
from ale_safety.sessions.db import SessionStore

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("store", [SessionStore, CachedStore], ids=["db", "cached_db"])
def test_it_saves_a_changed_session_with_one_update(store, django_assert_num_queries):
    session = store()
    session["seen"] = 1
    session.save()  # created as Django creates it
    key = session.session_key
    session = store(key)
    session["seen"] = 2
    with django_assert_num_queries(1) as captured:
        session.save()
    assert captured.captured_queries[0]["sql"].startswith('UPDATE "django_session"')
    assert SessionStore(key).load() == {"seen": 2}  # from the row
    assert session.session_key == key


def test_the_cached_engine_keeps_the_cache_in_step(django_assert_num_queries):
    session = CachedStore()
    session["seen"] = 1
    session.save()
    session["seen"] = 2
    session.save()
    with django_assert_num_queries(0):
        assert CachedStore(session.session_key).load() == {"seen": 2}  # from the cache


@pytest.mark.parametrize("store", [SessionStore, CachedStore], ids=["db", "cached_db"])
def test_a_session_deleted_meanwhile_is_not_written_again(store):
    session = store()
    session["seen"] = 1
    session.save()
    Session.objects.filter(session_key=session.session_key).delete()  # logged out elsewhere
    caches["default"].clear()
    session["seen"] = 2
    with pytest.raises(UpdateError):  # the middleware answers SessionInterrupted, as Django's
        session.save()
    assert not Session.objects.exists()

import importlib

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command
from django.db.backends.sqlite3.base import DatabaseOperations

from tests import storage_support

# The identity providers of the sign-in tests (tests/sso, tests/e2e): one process each per run.
pytest_plugins = ["tests.sso.peers"]

_triggers = importlib.import_module("programmes.migrations.0003_frozen_content_triggers")

# Transactional tests end with a flush; on SQLite let it delete adopted versions too.
_sql_flush = DatabaseOperations.sql_flush


def _purging_sql_flush(self, style, tables, **kwargs):
    statements = _sql_flush(self, style, tables, **kwargs)
    if not statements:
        return statements
    table = _triggers.SQLITE_PURGE_TABLE
    return [f"INSERT INTO {table} (active) VALUES (1)", *statements, f"DELETE FROM {table}"]


DatabaseOperations.sql_flush = _purging_sql_flush


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Each approval would render its PDFs at once (seconds each); tests/followup/
    # test_pdf_ahead.py turns it on.
    settings.REPORT_PDFS_AHEAD = False
    # client.login() has no request for django-axes; tests/security enable it where tested.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests run with DEBUG off; they must not need collectstatic's manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_outside_the_worktree(settings, tmp_path_factory):
    # Uploaded files and cached PDFs (MEDIA_ROOT/pdf/) go to pytest's temporary folder, or with
    # TEST_STORAGE=s3 to a prefix of their own in the test bucket (tests/storage_support.py).
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    if storage_support.TEST_STORAGE == "s3":
        storage_support.fresh_storage(settings, settings.MEDIA_ROOT.parent)


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    # A cache of the test's own: nothing carries over from another test (or a Redis database).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    # The query pins count the session's row; production reads it from the shared cache
    # (cached_db), which tests/storage/test_several_hosts.py exercises across processes.
    settings.SESSION_ENGINE = "ale_safety.sessions.db"
    # Cached public pages (programmes/public_cache.py) must not outlive a test's rolled-back
    # data. (One fixture: a second one of the same name replaced this one after the merge.)
    caches["default"].clear()
    yield
    caches["default"].clear()


TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "CELERY_TASK_ALWAYS_EAGER": True,
    "REPORT_PDFS_AHEAD": False,
    "AXES_ENABLED": False,
}


def load_demo_data():
    """The demo data set as `manage.py load_demo` loads it. Notifications that its opened
    cycles and submitted reports would create on commit are left out, so every test starts
    from the same state whether the data came from the session or from a reload."""
    from django.test import override_settings

    from responsibilities.models import Notification
    from responsibilities.outbox import EMAIL_TASK, QueuedTask

    with override_settings(**TEST_SETTINGS):
        call_command("load_demo", force=True, verbosity=0)
    Notification.objects.all().delete()
    # The demo's steps e-mailed their notices at once (sent, eager): no test counts those.
    QueuedTask.objects.filter(task=EMAIL_TASK).delete()
    mail.outbox = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    # Loaded once, committed; each test runs in a transaction that is rolled back. Tests that
    # flush the database (transactional ones, which pytest-django runs last) reload it.
    with django_db_blocker.unblock():
        load_demo_data()


@pytest.fixture
def demo(db):
    """The demo data set (loaded once per session; reloaded after a flush)."""
    from responsibilities.models import Municipality

    if not Municipality.objects.filter(slug="ale").exists():
        load_demo_data()

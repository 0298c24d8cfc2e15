import importlib

import pytest
from django.core.management import call_command
from django.db.backends.sqlite3.base import DatabaseOperations

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
    # Uploaded files and cached PDFs (MEDIA_ROOT/pdf/) go to pytest's temporary folder.
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def demo(db):
    """The demo data set, as `manage.py load_demo` loads it."""
    call_command("load_demo", force=True, verbosity=0)

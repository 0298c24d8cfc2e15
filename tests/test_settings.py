"""Settings come from the environment; production refuses unsafe or missing values."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from ale_safety.env import email_settings, env_bool, env_int

BASE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "trygghet.example.se",
    "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/ale-safety-check.sqlite3"),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.se:587/?tls=true",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("migrate", "--plan", DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("args", [["check"], ["makemigrations", "--check", "--dry-run"]])
def test_commands_that_only_read_the_code_run_in_a_bare_checkout(args):
    result = manage(*args)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_keeps_the_production_default():
    result = manage("check", "--deploy")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_passes_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_boolean_fails_loudly(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be true or false"):
        env_bool("DJANGO_DEBUG", True)


def test_a_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "ten")
    with pytest.raises(ImproperlyConfigured, match="must be an integer"):
        env_int("DATABASE_CONN_MAX_AGE", 60)


def test_email_urls():
    smtp = email_settings("smtp://user:p%40ss@mail.example.se:587/?tls=true")
    assert smtp["EMAIL_HOST"] == "mail.example.se"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert email_settings("file:///tmp/mail")["EMAIL_FILE_PATH"] == "/tmp/mail"
    with pytest.raises(ImproperlyConfigured):
        email_settings("pigeon://coop")


def settings_with(expression, **env):
    """Print `expression` over the settings loaded with only these variables set."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ale_safety.settings';"
        f"from django.conf import settings as s; print({expression})"
    )
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_BACKEND"}
        and not k.startswith("DJANGO_")
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_local_mode_allows_the_embedded_defaults_with_debug_off():
    result = settings_with(
        "s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.DEBUG",
        DJANGO_ENV="local",
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
        "False",
    ], result.stderr


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "EMAIL_URL"])
def test_production_refuses_a_half_configuration(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing and k != "DJANGO_DEBUG"}
    result = settings_with("s.DEBUG", **env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr
    assert result.stdout == ""


def test_production_is_the_default_and_debug_is_off_unless_asked_for():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_DEBUG"}
    assert settings_with("s.DEBUG, s.LOCAL, s.SESSION_COOKIE_SECURE", **env).stdout.split() == [
        "False",
        "False",
        "True",
    ]
    assert settings_with("s.DEBUG", **env, DJANGO_DEBUG="true").stdout.split() == ["True"]


def test_an_email_backend_stands_in_for_the_email_url():
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"}
    result = settings_with(
        "s.EMAIL_BACKEND", **env, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"
    )
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend", result.stderr


def test_postgresql_connections_prepare_the_compiled_statements_unless_turned_off():
    """prepare_threshold is what lets psycopg prepare a statement (responsibilities.statements);
    without it (a pooler that cannot keep them) no statement is prepared."""
    url = "postgres://postgres@127.0.0.1:5432/ale"
    expression = "s.DATABASES['default']['OPTIONS'].get('prepare_threshold')"
    env = {"DJANGO_ENV": "local", "DATABASE_URL": url}
    assert settings_with(expression, **env).stdout.split() == ["0"]
    off = settings_with(expression, **env, DATABASE_PREPARED_STATEMENTS="false")
    assert off.stdout.split() == ["None"], off.stderr
    sqlite = settings_with(expression, DJANGO_ENV="local")
    assert sqlite.stdout.split() == ["None"], sqlite.stderr

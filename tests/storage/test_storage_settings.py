"""Where files and the cache live follows the environment; unset means local."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ale_safety.env import cache_settings, storage_settings

BASE = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_aws_variables(monkeypatch):
    for name in (
        "AWS_STORAGE_BUCKET_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_S3_ENDPOINT_URL",
        "AWS_S3_REGION_NAME",
        "AWS_S3_ADDRESSING_STYLE",
        "AWS_LOCATION",
    ):
        monkeypatch.delenv(name, raising=False)


def test_unset_means_local_files():
    assert storage_settings(None) == {"BACKEND": "ale_safety.storage.LocalStorage"}
    local = storage_settings("file:///srv/media")
    assert local["OPTIONS"] == {"location": "/srv/media"}


def test_an_s3_url_names_bucket_prefix_keys_and_endpoint():
    url = "s3://KEY:p%40ss@ale-safety/prod?endpoint_url=http://minio:9000&addressing_style=path"
    s3 = storage_settings(url)
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    options = s3["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("ale-safety", "prod")
    assert (options["access_key"], options["secret_key"]) == ("KEY", "p@ss")
    assert options["endpoint_url"] == "http://minio:9000"
    assert options["addressing_style"] == "path"
    # Private, never overwritten, signed URLs short-lived.
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert options["querystring_auth"] is True and options["querystring_expire"] == 300


def test_the_usual_aws_variables_select_s3(monkeypatch):
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "kommun-filer")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "eu-north-1")
    options = storage_settings(None)["OPTIONS"]
    assert (options["bucket_name"], options["region_name"]) == ("kommun-filer", "eu-north-1")
    assert "access_key" not in options  # boto3's own chain (variables, instance role)


def test_a_bad_storage_url_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_STORAGE_URL"):
        storage_settings("ftp://files.example.se/")


def test_cache_urls():
    redis = cache_settings("redis://redis:6379/1")["default"]
    assert redis["BACKEND"] == "ale_safety.cache.ResilientRedisCache"
    assert redis["LOCATION"] == "redis://redis:6379/1"
    files = cache_settings("file:///srv/cache")["default"]
    assert files == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": "/srv/cache",
    }
    assert "LocMemCache" in cache_settings("locmem://")["default"]["BACKEND"]
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_settings("memcached://cache:11211")


def test_sessions_are_read_from_the_shared_cache():
    from ale_safety import settings

    assert settings.SESSION_ENGINE == "ale_safety.sessions.cached_db"


def configured(**env) -> str:
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE']='ale_safety.settings';"
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.STORAGES['default']['BACKEND'])"
    )
    keep = {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=BASE,
        env={**{k: v for k, v in os.environ.items() if k in keep}, "DJANGO_ENV": "local", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_redis_is_the_cache_when_configured_and_files_locally(tmp_path):
    assert configured(DJANGO_VAR_DIR=str(tmp_path)) == [
        "django.core.cache.backends.filebased.FileBasedCache",
        "ale_safety.storage.LocalStorage",
    ]
    assert configured(
        DJANGO_VAR_DIR=str(tmp_path),
        REDIS_URL="redis://redis:6379/0",
        DJANGO_STORAGE_URL="s3://ale-safety?endpoint_url=http://minio:9000",
    ) == ["ale_safety.cache.ResilientRedisCache", "storages.backends.s3.S3Storage"]

"""Small typed readers for settings from the environment; bad values fail loudly."""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """Django e-mail settings from a URL: smtp://, smtps://, console://, file:///path."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path),
        }
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme in ("smtp", "smtps"):
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", "").lower() in _TRUE,
            "EMAIL_TIMEOUT": 20,
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL must start with smtp://, smtps://, console:// or file://, not {url!r}"
    )


def cache_settings(url: str) -> dict:
    """The default Django cache from a URL: redis://, rediss://, locmem://, file:///path or
    dummy://."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss", "unix"):
        backend = {
            "BACKEND": "ale_safety.cache.ResilientRedisCache",
            "LOCATION": url,
            # A Redis that is down or unreachable answers as an empty cache, quickly.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
        # Shared with the broker's Redis unless CACHE_URL names another database.
        backend["KEY_PREFIX"] = "ale_safety"
    elif parts.scheme == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    elif parts.scheme == "file":
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": unquote(parts.path),
        }
    elif parts.scheme == "dummy":
        backend = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    else:
        raise ImproperlyConfigured(
            "CACHE_URL must start with redis://, rediss://, locmem://, file:// or dummy://, "
            f"not {url!r}"
        )
    return {"default": backend}


def storage_settings(url: str | None) -> dict:
    """The default file storage (STORAGES["default"]).

    Unset, or file:///path: local files (MEDIA_ROOT). s3://bucket/prefix?endpoint_url=…:
    an S3-compatible store through django-storages, with the key pair in the URL
    (s3://KEY:SECRET@bucket) or in the usual AWS_* variables. Without a URL, a bucket named in
    AWS_STORAGE_BUCKET_NAME selects S3 as well, configured by the AWS_* variables."""
    if url is None and env_str("AWS_STORAGE_BUCKET_NAME") is None:
        return {"BACKEND": "ale_safety.storage.LocalStorage"}  # MEDIA_ROOT
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme == "file":
            return {
                "BACKEND": "ale_safety.storage.LocalStorage",
                "OPTIONS": {"location": unquote(parts.path)},
            }
        if parts.scheme != "s3" or not parts.hostname:
            raise ImproperlyConfigured(
                f"DJANGO_STORAGE_URL must be s3://bucket[/prefix]?… or file:///path, not {url!r}"
            )
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        bucket = parts.hostname
        prefix = unquote(parts.path).strip("/")
        access_key = unquote(parts.username or "") or env_str("AWS_ACCESS_KEY_ID")
        secret_key = unquote(parts.password or "") or env_str("AWS_SECRET_ACCESS_KEY")
        endpoint = query.get("endpoint_url") or env_str("AWS_S3_ENDPOINT_URL")
        region = query.get("region_name") or env_str("AWS_S3_REGION_NAME")
        addressing = query.get("addressing_style") or env_str("AWS_S3_ADDRESSING_STYLE")
    else:
        bucket = env_str("AWS_STORAGE_BUCKET_NAME")
        prefix = (env_str("AWS_LOCATION") or "").strip("/")
        access_key = env_str("AWS_ACCESS_KEY_ID")
        secret_key = env_str("AWS_SECRET_ACCESS_KEY")
        endpoint = env_str("AWS_S3_ENDPOINT_URL")
        region = env_str("AWS_S3_REGION_NAME")
        addressing = env_str("AWS_S3_ADDRESSING_STYLE")
    options = {
        "bucket_name": bucket,
        "location": prefix,
        # Private objects: files are streamed by the access-checked views; a URL the storage
        # hands out (the admin's links) is signed and lives a few minutes.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": env_int("AWS_QUERYSTRING_EXPIRE", 300),
        # Related documents keep their file names: never overwrite another version's file.
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    # Unset: boto3's own chain (AWS_* variables, instance or pod role).
    optional = {
        "access_key": access_key,
        "secret_key": secret_key,
        "endpoint_url": endpoint,
        "region_name": region,
        "addressing_style": addressing,
    }
    options.update({key: value for key, value in optional.items() if value})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}

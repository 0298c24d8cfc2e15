"""The file storage in tests: local files under pytest's temporary folder by default, or an
S3-compatible server (moto, started here) with TEST_STORAGE=s3. Tests look at what is stored
through the storage API only, so the same assertions hold for both."""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.core.files.storage import default_storage

from tests.local_mode import PORT_OFFSET

TEST_STORAGE = os.environ.get("TEST_STORAGE", "local").lower()
S3_PORT = int(os.environ.get("TEST_S3_PORT", "6402")) + PORT_OFFSET
S3_BUCKET = "ale-safety-test"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
_server = None


def s3_endpoint(port: int = S3_PORT) -> str:
    return f"http://127.0.0.1:{port}"


def start_s3_server(port: int, log_path: Path | None = None) -> subprocess.Popen:
    """moto's S3-compatible server on 127.0.0.1:port, with the test bucket; the caller stops it
    (os.killpg on its pid)."""
    moto = Path(sys.executable).with_name("moto_server")
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [str(moto), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    f"moto_server stopped with exit code {process.returncode}"
                ) from None
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError(f"moto_server did not listen on port {port}")
    import boto3

    boto3.client(
        "s3",
        endpoint_url=s3_endpoint(port),
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    ).create_bucket(Bucket=S3_BUCKET)
    return process


def s3_storage_url(port: int = S3_PORT, prefix: str = "") -> str:
    """DJANGO_STORAGE_URL for the test bucket, as an operator would write it."""
    keys = f"{S3_KEYS['AWS_ACCESS_KEY_ID']}:{S3_KEYS['AWS_SECRET_ACCESS_KEY']}"
    return (
        f"s3://{keys}@{S3_BUCKET}/{prefix}?endpoint_url={s3_endpoint(port)}"
        "&region_name=us-east-1&addressing_style=path"
    )


def s3_storage(prefix: str) -> dict:
    from ale_safety.env import storage_settings

    return storage_settings(s3_storage_url(prefix=prefix))


def ensure_s3_server() -> None:
    """One server for the whole test session (stopped when the session's process ends)."""
    global _server
    if _server is None:
        import atexit
        import signal

        _server = start_s3_server(S3_PORT)
        atexit.register(lambda: os.killpg(_server.pid, signal.SIGTERM))


def fresh_storage(settings, tmp_path: Path) -> Path:
    """An empty file storage for one test: a new MEDIA_ROOT, or a new prefix in the bucket."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if TEST_STORAGE == "s3":
        ensure_s3_server()
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_storage(prefix=f"tests/{uuid.uuid4().hex}"),
        }
    return settings.MEDIA_ROOT


def stored_names(folder: str = "", storage=None) -> list[str]:
    """Every file name under `folder` in the storage, sorted."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    prefix = f"{folder.rstrip('/')}/" if folder else ""
    names = [prefix + name for name in files]
    for directory in directories:
        names += stored_names(prefix + directory, storage)
    return sorted(names)

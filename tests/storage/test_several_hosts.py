"""Several hosts on one machine: two gunicorn web processes and two Celery workers sharing
PostgreSQL, Redis (broker, cache and sessions) and an S3-compatible store (moto's server).
Evidence uploaded through web A downloads through web B with the session made on A; a report
PDF rendered by a worker is served by both; a file the clean-up (on a worker) deletes is gone
for both. Ports: TEST_SEVERAL_HOSTS_PORTS (S3, web A, web B), default 6401, 8171, 8172."""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from ale_safety.celery import app as celery_app
from followup.models import Attachment, Cycle, ReportFile
from responsibilities.models import User
from tests.followup.conftest import demo_report
from tests.followup.test_report_form import form_data
from tests.local_mode import PORT_OFFSET
from tests.services import require_postgresql, require_redis
from tests.storage_support import S3_BUCKET, S3_KEYS, s3_endpoint, s3_storage_url, start_s3_server

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]
BASE = Path(settings.BASE_DIR)
S3_PORT, WEB_A, WEB_B = (
    int(port) + PORT_OFFSET
    for port in os.environ.get("TEST_SEVERAL_HOSTS_PORTS", "6401,8171,8172").split(",")
)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def wait_for(condition, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class Hosts:
    """The processes of the installation, started with the same environment as production
    would give them (only the addresses differ)."""

    def __init__(self, tmp_path, broker_url, prefix):
        db = connection.settings_dict
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_"))},
            # Local mode over plain HTTP (production would redirect to HTTPS); every address a
            # host needs is given explicitly, as production requires.
            "DJANGO_ENV": "local",
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"postgres://{db['USER']}@{host}/{db['NAME']}",
            "REDIS_URL": broker_url,
            "DJANGO_STORAGE_URL": s3_storage_url(S3_PORT, prefix),
            "EMAIL_URL": f"file://{tmp_path / 'mail'}",
            "DJANGO_VAR_DIR": str(tmp_path / "var"),
            "STORAGE_CLEANUP_GRACE_HOURS": "0",
        }
        self.tmp_path = tmp_path
        self.processes = []

    def start(self, name, args):
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.processes.append(
            subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", *args],
                cwd=BASE,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def web(self, name, port):
        self.start(
            name,
            [
                "gunicorn",
                "ale_safety.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--control-socket",
                str(self.tmp_path / f"{name}.ctl"),
            ],
        )

    def worker(self, name):
        self.start(
            name,
            [
                "celery",
                "-A",
                "ale_safety",
                "worker",
                "--pool=solo",
                f"--hostname={name}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
        )

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
        )


def log_in(origin, username) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{origin}/konto/logga-in/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{origin}/konto/logga-in/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": "demo"},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    return session


def post(session, origin, path, data, files=None):
    token = session.cookies["csrftoken"]
    return session.post(
        f"{origin}{path}",
        data={**data, "csrfmiddlewaretoken": token},
        files=files,
        timeout=30,
        allow_redirects=False,
    )


def get(session, origin, path):
    return session.get(f"{origin}{path}", timeout=30, allow_redirects=False)


def test_two_webs_and_two_workers_share_files_sessions_and_clean_up(demo, tmp_path):
    require_postgresql()
    broker_url = require_redis()
    import redis

    redis.Redis.from_url(broker_url).flushdb()  # no task or session left from another run
    prefix = f"several-hosts/{uuid.uuid4().hex}"
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint(S3_PORT),
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )

    def in_bucket(folder):
        found = s3.list_objects_v2(Bucket=S3_BUCKET, Prefix=f"{prefix}/{folder}")
        return sorted(item["Key"].removeprefix(f"{prefix}/") for item in found.get("Contents", []))

    # The processes check passwords with the production hasher, not the tests' fast one.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        for username in ("ale-sektorchef", "ale-fortroendevald", "ale-sakerhetschef"):
            person = User.objects.get(username=username)
            person.set_password("demo")
            person.save(update_fields=["password"])
    moto = start_s3_server(S3_PORT, tmp_path / "s3.log")
    hosts = Hosts(tmp_path, broker_url, prefix)
    a, b = f"http://127.0.0.1:{WEB_A}", f"http://127.0.0.1:{WEB_B}"
    try:
        hosts.web("web-a", WEB_A)
        hosts.web("web-b", WEB_B)
        hosts.worker("worker-1")
        hosts.worker("worker-2")
        wait_for(lambda: answers(f"{a}/healthz") and answers(f"{b}/healthz"), what="both webs")

        # Evidence uploaded through A, downloaded through B with the session A made.
        report = demo_report("Sektor utbildning")
        author = log_in(a, "ale-sektorchef")
        edit = reverse("followup:report_edit", kwargs={"municipality": "ale", "pk": report.pk})
        data = {**form_data(report, "bilagor"), "attachment-description": "Protokoll"}
        saved = post(author, a, edit, data, files={"attachment-file": ("protokoll.pdf", PDF)})
        assert saved.status_code == 302, saved.text[:2000]
        item = Attachment.objects.get(report=report)
        assert in_bucket("followup/") == [item.file.name]
        download = reverse(
            "followup:attachment",
            kwargs={"municipality": "ale", "pk": report.pk, "attachment": item.pk},
        )
        from_b = get(author, b, download)
        assert (from_b.status_code, from_b.content) == (200, PDF)

        # The board's report PDF, asked for on A by the security chief, rendered by a worker,
        # served by A and B to a reader.
        chief = log_in(a, "ale-sakerhetschef")
        reader = log_in(b, "ale-fortroendevald")
        cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
        asked = post(
            chief,
            a,
            reverse("followup:reports_request", args=["ale"]),
            {"kind": "board", "cycle": cycle.pk},
        )
        assert asked.status_code == 302
        row = ReportFile.objects.get(kind="board", cycle=cycle, language="sv")

        def ready():
            row.refresh_from_db()
            return row.status in (ReportFile.Status.READY, ReportFile.Status.FAILED)

        wait_for(ready, timeout=90, what="the worker's PDF")
        assert row.status == ReportFile.Status.READY, row.error
        assert in_bucket("followup/pdf/") == [row.file_path]
        file_url = reverse("followup:file_download", args=["ale", row.pk])
        first, second = get(reader, a, file_url), get(reader, b, file_url)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content and first.content.startswith(b"%PDF")

        # Evidence whose row went (as a cascade leaves it): the clean-up on a worker deletes
        # the file from the shared store, and neither web has it any more.
        Attachment.objects.filter(pk=item.pk).delete()
        assert in_bucket("followup/") == sorted([item.file.name, row.file_path])
        with celery_app.connection_for_write(broker_url) as conn:
            result = celery_app.send_task("programmes.clean_up_files", connection=conn)
        wait_for(lambda: in_bucket("followup/") == [row.file_path], what="the clean-up")
        assert result.id
        for origin in (a, b):
            assert get(author, origin, download).status_code == 404
            assert get(reader, origin, file_url).status_code == 200  # still referenced
    except BaseException:
        print(hosts.logs())
        raise
    finally:
        hosts.stop()
        os.killpg(moto.pid, signal.SIGTERM)
        moto.wait(timeout=10)

"""Run web, Celery worker and beat together for local work (`make run`)."""

import json
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from responsibilities.demo import DEMO_PASSWORD, PEOPLE
from responsibilities.sso import demo as sso_demo


def site_environment(environ, host, port) -> dict:
    """The environment for web, worker and beat: links in e-mails and calendar feeds point at
    the address this run serves, unless SITE_URL says otherwise."""
    child = dict(environ)
    if not child.get("SITE_URL"):
        shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
        child["SITE_URL"] = f"http://{shown}:{port}"
    return child


class Command(BaseCommand):
    help = "Starts the web server, a Celery worker and Celery beat; stops all three on Ctrl-C."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")

    def handle(self, *args, host, port, **options):
        python = sys.executable
        # The demo OpenID provider that Ale signs in with (responsibilities/sso/demo.py).
        idp_dir = settings.VAR_DIR / "demo_idp"
        idp_dir.mkdir(parents=True, exist_ok=True)
        idp_config = idp_dir / "config.json"
        idp_config.write_text(json.dumps(sso_demo.idp_config(f"http://{host}:{port}")))
        os.environ.setdefault(sso_demo.DEMO_SECRET_ENV, sso_demo.DEMO_SECRET)
        commands = {
            "web": [python, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "ale_safety",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
            ],
            "beat": [python, "-m", "celery", "-A", "ale_safety", "beat", "--loglevel=INFO"],
            "demo-idp": [
                python,
                "-m",
                "responsibilities.sso.demo_idp",
                "--port",
                str(sso_demo.DEMO_IDP_PORT),
                "--data-dir",
                str(idp_dir),
                "--config",
                str(idp_config),
            ],
        }
        child_env = site_environment(os.environ, host, port)
        processes = {
            name: subprocess.Popen(cmd, env=child_env)  # noqa: S603
            for name, cmd in commands.items()
        }
        self._print_banner(host, port)
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"{name} stopped with exit code {process.returncode}.")
                        stopping = True
                time.sleep(0.5)
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            for process in processes.values():
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()

    def _print_banner(self, host, port):
        lines = [
            "",
            f"  Trygghet och säkerhet runs at http://{host}:{port}/",
            f"  Log in at http://{host}:{port}/konto/logga-in/ with any demo user "
            f"(password: {DEMO_PASSWORD}):",
        ]
        lines += [f"    {username:<22} {first} {last}" for username, first, last, *_ in PEOPLE]
        lines += [
            "  Or sign in as a new Ale employee: on the login page type an address at "
            f"@{sso_demo.DEMO_DOMAIN}, then at the demo identity provider "
            f"({sso_demo.issuer()}) log in as",
        ]
        lines += [
            f"    {person['username']:<22} password: {person['password']}"
            for person in sso_demo.DEMO_IDP_PEOPLE
        ]
        lines += [f"  E-mail is written to {settings.EMAIL_FILE_PATH}", "  Ctrl-C stops all.", ""]
        self.stdout.write("\n".join(lines))

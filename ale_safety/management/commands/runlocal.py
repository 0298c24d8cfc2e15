"""Run web, Celery worker and beat together for local work (`make run`)."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from responsibilities.demo import DEMO_PASSWORD, PEOPLE


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
        lines += [f"  E-mail is written to {settings.EMAIL_FILE_PATH}", "  Ctrl-C stops all.", ""]
        self.stdout.write("\n".join(lines))

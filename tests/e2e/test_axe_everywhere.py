"""axe-core over every page as every persona: each GET URL of the authorisation matrix that the
persona may open (status 200) is loaded in Chromium and must have no WCAG 2.1 A/AA violation.

Generated from the URL configuration and the `CASES` of tests/authz, so a new page is checked
as soon as it has its authorisation case. One browser context (one login) per persona.
"""

import pytest

from tests.authz import ANONYMOUS, PERSONAS
from tests.authz.test_matrix import pages_for
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HTML = "text/html"
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_axe_finds_nothing_on_any_page(new_page, demo, persona):
    from axe_playwright_python.sync_playwright import Axe

    page = new_page()
    if persona != ANONYMOUS:
        log_in(page, persona)
    axe = Axe()
    checked, problems = 0, []
    for case_id, url in pages_for(persona):
        # Ask first (same cookies) so that PDF, CSV, XLSX and ICS never start a download.
        probe = page.request.get(url)
        assert probe.status == 200, f"{url} as {persona}: {probe.status}"
        if not probe.headers.get("content-type", "").startswith(HTML):
            continue
        page.goto(url)
        results = axe.run(page, options=AXE_OPTIONS)
        checked += 1
        if results.violations_count:
            problems.append(f"{case_id} {url}\n{results.generate_report()}")
    assert checked, f"no HTML page checked as {persona}"
    assert not problems, "\n\n".join(problems)

"""Browser tests: Playwright driving the system Chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.services import require_chromium

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Assertions wait for the page (a click starts a navigation; it does not wait for it to finish),
# and as long as actions do: CI runs the suite in two processes on two shared cores.
expect.set_options(timeout=10_000)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh browser context (its own cookies): new_page(language="sv")."""
    contexts = []

    def open_page(language="sv", javascript=True, width=1280):
        context = browser.new_context(
            base_url=live_server.url,
            locale="sv-SE" if language == "sv" else "en-GB",
            java_script_enabled=javascript,
            viewport={"width": width, "height": 900},
        )
        if language != "sv":
            context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url}]
            )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def log_in(page, username, password="demo"):  # noqa: S107 - the documented demo password
    page.goto("/konto/logga-in/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/start/")


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_accessible(page):
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    assert results.violations_count == 0, results.generate_report()

"""The public and an employee read the adopted programme in a real browser."""

import re

import pytest

from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_public_finds_and_reads_the_ale_programme(page, demo):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Ale kommun").click()
    page.get_by_role("link", name=re.compile("Program för trygghet och säkerhet")).click()
    assert (
        page.locator("h1").inner_text()
        == "Program för trygghet och säkerhet i Ale kommun 2021–2024"
    )
    assert page.get_by_role("heading", name="Ansvar och omfattning").is_visible()
    # The validity period, a table of contents; the revision banner is for staff only.
    assert page.get_by_text("2021-01-01 – 2024-12-31").is_visible()
    assert page.get_by_role("link", name="Ansvar och omfattning").is_visible()
    assert page.get_by_text("Revisionen är försenad").count() == 0
    assert page.locator("html").get_attribute("lang") == "sv"
    assert_accessible(page)
    screenshot(page, "public-ale-programme")


def test_the_public_reads_kalix_in_english_chrome(new_page, demo):
    page = new_page(language="en")
    page.goto("/kalix/program/sakerhetspolicy/")
    assert page.get_by_text("Adopted by").first.is_visible()
    assert page.get_by_role("heading", name="3 Ansvar").is_visible()
    assert_accessible(page)


def test_an_unknown_page_is_a_swedish_404(page, demo):
    response = page.goto("/ale/program/finns-inte/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Sidan finns inte").is_visible()
    assert_accessible(page)


def test_an_employee_logs_in_and_sees_their_roles(page, demo):
    page.goto("/konto/logga-in/")
    assert_accessible(page)
    log_in(page, "ale-medarbetare")
    assert page.get_by_role("cell", name="Medarbetare").is_visible()
    assert_accessible(page)
    screenshot(page, "start-employee")


def test_the_programme_reads_without_javascript(new_page, demo):
    page = new_page(javascript=False)
    page.goto("/ale/program/trygghet-och-sakerhet/")
    assert page.get_by_role("heading", name="Syfte").is_visible()
    page.get_by_role("button", name="In English").click()
    assert page.get_by_role("heading", name="Contents").is_visible()


def test_the_programme_fits_a_320_pixel_phone(new_page, demo):
    page = new_page(width=320)
    page.goto("/ale/program/trygghet-och-sakerhet/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "public-ale-320px")


def test_keyboard_only_reading_and_login(page, demo):
    page.goto("/ale/program/trygghet-och-sakerhet/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # Tab forward from the top to the log-in link and follow it, all by keyboard.
    page.goto("/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.locator(":focus").inner_text() == "Logga in":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/konto/logga-in/")
    page.keyboard.press("Tab")  # skip link
    for _ in range(30):  # past the header and the sign-in-with-your-municipality form
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "username":
            break
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("ale-medarbetare")
    page.keyboard.press("Tab")
    page.keyboard.type("demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/start/")
    assert page.get_by_role("heading", level=1).is_visible()


def test_the_accessibility_statement_is_linked_from_every_page(page, demo):
    page.goto("/ale/")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    assert page.get_by_role("heading", name="Tillgänglighetsredogörelse").is_visible()
    assert_accessible(page)

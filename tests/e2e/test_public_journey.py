"""The public and an employee read the adopted programme in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_public_finds_and_reads_the_ale_programme(page, demo):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Ale kommun").click()
    page.get_by_role("link", name=re.compile("Program för trygghet och säkerhet")).click()
    expect(page.locator("h1")).to_have_text(
        "Program för trygghet och säkerhet i Ale kommun 2021–2024"
    )
    expect(page.get_by_role("heading", name="Ansvar och omfattning")).to_be_visible()
    # The validity period, a table of contents; the revision banner is for staff only.
    expect(page.get_by_text("2021-01-01 – 2024-12-31")).to_be_visible()
    expect(page.get_by_role("link", name="Ansvar och omfattning")).to_be_visible()
    expect(page.get_by_text("Revisionen är försenad")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)
    screenshot(page, "public-ale-programme")


def test_the_public_reads_kalix_in_english_chrome(new_page, demo):
    page = new_page(language="en")
    page.goto("/kalix/program/sakerhetspolicy/")
    expect(page.get_by_text("Adopted by").first).to_be_visible()
    expect(page.get_by_role("heading", name="3 Ansvar")).to_be_visible()
    assert_accessible(page)


def test_an_unknown_page_is_a_swedish_404(page, demo):
    response = page.goto("/ale/program/finns-inte/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Sidan finns inte")).to_be_visible()
    assert_accessible(page)


def test_an_employee_logs_in_and_sees_their_roles(page, demo):
    page.goto("/konto/logga-in/")
    assert_accessible(page)
    log_in(page, "ale-medarbetare")
    expect(page.get_by_role("cell", name="Medarbetare")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "start-employee")


def test_the_programme_reads_without_javascript(new_page, demo):
    page = new_page(javascript=False)
    page.goto("/ale/program/trygghet-och-sakerhet/")
    expect(page.get_by_role("heading", name="Syfte")).to_be_visible()
    page.get_by_role("button", name="In English").click()
    expect(page.get_by_role("heading", name="Contents")).to_be_visible()


def test_the_programme_fits_a_320_pixel_phone(new_page, demo):
    page = new_page(width=320)
    page.goto("/ale/program/trygghet-och-sakerhet/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "public-ale-320px")


def test_keyboard_only_reading_and_login(page, demo):
    page.goto("/ale/program/trygghet-och-sakerhet/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Hoppa till innehållet")
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
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_accessibility_statement_is_linked_from_every_page(page, demo):
    page.goto("/ale/")
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", name="Tillgänglighetsredogörelse")).to_be_visible()
    assert_accessible(page)

"""The security chief manages people and assignments in a real browser; the matrix shows gaps."""

import re

import pytest
from playwright.sync_api import expect

from responsibilities.models import Assignment
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_security_chief_gives_a_role_and_ends_it(page, demo):
    log_in(page, "ale-sakerhetschef")
    page.get_by_role("link", name="Hantera", exact=True).click()
    expect(page.get_by_role("heading", name="Hantera Ale kommun")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Hantera organisationen").get_by_role(
        "link", name="Personer"
    ).click()
    page.wait_for_url("**/personer/")
    assert_accessible(page)

    # htmx replaces the results as the search is submitted; the address follows.
    page.get_by_label("Sök på namn, användarnamn eller e-post").fill("Maja")
    page.get_by_label("Sök på namn, användarnamn eller e-post").press("Enter")
    page.wait_for_url(re.compile(r"q=Maja"))
    results = page.locator("#results")
    results.get_by_text("1 person som matchar").wait_for()
    expect(results.get_by_role("link", name="Sara Säkerhetschef")).to_have_count(0)
    assert_accessible(page)
    results.get_by_role("link", name="Maja Medarbetare").click()
    expect(page.get_by_role("heading", name="Maja Medarbetare")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Ge en roll").click()
    assert page.get_by_label("Person").input_value() != ""
    page.get_by_label("Roll").select_option(label="Säkerhetsombud")
    page.get_by_role("button", name="Spara").click()
    # A unit role without a unit: a Swedish message, and the choices are kept.
    expect(page.get_by_text("Rollen innehas i en enhet: välj enheten.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Enhet").select_option(label="Sektor samhällsbyggnad (demo)")
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Maja Medarbetare har nu rollen Säkerhetsombud.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Säkerhetsombud"))
    expect(row.get_by_text("Aktiv")).to_be_visible()
    screenshot(page, "manage-person-with-new-role")

    row.get_by_role("link", name=re.compile("Avsluta")).click()
    expect(page.get_by_role("heading", name="Avsluta uppdrag")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, avsluta uppdraget").click()
    expect(page.get_by_text("Uppdraget är avslutat")).to_be_visible()
    row = page.get_by_role("row", name=re.compile("Säkerhetsombud"))
    expect(row.get_by_text("Avslutat")).to_be_visible()
    assignment = Assignment.objects.get(
        person__username="ale-medarbetare", role__kind="security_representative"
    )
    assert assignment.ended_at is not None
    assert_accessible(page)


def test_search_and_filters_work_without_javascript(new_page, demo):
    page = new_page(javascript=False)
    log_in(page, "ale-administrator")
    page.goto("/hantera/ale/personer/")
    page.get_by_label("Sök på namn, användarnamn eller e-post").fill("Siri")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.get_by_role("link", name="Siri Sektorchef")).to_be_visible()
    expect(page.get_by_role("link", name="Sven Sektorchef")).to_have_count(0)
    page.goto("/hantera/ale/uppdrag/")
    page.get_by_label("Roll").select_option(label="Sektorchef")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_text("4 uppdrag")).to_be_visible()


def test_the_unit_and_assignment_lists_are_accessible(page, demo):
    log_in(page, "ale-administrator")
    page.goto("/hantera/ale/enheter/")
    expect(page.get_by_role("link", name="Förskoleenheten Nödinge")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Ny enhet").click()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Rätta till felen nedan.")).to_be_visible()
    assert_accessible(page)
    page.goto("/hantera/ale/uppdrag/")
    assert_accessible(page)
    screenshot(page, "manage-assignments")


def test_the_matrix_shows_the_demo_gap(page, demo):
    log_in(page, "ale-sakerhetschef")  # staffing gaps are for who manages staffing
    page.get_by_role("link", name="Ansvar").first.click()
    expect(page.get_by_role("heading", name="Obemannade uppdrag")).to_be_visible()
    gaps = page.get_by_role("table", name="Obemannade uppdrag")
    gap = gaps.get_by_role("row", name=re.compile("Sektor samhällsbyggnad"))
    expect(gap.get_by_role("cell", name="Säkerhetsombud", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Sara Säkerhetschef"))).to_be_visible()
    assert_accessible(page)
    screenshot(page, "responsibility-matrix")


def test_the_password_pages_are_accessible(page, demo):
    page.goto("/konto/logga-in/")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    page.wait_for_url("**/konto/glomt-losenord/")
    assert_accessible(page)
    page.get_by_label("E-postadress").fill("ale-medarbetare@example.org")
    page.get_by_role("button", name="Skicka länken").click()
    expect(page.get_by_role("heading", name="Titta i din e-post")).to_be_visible()
    log_in(page, "ale-medarbetare")
    page.get_by_role("link", name="Byt lösenord").click()
    page.wait_for_url("**/konto/losenord/")
    assert_accessible(page)

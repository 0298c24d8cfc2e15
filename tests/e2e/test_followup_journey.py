"""The yearly loop in Chromium: fill in, submit, return, resubmit, approve, committee."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Report
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
MISSING_AREAS = [
    "Krisberedskap",
    "Civilt försvar och säkerhetsskydd",
    "Informationssäkerhet",
]


def report_url(unit="Sektor utbildning", year=2026):
    report = Report.objects.get(unit__name=unit, cycle__year=year, unit__municipality__slug="ale")
    return f"/uppfoljning/ale/rapport/{report.pk}/"


def area(page, name):
    return page.locator("section.report-area").filter(
        has=page.get_by_role("heading", name=name, exact=True)
    )


def test_the_yearly_loop_in_swedish(new_page, demo):
    sector = new_page()
    log_in(sector, "ale-sektorchef")
    sector.goto("/uppfoljning/ale/")
    assert_accessible(sector)
    sector.get_by_role("link", name="2026", exact=True).click()
    sector.get_by_role("link", name="Fyll i rapporten").click()
    expect(sector.get_by_text("6 obligatoriska frågor måste besvaras")).to_be_visible()
    assert_accessible(sector)
    parts = sector.get_by_role("navigation", name="Rapportens delar")

    # Save a half-done draft first: it stays a draft and the check shrinks.
    parts.get_by_role("link", name="Krisberedskap").click()
    section = area(sector, "Krisberedskap")
    section.get_by_role("group", name=re.compile("Måluppfyllelse")).get_by_label(
        "Delvis uppfyllt", exact=True
    ).check()
    section.get_by_label(re.compile("Vad har genomförts")).fill("Krisledningsövning i mars.")
    sector.get_by_role("button", name="Spara och stanna här").click()
    expect(sector.get_by_text("Utkastet har sparats.")).to_be_visible()
    sector.get_by_role("link", name="Översikt och inskickning").click()
    expect(sector.get_by_text("4 obligatoriska frågor måste besvaras")).to_be_visible()

    # The other areas part by part, each saved by the button that moves on.
    parts.get_by_role("link", name=MISSING_AREAS[1]).click()
    for name in MISSING_AREAS[1:]:
        section = area(sector, name)
        section.get_by_role("group", name=re.compile("Måluppfyllelse")).get_by_label(
            "Uppfyllt", exact=True
        ).check()
        section.get_by_label(re.compile("Vad har genomförts")).fill("Arbetet följer planen.")
        sector.get_by_role("button", name=re.compile("^Nästa del")).click()
    sector.get_by_role("button", name=re.compile("^Nästa del")).click()  # the general ones
    expect(sector.get_by_text("Ta fram rutin för hot och våld i skolmiljö")).to_be_visible()
    sector.locator("#action-rows textarea").last.fill("Öva krisledningsstaben")
    sector.locator("#action-rows input[type=date]").last.fill("2027-05-31")
    sector.get_by_role("button", name=re.compile("^Nästa del")).click()  # to the files
    sector.get_by_role("button", name="Skicka in").click()
    expect(sector.get_by_text("Rapporten har skickats in till säkerhetschefen.")).to_be_visible()
    expect(sector.get_by_text("Inskickad").first).to_be_visible()
    screenshot(sector, "followup-submitted")

    chief = new_page()
    log_in(chief, "ale-sakerhetschef")
    chief.goto(report_url())
    # (also in the report's change history, as an insertion)
    expect(chief.locator("dd").get_by_text("Krisledningsövning i mars.")).to_be_visible()
    assert_accessible(chief)
    chief.get_by_label("Kommentar till enheten").fill("Beskriv också övningen för skolorna.")
    chief.get_by_role("button", name="Returnera till enheten").click()
    expect(chief.get_by_text("Rapporten har returnerats till enheten.")).to_be_visible()

    sector.goto(report_url())
    expect(
        sector.get_by_role("note").get_by_text("Beskriv också övningen för skolorna.")
    ).to_be_visible()
    sector.get_by_role("link", name="Komplettera och skicka in igen").click()
    sector.get_by_role("navigation", name="Rapportens delar").get_by_role(
        "link", name="Krisberedskap"
    ).click()
    area(sector, "Krisberedskap").get_by_label(re.compile("Vad har genomförts")).fill(
        "Krisledningsövning i mars och utrymningsövning på alla skolor."
    )
    sector.get_by_role("button", name="Spara och stanna här").click()
    sector.get_by_role("link", name="Översikt och inskickning").click()
    sector.get_by_role("button", name="Skicka in").click()
    expect(sector.get_by_text("Rapporten har skickats in till säkerhetschefen.")).to_be_visible()

    chief.goto(report_url())
    expect(chief.locator("dd").get_by_text("utrymningsövning på alla skolor")).to_be_visible()
    chief.get_by_role("button", name="Godkänn").click()
    expect(chief.get_by_text("Rapporten har godkänts.")).to_be_visible()
    chief.get_by_label("Sammanträdesdatum").fill("2026-11-30")
    chief.get_by_label("§-nummer").fill("88")
    chief.get_by_role("button", name="Registrera rapportering till nämnden").click()
    expect(chief.get_by_text("Rapporteringen till nämnden har registrerats.")).to_be_visible()
    history = chief.get_by_role("table").filter(has_text="Steg")
    expect(history.get_by_role("rowheader", name="Returnerad")).to_be_visible()
    expect(history.get_by_text("2026-11-30, § 88")).to_be_visible()
    assert_accessible(chief)
    screenshot(chief, "followup-reported")
    report = Report.objects.get(pk=int(report_url().rstrip("/").split("/")[-1]))
    assert report.status == Report.Status.REPORTED
    assert report.events.count() == 5

    # The dashboard reflects it; a council member then reads the approved report.
    chief.goto("/uppfoljning/ale/")
    chief.get_by_role("link", name="2026", exact=True).click()
    # In the units' table and in the units × areas matrix.
    expect(chief.get_by_role("cell", name="Rapporterad till nämnd").first).to_be_visible()
    assert_accessible(chief)
    council = new_page()
    log_in(council, "ale-fortroendevald")
    council.goto(report_url())
    expect(council.locator("dd").get_by_text("utrymningsövning på alla skolor")).to_be_visible()


def test_key_steps_in_english(new_page, demo):
    chief = new_page(language="en")
    log_in(chief, "ale-sakerhetschef")
    chief.goto(report_url("Sektor samhällsbyggnad"))
    chief.get_by_role("button", name="In English").click()  # stored on the account
    expect(chief.get_by_role("heading", name="Review", exact=True)).to_be_visible()
    chief.get_by_role("button", name="Approve").click()
    expect(chief.get_by_text("The report has been approved.")).to_be_visible()
    assert_accessible(chief)
    chief.goto("/uppfoljning/ale/")
    chief.get_by_role("link", name="2025", exact=True).click()
    expect(
        chief.get_by_role("heading", name="Goal attainment per unit and application area")
    ).to_be_visible()
    expect(chief.get_by_role("heading", name="Goal attainment over the years")).to_be_visible()
    expect(chief.get_by_role("columnheader", name="Partly met").first).to_be_visible()
    assert_accessible(chief)

    sector = new_page(language="en")
    log_in(sector, "ale-sektorchef")
    sector.goto(report_url() + "redigera/")
    sector.get_by_role("button", name="In English").click()
    expect(sector.get_by_role("heading", name="Completeness check")).to_be_visible()
    expect(sector.get_by_role("button", name="Submit")).to_be_visible()
    assert_accessible(sector)
    sector.get_by_role("link", name=re.compile("Start with the first part")).click()
    expect(sector.get_by_text("Part 1 of 8")).to_be_visible()
    expect(sector.get_by_role("button", name=re.compile("^Next part"))).to_be_visible()
    assert_accessible(sector)


def test_the_form_works_without_javascript(new_page, demo):
    sector = new_page(javascript=False)
    log_in(sector, "ale-sektorchef")
    sector.goto(report_url() + "redigera/?del=handlingsplan")
    rows = sector.locator("#action-rows tr")
    expect(rows).to_have_count(3)  # two carried over and an empty one
    sector.locator("#action-rows textarea").last.fill("Ny åtgärd utan JavaScript")
    sector.get_by_role("button", name="Lägg till rad").click()
    expect(sector.locator("#action-rows tr")).to_have_count(5)
    expect(sector.get_by_text("Utkastet har sparats.")).to_be_visible()

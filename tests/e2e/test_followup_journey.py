"""The yearly loop in Chromium: fill in, submit, return, resubmit, approve, committee."""

import re

import pytest

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
    assert sector.get_by_text("6 obligatoriska frågor måste besvaras").is_visible()
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
    assert sector.get_by_text("Utkastet har sparats.").is_visible()
    sector.get_by_role("link", name="Översikt och inskickning").click()
    assert sector.get_by_text("4 obligatoriska frågor måste besvaras").is_visible()

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
    assert sector.get_by_text("Ta fram rutin för hot och våld i skolmiljö").is_visible()
    sector.locator("#action-rows textarea").last.fill("Öva krisledningsstaben")
    sector.locator("#action-rows input[type=date]").last.fill("2027-05-31")
    sector.get_by_role("button", name=re.compile("^Nästa del")).click()  # to the files
    sector.get_by_role("button", name="Skicka in").click()
    assert sector.get_by_text("Rapporten har skickats in till säkerhetschefen.").is_visible()
    assert sector.get_by_text("Inskickad").first.is_visible()
    screenshot(sector, "followup-submitted")

    chief = new_page()
    log_in(chief, "ale-sakerhetschef")
    chief.goto(report_url())
    # (also in the report's change history, as an insertion)
    assert chief.locator("dd").get_by_text("Krisledningsövning i mars.").is_visible()
    assert_accessible(chief)
    chief.get_by_label("Kommentar till enheten").fill("Beskriv också övningen för skolorna.")
    chief.get_by_role("button", name="Returnera till enheten").click()
    assert chief.get_by_text("Rapporten har returnerats till enheten.").is_visible()

    sector.goto(report_url())
    assert (
        sector.get_by_role("note").get_by_text("Beskriv också övningen för skolorna.").is_visible()
    )
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
    assert sector.get_by_text("Rapporten har skickats in till säkerhetschefen.").is_visible()

    chief.goto(report_url())
    assert chief.locator("dd").get_by_text("utrymningsövning på alla skolor").is_visible()
    chief.get_by_role("button", name="Godkänn").click()
    assert chief.get_by_text("Rapporten har godkänts.").is_visible()
    chief.get_by_label("Sammanträdesdatum").fill("2026-11-30")
    chief.get_by_label("§-nummer").fill("88")
    chief.get_by_role("button", name="Registrera rapportering till nämnden").click()
    assert chief.get_by_text("Rapporteringen till nämnden har registrerats.").is_visible()
    history = chief.get_by_role("table").filter(has_text="Steg")
    assert history.get_by_role("rowheader", name="Returnerad").is_visible()
    assert history.get_by_text("2026-11-30, § 88").is_visible()
    assert_accessible(chief)
    screenshot(chief, "followup-reported")
    report = Report.objects.get(pk=int(report_url().rstrip("/").split("/")[-1]))
    assert report.status == Report.Status.REPORTED
    assert report.events.count() == 5

    # The dashboard reflects it; a council member then reads the approved report.
    chief.goto("/uppfoljning/ale/")
    chief.get_by_role("link", name="2026", exact=True).click()
    # In the units' table and in the units × areas matrix.
    assert chief.get_by_role("cell", name="Rapporterad till nämnd").first.is_visible()
    assert_accessible(chief)
    council = new_page()
    log_in(council, "ale-fortroendevald")
    council.goto(report_url())
    assert council.locator("dd").get_by_text("utrymningsövning på alla skolor").is_visible()


def test_key_steps_in_english(new_page, demo):
    chief = new_page(language="en")
    log_in(chief, "ale-sakerhetschef")
    chief.goto(report_url("Sektor samhällsbyggnad"))
    chief.get_by_role("button", name="In English").click()  # stored on the account
    assert chief.get_by_role("heading", name="Review", exact=True).is_visible()
    chief.get_by_role("button", name="Approve").click()
    assert chief.get_by_text("The report has been approved.").is_visible()
    assert_accessible(chief)
    chief.goto("/uppfoljning/ale/")
    chief.get_by_role("link", name="2025", exact=True).click()
    assert chief.get_by_role(
        "heading", name="Goal attainment per unit and application area"
    ).is_visible()
    assert chief.get_by_role("heading", name="Goal attainment over the years").is_visible()
    assert chief.get_by_role("columnheader", name="Partly met").first.is_visible()
    assert_accessible(chief)

    sector = new_page(language="en")
    log_in(sector, "ale-sektorchef")
    sector.goto(report_url() + "redigera/")
    sector.get_by_role("button", name="In English").click()
    assert sector.get_by_role("heading", name="Completeness check").is_visible()
    assert sector.get_by_role("button", name="Submit").is_visible()
    assert_accessible(sector)
    sector.get_by_role("link", name=re.compile("Start with the first part")).click()
    assert sector.get_by_text("Part 1 of 8").is_visible()
    assert sector.get_by_role("button", name=re.compile("^Next part")).is_visible()
    assert_accessible(sector)


def test_the_form_works_without_javascript(new_page, demo):
    sector = new_page(javascript=False)
    log_in(sector, "ale-sektorchef")
    sector.goto(report_url() + "redigera/?del=handlingsplan")
    rows = sector.locator("#action-rows tr")
    assert rows.count() == 3  # two carried over and an empty one
    sector.locator("#action-rows textarea").last.fill("Ny åtgärd utan JavaScript")
    sector.get_by_role("button", name="Lägg till rad").click()
    assert sector.locator("#action-rows tr").count() == 5
    assert sector.get_by_text("Utkastet har sparats.").is_visible()

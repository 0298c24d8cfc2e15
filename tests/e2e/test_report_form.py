"""The report form part by part in Chromium, on a phone and on a desktop: fill in an area,
save and land in the same part, then a refused file that keeps the answers."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Answer, Attachment, Report
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
EXECUTABLE = b"MZ\x90\x00" + b"\0" * 60
PAGE_WIDTH = "document.documentElement.scrollWidth"


def edit_path():
    report = Report.objects.get(
        unit__name="Sektor utbildning", cycle__year=2026, unit__municipality__slug="ale"
    )
    return report, f"/uppfoljning/ale/rapport/{report.pk}/redigera/"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_form_part_by_part(new_page, demo, width):
    report, path = edit_path()
    page = new_page(width=width)
    log_in(page, "ale-sektorchef")
    page.goto(path)
    parts = page.get_by_role("navigation", name="Rapportens delar")
    crisis = parts.get_by_role("listitem").filter(has_text="Krisberedskap")
    expect(crisis).to_contain_text("0 av 5 besvarade, 2 obligatoriska saknas")
    assert page.evaluate(PAGE_WIDTH) <= width
    assert_accessible(page)

    parts.get_by_role("link", name="Krisberedskap").click()
    part = page.locator("#del-3")
    part.get_by_role("group", name=re.compile("Måluppfyllelse")).get_by_label(
        "Delvis uppfyllt", exact=True
    ).check()
    part.get_by_label(re.compile("Vad har genomförts")).fill("Krisledningsövning i mars.")
    part.get_by_role("button", name=re.compile("Spara och stanna här")).click()

    page.wait_for_url(re.compile(r"\?del=3#del-3$"))
    expect(page.get_by_text("Utkastet har sparats.")).to_be_attached()
    expect(page.locator("#del-3-heading")).to_be_in_viewport()
    expect(parts.get_by_role("link", name="Krisberedskap")).to_have_attribute(
        "aria-current", "location"
    )
    expect(crisis).to_contain_text("2 av 5 besvarade")
    expect(crisis).not_to_contain_text("saknas")

    # Answers and a file that is no PDF: the answers are saved, the file refused beside it.
    info = page.locator("#del-5")
    info.get_by_label(re.compile("Vad har genomförts")).fill("Ny rutin för behörigheter.")
    files = page.locator("#attachments")
    files.get_by_label("Bifoga en fil").set_input_files(
        files=[{"name": "program.pdf", "mimeType": "application/pdf", "buffer": EXECUTABLE}]
    )
    files.get_by_role("button", name=re.compile("Spara och stanna här")).click()

    summary = page.locator("#form-errors")

    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Det finns fel i formuläret")
    expect(summary).to_contain_text("Dina svar har sparats. Filen bifogades inte:")
    summary.get_by_role("link", name=re.compile("Bifoga en fil")).click()
    expect(page).to_have_url(re.compile("#id_attachment-file$"))
    field = files.locator(".field").filter(has=page.get_by_label("Bifoga en fil"))
    expect(field.locator(".errorlist")).to_contain_text("stämmer innehållet inte med filnamnet")
    expect(page.get_by_label("Bifoga en fil")).to_have_attribute("aria-invalid", "true")
    expect(info.get_by_label(re.compile("Vad har genomförts"))).to_have_value(
        "Ny rutin för behörigheter."
    )
    expect(page.locator("#del-3").get_by_label(re.compile("Vad har genomförts"))).to_have_value(
        "Krisledningsövning i mars."
    )
    expect(parts.get_by_role("listitem").filter(has_text="Informationssäkerhet")).to_contain_text(
        "1 av 5 besvarade"
    )
    saved = Answer.objects.filter(report=report, text="Ny rutin för behörigheter.")
    assert saved.count() == 1 and not Attachment.objects.exists()
    assert page.evaluate(PAGE_WIDTH) <= width
    assert_accessible(page)
    screenshot(page, f"report-form-{width}")

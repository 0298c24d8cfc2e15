"""The report form one part at a time in Chromium, on a phone and on a desktop: the overview,
part after part with the buttons that save and move, a refused file, a refused submission
listing what is missing in every part; key steps in English, and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Answer, Attachment, Report
from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.followup.test_report_form import area_part

pytestmark = pytest.mark.django_db(transaction=True)
EXECUTABLE = b"MZ\x90\x00" + b"\0" * 60
PAGE_WIDTH = "document.documentElement.scrollWidth"
PAGE_HEIGHT = "document.documentElement.scrollHeight"
# The whole form on one page was about 7 800 px high at 1280 px (10 200 at 390); a part with
# the overview and the risk picture is about 2 200 (3 200).
PART_HEIGHT = {1280: 2600, 390: 4000}


def edit_path():
    report = Report.objects.get(
        unit__name="Sektor utbildning", cycle__year=2026, unit__municipality__slug="ale"
    )
    return report, f"/uppfoljning/ale/rapport/{report.pk}/redigera/"


def at_part(report, place: int, fragment: str = "") -> re.Pattern:
    """The address of the area part at `place` (its key, never its place), ending in
    `fragment` (its own heading by default)."""
    key = area_part(report, place)
    return re.compile(rf"\?del={key}#{fragment or f'del-{key}'}$")


def section(report, place: int) -> str:
    return f"#del-{area_part(report, place)}"


def fits(page, width):
    assert page.evaluate(PAGE_WIDTH) <= width, f"{page.url}: horizontal scroll at {width} px"


def next_part(page):
    page.get_by_role("button", name=re.compile("^Nästa del")).click()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_form_part_by_part(new_page, demo, width):
    report, path = edit_path()
    page = new_page(width=width)
    log_in(page, "ale-sektorchef")
    page.goto(path)
    parts = page.get_by_role("navigation", name="Rapportens delar")
    crisis = parts.get_by_role("listitem").filter(has_text="Krisberedskap")
    expect(crisis).to_contain_text("0 av 5 besvarade, 2 obligatoriska saknas")
    expect(page.get_by_text("6 obligatoriska frågor måste besvaras")).to_be_visible()
    expect(page.locator('[name^="answers-"]')).to_have_count(0)  # the overview alone
    fits(page, width)
    assert_accessible(page)
    screenshot(page, f"report-form-overview-{width}")

    # Into the first part: one area's questions, a page a fraction of the whole form's.
    page.get_by_role("link", name=re.compile("Börja med första delen")).click()
    page.wait_for_url(at_part(report, 1))
    expect(page.get_by_text("Del 1 av 8")).to_be_visible()
    expect(page.locator("section.report-part")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("^Föregående del"))).to_have_count(0)
    height = page.evaluate(PAGE_HEIGHT)
    assert height < PART_HEIGHT[width], f"part 1 is {height} px high at {width} px"
    fits(page, width)
    assert_accessible(page)
    screenshot(page, f"report-form-part-{width}")

    # Forward to Krisberedskap, answer, and on: the button saves before it moves.
    next_part(page)
    page.wait_for_url(at_part(report, 2))
    next_part(page)
    page.wait_for_url(at_part(report, 3))
    part = page.locator(section(report, 3))
    part.get_by_role("group", name=re.compile("Måluppfyllelse")).get_by_label(
        "Delvis uppfyllt", exact=True
    ).check()
    part.get_by_label(re.compile("Vad har genomförts")).fill("Krisledningsövning i mars.")
    next_part(page)
    page.wait_for_url(at_part(report, 4))
    expect(page.get_by_text("Utkastet har sparats.")).to_be_attached()
    expect(page.locator(section(report, 4) + "-heading")).to_be_in_viewport()
    expect(crisis).to_contain_text("2 av 5 besvarade")
    expect(crisis).not_to_contain_text("saknas")
    expect(parts.get_by_role("link", name="Civilt försvar och säkerhetsskydd")).to_have_attribute(
        "aria-current", "step"
    )
    assert Answer.objects.get(report=report, text="Krisledningsövning i mars.")

    # Back again: what was saved is there.
    page.get_by_role("button", name=re.compile("^Föregående del")).click()
    page.wait_for_url(at_part(report, 3))
    expect(
        page.locator(section(report, 3)).get_by_label(re.compile("Vad har genomförts"))
    ).to_have_value("Krisledningsövning i mars.")

    # Leaving a part by a link with something typed: the browser asks first.
    page.locator(section(report, 3)).get_by_label(re.compile("Vilka risker")).fill(
        "Inte sparat ännu."
    )
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    parts.get_by_role("link", name="Bilagor").click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert f"del={area_part(report, 3)}" in page.url

    # The last part: a file that is no PDF is refused beside its field, nothing submitted.
    page.get_by_role("button", name="Spara och stanna här").click()
    page.wait_for_url(at_part(report, 3))
    parts.get_by_role("link", name="Bilagor").click()
    page.wait_for_url(re.compile(r"\?del=bilagor#attachments$"))
    expect(page.get_by_role("button", name=re.compile("^Nästa del"))).to_have_count(0)
    files = page.locator("#attachments")
    files.get_by_label("Bifoga en fil").set_input_files(
        files=[{"name": "program.pdf", "mimeType": "application/pdf", "buffer": EXECUTABLE}]
    )
    files.get_by_role("button", name="Skicka in").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Det finns fel i formuläret")
    summary.get_by_role("link", name=re.compile("Bifoga en fil")).click()
    expect(page).to_have_url(re.compile("#id_attachment-file$"))
    field = files.locator(".field").filter(has=page.get_by_label("Bifoga en fil"))
    expect(field.locator(".errorlist")).to_contain_text("stämmer innehållet inte med filnamnet")
    expect(page.get_by_label("Bifoga en fil")).to_have_attribute("aria-invalid", "true")
    assert not Attachment.objects.exists()
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    fits(page, width)
    assert_accessible(page)

    # Submitted without the file: refused, with what is missing in the other parts, each a
    # link to its field.
    page.get_by_role("button", name="Skicka in").click()
    page.wait_for_url(re.compile(r"\?del=bilagor&inskickning=1$"))
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Rapporten har inte skickats in")
    links = summary.get_by_role("link")
    expect(links).to_have_count(4)  # two in each of Civilt försvar and Informationssäkerhet
    expect(links.first).to_have_text(re.compile("^Civilt försvar och säkerhetsskydd: "))
    expect(summary).not_to_contain_text("Krisberedskap")
    assert Report.objects.get(pk=report.pk).status == Report.Status.DRAFT
    fits(page, width)
    assert_accessible(page)
    screenshot(page, f"report-form-refused-{width}")
    links.first.click()
    page.wait_for_url(at_part(report, 4, r"id_answers-q\d+_0"))
    expect(page.locator("#" + page.url.split("#")[1])).to_be_in_viewport()


def test_key_steps_in_english(new_page, demo):
    report, path = edit_path()
    page = new_page(language="en")
    log_in(page, "ale-sektorchef")
    page.goto(path)
    page.get_by_role("button", name="In English").click()  # stored on the account
    parts = page.get_by_role("navigation", name="Parts of the report")
    expect(parts.get_by_role("listitem").filter(has_text="Krisberedskap")).to_contain_text(
        "0 of 5 answered, 2 required missing"
    )
    page.get_by_role("link", name=re.compile("Start with the first part")).click()
    expect(page.get_by_text("Part 1 of 8")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Next part")).click()
    expect(page.get_by_text("The draft has been saved.")).to_be_attached()
    expect(page.get_by_text("Part 2 of 8")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Previous part"))).to_be_visible()
    expect(page.get_by_role("button", name="Save and stay here")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Overview and submission").click()
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#form-errors")).to_contain_text("The report has not been submitted")
    assert_accessible(page)
    screenshot(page, "report-form-refused-en")


def test_part_by_part_without_javascript(new_page, demo):
    report, path = edit_path()
    page = new_page(javascript=False)
    log_in(page, "ale-sektorchef")
    page.goto(path + "?del=3")  # an address of the form's first version: to the third area
    part = page.locator(section(report, 3))
    part.get_by_label(re.compile("Vad har genomförts")).fill("Övning utan JavaScript.")
    next_part(page)
    page.wait_for_url(at_part(report, 4))
    expect(page.get_by_text("Utkastet har sparats.")).to_be_attached()
    assert Answer.objects.get(report=report, text="Övning utan JavaScript.")
    page.get_by_role("button", name=re.compile("^Föregående del")).click()
    page.wait_for_url(at_part(report, 3))
    expect(
        page.locator(section(report, 3)).get_by_label(re.compile("Vad har genomförts"))
    ).to_have_value("Övning utan JavaScript.")

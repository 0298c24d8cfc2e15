"""The cycle's questions in Chromium at 390 and 1280 px: the manage page lists the areas with
their counts (it held every area's form, about 18 000 px high); each area's questions are a
page of their own, saved together, with the way on to the next area; a save from a page shown
before someone else's is refused with the input kept."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Cycle
from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.followup.conftest import user

pytestmark = pytest.mark.django_db(transaction=True)
PAGE_WIDTH = "document.documentElement.scrollWidth"
PAGE_HEIGHT = "document.documentElement.scrollHeight"
# Measured: every area's form on the manage page made it 17 948 px high at 1280 (21 770 at
# 390); the list is 1 478 (2 031), an area's page 3 140 (4 046), the general questions' 3 574
# (4 341).
MANAGE_HEIGHT = {1280: 2200, 390: 3000}
AREA_HEIGHT = {1280: 4000, 390: 5500}


def fits(page, width, heights):
    assert page.evaluate(PAGE_WIDTH) <= width, f"{page.url}: horizontal scroll at {width} px"
    height = page.evaluate(PAGE_HEIGHT)
    assert height < heights[width], f"{page.url} is {height} px high at {width} px"


@pytest.mark.parametrize("width", [390, 1280])
def test_the_areas_one_page_each(new_page, demo, width):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    areas = list(cycle.application_areas())
    page = new_page(width=width)
    log_in(page, "ale-sakerhetschef")
    page.goto(f"/uppfoljning/ale/omgang/{cycle.pk}/hantera/")
    listed = page.locator("#question-areas > li")
    expect(listed).to_have_count(len(areas) + 1)  # and the general questions
    expect(listed.filter(has_text="Krisberedskap")).to_contain_text(
        "5 frågor, 5 besvarade av rapporter, 5 kan inte tas bort"
    )
    expect(page.locator("textarea")).to_have_count(0)
    fits(page, width, MANAGE_HEIGHT)
    assert_accessible(page)
    screenshot(page, f"cycle-questions-list-{width}")

    page.get_by_role("link", name="Krisberedskap", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Krisberedskap")
    expect(page.get_by_text("Område 3 av 6")).to_be_visible()
    expect(page.locator("fieldset.question-row")).to_have_count(6)  # five and a new one
    fits(page, width, AREA_HEIGHT)
    assert_accessible(page)
    screenshot(page, f"cycle-questions-area-{width}")

    # Save the area: back on its page, told so; then on to the next one.
    row = page.get_by_role("group", name="Fråga 5", exact=True)
    row.get_by_role("textbox", name="Vägledning").fill("Nämn också övningar med andra aktörer.")
    page.get_by_role("button", name=re.compile("Spara frågorna")).click()
    expect(page.get_by_text("Frågorna för ”Krisberedskap” har sparats.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Krisberedskap")
    assert cycle.questions.get(area=areas[2], help_text__startswith="Nämn också").position
    page.get_by_role("link", name=re.compile("^Nästa område")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(areas[3].text)
    page.get_by_role("link", name="Alla områden").click()
    expect(page.locator("#question-areas")).to_be_visible()


def test_a_stale_save_is_refused_with_the_input_kept(new_page, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    area = cycle.application_areas().get(text="Krisberedskap")
    page = new_page()
    log_in(page, "ale-sakerhetschef")
    page.goto(f"/uppfoljning/ale/omgang/{cycle.pk}/fragor/{area.pk}/")
    page.get_by_role("group", name="Fråga 2", exact=True).get_by_role(
        "textbox", name="Formulering", exact=True
    ).fill("Min formulering")
    # A colleague saves the area meanwhile.
    theirs = list(cycle.questions.filter(area=area).order_by("position"))
    theirs[2].text = "Kollegans formulering"
    cycle.save_questions(by=user("ale-sakerhetschef"), area=area, questions=theirs)
    page.get_by_role("button", name=re.compile("Spara frågorna")).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Någon annan har sparat frågorna för det här området")
    expect(page.get_by_text("Frågorna för området som de är nu")).to_be_visible()
    expect(page.locator("details")).to_contain_text("Kollegans formulering")
    expect(
        page.get_by_role("group", name="Fråga 2", exact=True).get_by_role(
            "textbox", name="Formulering", exact=True
        )
    ).to_have_value("Min formulering")
    assert_accessible(page)
    assert cycle.questions.filter(text="Min formulering").count() == 0

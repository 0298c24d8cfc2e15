"""The follow-up dashboard in Chromium: the units × areas matrix leads to a unit's answers in
an area, and the trend over the years is read in shares; on a desktop and on a phone, in
Swedish and in English, without sideways scrolling and without axe findings."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Cycle, Report
from programmes.models import SectionItem
from responsibilities.models import User
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
PAGE_WIDTH = "() => document.documentElement.scrollWidth"

TEXT = {
    "sv": {
        "matrix": "Måluppfyllelse per enhet och tillämpningsområde",
        "trend": "Måluppfyllelse över åren",
        "all": "Samtliga bedömningar",
        "link": "Ej uppfyllt – Sektor utbildning, Krisberedskap",
        "share": "Uppfyllt 40\u00a0% (2 av 5)",
        "year": "2025 denna uppföljning",
        "question": "Måluppfyllelse inom området",
        "answer": "Ej uppfyllt",
    },
    "en": {
        "matrix": "Goal attainment per unit and application area",
        "trend": "Goal attainment over the years",
        "all": "All assessments",
        "link": "Not met – Sektor utbildning, Krisberedskap",
        "share": "Met 40% (2 of 5)",
        "year": "2025 this follow-up",
        "question": "Måluppfyllelse inom området",  # the cycle's own (Swedish) question
        "answer": "Not met",
    },
}


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_matrix_leads_to_the_areas_answers_on_a_desktop_and_a_phone(new_page, demo, language):
    text = TEXT[language]
    User.objects.filter(username="ale-sakerhetschef").update(language=language)
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2025)
    report = Report.objects.get(cycle=cycle, unit__name="Sektor utbildning")
    area = SectionItem.objects.get(section__version=cycle.version_id, text="Krisberedskap")
    dashboard = f"/uppfoljning/ale/omgang/{cycle.pk}/"

    for width in (1280, 390):
        page = new_page(language=language, width=width)
        log_in(page, "ale-sakerhetschef")
        page.goto(dashboard)
        matrix = page.get_by_role("table", name=text["matrix"])
        expect(matrix).to_be_visible()
        # Every unit of the cycle with its status, the draft said in words.
        expect(matrix.get_by_role("rowheader", name="Ale energibolag AB")).to_be_visible()
        # The shares of Krisberedskap (the third area) in the totals row.
        expect(matrix.locator("tfoot td").nth(2)).to_contain_text(text["share"])
        trend = page.get_by_role("table", name=text["all"])
        expect(trend.get_by_role("rowheader")).to_have_text(text["year"])
        expect(page.get_by_role("heading", name=text["trend"])).to_be_visible()
        # The page itself never scrolls sideways; the wide table scrolls in its own region.
        assert page.evaluate(PAGE_WIDTH) <= width
        if width == 390:
            region = page.locator(".table-scroll").filter(has=matrix)
            expect(region).to_have_attribute("tabindex", "0")
            assert region.evaluate("element => element.scrollWidth > element.clientWidth")
        assert_accessible(page)
        screenshot(page, f"dashboard-{width}-{language}")

        # The drill-down: from one unit's assessment to its answers in that area.
        page.get_by_role("link", name=text["link"], exact=True).click()
        page.wait_for_url(re.compile(rf"/rapport/{report.pk}/#area-{area.pk}$"))
        heading = page.locator(f"#area-{area.pk}")
        expect(heading).to_have_text("Krisberedskap")
        expect(heading).to_be_in_viewport()
        answers = page.locator("section.report-area").filter(has=heading)
        expect(answers).to_contain_text(text["question"])
        expect(answers.locator("dd").first).to_have_text(text["answer"])
        assert page.evaluate(PAGE_WIDTH) <= width
        if width == 390:
            screenshot(page, f"dashboard-drill-down-390-{language}")

"""Questions and review in Chromium: the security chief rewords an area's questions in one form
while the cycle is open (a unit that has not answered sees the new words, one that has keeps
its own), comments on one answer and returns the report; the unit sees the comment beside the
question, replies and resubmits; the security chief sees what changed and the reply."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import Cycle, Report, ReviewComment
from tests.e2e.conftest import assert_accessible, log_in, screenshot

pytestmark = pytest.mark.django_db(transaction=True)
OLD = "Vad har genomförts under året?"
NEW = "Vilka övningar och åtgärder har genomförts under året?"
ADDED = "Hur många incidenter har rapporterats?"
PAGE_WIDTH = "document.documentElement.scrollWidth"


def fits_a_phone(page):
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate(PAGE_WIDTH) <= width, f"{page.url} at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def report(unit):
    return Report.objects.get(unit__name=unit, cycle__year=2026, unit__municipality__slug="ale")


def test_questions_change_and_the_review_goes_question_by_question(new_page, demo):
    cycle = Cycle.objects.get(version__programme__municipality__slug="ale", year=2026)
    areas = list(cycle.application_areas())
    # The third area: Sektor samhällsbyggnad has answered it, Sektor utbildning has not.
    third = areas[2]
    reworded = cycle.questions.get(area=third, text=OLD)
    first_done = cycle.questions.get(area=areas[0], text=OLD)
    submitted, draft = report("Sektor samhällsbyggnad"), report("Sektor utbildning")

    # The security chief edits the area's questions in one form.
    chief = new_page()
    log_in(chief, "ale-sakerhetschef")
    chief.goto(f"/uppfoljning/ale/omgang/{cycle.pk}/hantera/")
    chief.get_by_role("link", name=third.text, exact=True).click()
    expect(chief.get_by_role("heading", level=1)).to_have_text(third.text)
    section = chief.locator(f"#fragor-{third.pk}")
    row = section.get_by_role("group", name="Fråga 2", exact=True)
    expect(row).to_contain_text("Besvarad av 1 rapport: den behåller formuleringen")
    row.get_by_role("textbox", name="Formulering", exact=True).fill(NEW)
    new_row = section.get_by_role("group", name="Ny fråga")
    new_row.get_by_role("textbox", name="Formulering", exact=True).fill(ADDED)
    new_row.get_by_label("Svarstyp").select_option("number")
    section.get_by_role("button", name=re.compile("Spara frågorna")).click()
    expect(chief.get_by_text(f"Frågorna för ”{third.text}” har sparats.")).to_be_visible()
    expect(
        chief.locator(f"#fragor-{third.pk}").get_by_role("group", name="Fråga 6")
    ).to_be_visible()
    assert_accessible(chief)
    fits_a_phone(chief)
    screenshot(chief, "review-questions")

    # Sektor utbildning has not answered that question: its form shows the new words.
    sector_a = new_page()
    log_in(sector_a, "ale-sektorchef")
    sector_a.goto(f"/uppfoljning/ale/rapport/{draft.pk}/redigera/?del=3")
    expect(sector_a.locator(f'label[for="id_answers-q{reworded.pk}"]')).to_contain_text(NEW)
    expect(sector_a.get_by_label(ADDED)).to_be_visible()

    # Sektor samhällsbyggnad answered it: its report keeps the old words; the reviewer is told.
    chief.goto(f"/uppfoljning/ale/rapport/{submitted.pk}/")
    answered = chief.locator(f"#answer-{reworded.pk}")
    expect(answered.locator("dt")).to_have_text(OLD)
    expect(answered).to_contain_text(f"Frågan har ändrats sedan svaret. Ny formulering: ”{NEW}”")
    commented = chief.locator(f"#answer-{first_done.pk}")
    commented.get_by_text("Kommentera svaret").click()
    commented.get_by_label(re.compile("Kommentar om svaret till enheten")).fill(
        "Beskriv också övningen för skolorna."
    )
    chief.get_by_label("Kommentar till enheten").fill("Se kommentaren vid frågan.")
    assert_accessible(chief)
    screenshot(chief, "review-comment")
    chief.get_by_role("button", name="Returnera till enheten").click()
    expect(chief.get_by_text("Rapporten har returnerats till enheten.")).to_be_visible()
    comment = ReviewComment.objects.get(report=submitted)

    # The unit sees the comment beside its question, replies, changes the answer, resubmits.
    sector_b = new_page()
    log_in(sector_b, "ale-sektorchef-2")
    sector_b.goto(f"/uppfoljning/ale/rapport/{submitted.pk}/")
    expect(sector_b.get_by_role("note")).to_contain_text("Det finns 1 kommentar om en fråga")
    sector_b.get_by_role("link", name="Komplettera och skicka in igen").click()
    # The returned notice on the form links to the comment, in its part.
    sector_b.get_by_role("note").get_by_role("link", name=OLD).click()
    expect(sector_b).to_have_url(re.compile(rf"\?del=omrade-{areas[0].pk}#comment-{comment.pk}$"))
    beside = sector_b.locator(f"#question-{first_done.pk}")
    expect(beside.locator(".review-comment")).to_contain_text(
        "Beskriv också övningen för skolorna."
    )
    beside.get_by_label("Ert svar på kommentaren").fill("Skolornas övning är beskriven nu.")
    sector_b.locator(f"#id_answers-q{first_done.pk}").fill(
        "Krisledningsövning i mars och utrymningsövning på alla skolor."
    )
    assert_accessible(sector_b)
    fits_a_phone(sector_b)
    screenshot(sector_b, "review-reply")
    sector_b.get_by_role("button", name="Spara och stanna här").click()
    sector_b.get_by_role("link", name="Översikt och inskickning").click()
    sector_b.get_by_role("button", name="Skicka in").click()
    expect(sector_b.get_by_text("Rapporten har skickats in till säkerhetschefen.")).to_be_visible()
    comment.refresh_from_db()
    assert comment.reply == "Skolornas övning är beskriven nu."

    # The security chief sees what changed since the last submission, and the reply.
    chief.goto(f"/uppfoljning/ale/rapport/{submitted.pk}/")
    expect(chief.get_by_text("1 svar har ändrats sedan förra inskickningen:")).to_be_visible()
    changed = chief.locator(f"#answer-{first_done.pk}")
    expect(changed.locator(".answer-changed")).to_contain_text("Ändrat sedan förra inskickningen.")
    expect(changed.locator("del")).to_have_text(re.compile("har följt årets plan"))
    expect(changed).to_contain_text("utrymningsövning på alla skolor")
    expect(changed.locator(".review-reply")).to_contain_text("Skolornas övning är beskriven nu.")
    expect(chief.locator(f"#answer-{reworded.pk} dt")).to_have_text(OLD)
    assert_accessible(chief)
    fits_a_phone(chief)
    screenshot(chief, "review-changes")
    chief.get_by_role("button", name="Godkänn").click()
    expect(chief.get_by_text("Rapporten har godkänts.")).to_be_visible()

"""A reader whose programme PDF is still being prepared, and a reader who meets an error page:
the site's layout, Swedish, accessible, usable at 390 px."""

import pytest
from playwright.sync_api import expect

from programmes import pdf_views
from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_pdf_being_prepared_page_offers_a_refresh_and_the_web_version(
    new_page, demo, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROGRAMME_PDF_WAIT_SECONDS = 0
    queued = []
    monkeypatch.setattr(pdf_views, "queue_render", lambda *args: queued.append(args))  # busy
    page = new_page(width=390)
    response = page.goto("/ale/program/trygghet-och-sakerhet/pdf/")
    assert response.status == 202
    expect(page.get_by_role("heading", level=1)).to_have_text("PDF-filen förbereds")
    assert queued
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "programme-pdf-being-prepared")
    page.get_by_role("button", name="Uppdatera").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PDF-filen förbereds")
    page.get_by_role("link", name="Läs dokumentet på webben så länge").click()
    expect(page).to_have_url(f"{page.url.split('/ale/')[0]}/ale/program/trygghet-och-sakerhet/")


def test_a_missing_page_is_ours_in_english_too(new_page, demo):
    page = new_page(language="en", width=390)
    response = page.goto("/finns-inte/alls/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)

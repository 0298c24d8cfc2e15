"""The official record in Chromium: the security chief adopts typing "§ 187", reads the public
page, the PDF and the security log; Kalix's policy is confirmed as still valid."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.programmes.pdf_support import document_text

pytestmark = pytest.mark.django_db(transaction=True)
DOCUMENT = "/styrdokument/ale/trygghet-och-sakerhet/"


def test_the_security_chief_adopts_with_a_typed_paragraph_sign(new_page, demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = new_page(width=390)
    log_in(page, "ale-sakerhetschef")
    page.goto(DOCUMENT)
    page.get_by_role("button", name="Starta revidering").click()
    page.wait_for_url("**/utkast/")
    page.get_by_role("link", name="Registrera fastställande").click()
    page.get_by_label("Antaget av").select_option(label="Kommunfullmäktige")
    page.get_by_label("Beslutsdatum").fill("2026-10-20")
    page.get_by_label("§-nummer").fill("§ 187")
    page.get_by_label("Diarienummer (Dnr)").fill("KS 2019/41")
    assert_accessible(page)
    page.get_by_role("button", name="Registrera fastställande").click()
    expect(page.get_by_text("Beslutet är registrerat")).to_be_visible()

    page.goto("/ale/program/trygghet-och-sakerhet/")
    body = page.locator("main").inner_text()
    assert "§ 187" in body and "§ §" not in body and "KS 2019/41" in body
    # WeasyPrint renders the new version on first request: give it time on a busy machine.
    data = page.request.get("/ale/program/trygghet-och-sakerhet/pdf/", timeout=120_000).body()
    text = document_text(data)
    assert "§ 187" in text and "§ §" not in text

    page.goto("/sakerhetslogg/ale/")
    log = page.locator("main").inner_text()
    assert "Utkast påbörjat" in log and "Dokument antaget" in log
    assert re.search(r"Dokument antaget\s+.*version 2.*§ 187; Dnr KS 2019/41", log)
    assert_accessible(page)
    screenshot(page, "security-log-390")

    # Compare now shows the adopted version against the one it superseded.
    page.goto(DOCUMENT + "jamfor/")
    expect(page.get_by_text("från version 1 (Ersatt) till version 2 (Antagen)")).to_be_visible()


def test_a_sector_chief_may_not_read_the_log(page, demo):
    log_in(page, "ale-sektorchef")
    response = page.goto("/sakerhetslogg/ale/")
    assert response.status == 404


def test_kalix_policy_shows_its_next_review_and_is_confirmed_still_valid(page, demo):
    page.goto("/kalix/program/sakerhetspolicy/")
    expect(page.get_by_text("Nästa översyn").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("revideras vid behov")
    log_in(page, "kalix-sakerhetschef")
    page.goto("/styrdokument/kalix/sakerhetspolicy/")
    expect(page.get_by_text("Diarienumret är en platshållare")).to_be_visible()
    page.get_by_label("Kommentar (frivillig)").fill("Granskad, gäller")
    page.get_by_role("button", name="Granskat: fortfarande gällande").click()
    expect(page.get_by_text("Bekräftat som fortfarande gällande")).to_be_visible()
    assert_accessible(page)
    page.goto("/sakerhetslogg/kalix/")
    expect(page.locator("main")).to_contain_text("Styrdokument granskat, fortfarande gällande")

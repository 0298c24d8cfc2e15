"""The security chief asks for the consolidated 2025 report on the reports page and sees it
become ready (htmx polling; a "Refresh" link without JavaScript); a council member finds it
ready, with no button to ask, and downloads it."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import ReportFile, files
from followup.tasks import render_report_file
from tests.e2e.conftest import assert_accessible, log_in, screenshot
from tests.followup.report_pdf_support import ale_cycle
from tests.programmes.pdf_support import document_text, reader
from tests.storage_support import fresh_storage

pytestmark = pytest.mark.django_db(transaction=True)
BOARD = "Sammanställd rapport för kommunstyrelsen (alla enheter)"


def board_row(page):
    return page.locator(f"#file-board-{ale_cycle().pk}-0")


def test_a_council_member_gets_the_consolidated_report(
    page, new_page, demo, settings, tmp_path, monkeypatch
):
    fresh_storage(settings, tmp_path)
    # Hold the task back, as a busy worker would, to see the page wait and then update itself.
    queued = []
    monkeypatch.setattr(files, "queue_render", lambda row: queued.append(row.pk))
    log_in(page, "ale-sakerhetschef")
    page.goto("/uppfoljning/ale/")
    page.get_by_role("link", name=re.compile("Rapporter som PDF")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapporter som PDF, Ale kommun")
    # The newest year first; last year's follow-up one link away.
    page.get_by_role("navigation", name="Uppföljningsår").get_by_role("link", name="2025").click()
    row = board_row(page)
    expect(row).to_contain_text("Inte skapad")  # last year's page is there
    assert_accessible(page)
    row.get_by_role("button", name=re.compile("Skapa PDF")).click()
    expect(page.get_by_text("PDF-filen är beställd")).to_be_visible()
    expect(board_row(page)).to_contain_text("Väntar på att skapas")
    assert_accessible(page)
    screenshot(page, "reports-page-waiting")

    render_report_file(queued[-1])  # the worker picks it up; the page polls every 2 s
    expect(board_row(page)).to_contain_text("Klar", timeout=10_000)

    # The council member finds it ready and has no button to ask for files.
    member = new_page()
    log_in(member, "ale-fortroendevald")
    member.goto("/uppfoljning/ale/rapporter/?ar=2025")
    expect(board_row(member)).to_contain_text("Klar")
    expect(board_row(member).get_by_role("button")).to_have_count(0)
    link = board_row(member).get_by_role("link", name=re.compile("Ladda ner PDF"))
    with member.expect_response(lambda r: "/rapporter/fil/" in r.url) as answer:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    data = member.request.get(response.url).body()
    assert reader(data).trailer["/Root"]["/Lang"] == "sv"
    text = document_text(data)
    assert "Årlig uppföljning 2025 – kommunstyrelsen" in text
    assert "Utbilda rektorer i krisledning" in text
    assert ReportFile.objects.get(kind="board").status == ReportFile.Status.READY


def test_without_javascript_the_refresh_link_shows_the_state(
    new_page, demo, settings, tmp_path, monkeypatch
):
    fresh_storage(settings, tmp_path)
    queued = []
    monkeypatch.setattr(files, "queue_render", lambda row: queued.append(row.pk))
    page = new_page(javascript=False)
    log_in(page, "ale-sakerhetschef")
    page.goto("/uppfoljning/ale/rapporter/?ar=2025")
    board_row(page).get_by_role("button", name=re.compile("Skapa PDF")).click()
    expect(board_row(page)).to_contain_text("Väntar på att skapas")
    render_report_file(queued[-1])
    board_row(page).get_by_role("button", name=re.compile("Uppdatera")).click()
    expect(board_row(page)).to_contain_text("Klar")
    expect(board_row(page).get_by_role("link", name=re.compile("Ladda ner PDF"))).to_be_visible()
    screenshot(page, "reports-page-ready")

"""The follow-up PDFs are complete, Swedish, paginated, tagged PDF/A-2a: the consolidated
2025 report for the executive board and for a committee, and one unit's report."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from followup.models import Action, Answer, Attachment, Question, Report
from responsibilities.models import User
from tests.followup.conftest import reopened
from tests.followup.report_pdf_support import ask, download, report
from tests.programmes.pdf_support import document_text, page_texts, reader, temporary_media, xmp

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


@pytest.fixture
def board_pdf(client, demo, media, django_capture_on_commit_callbacks):
    row = ask(client, django_capture_on_commit_callbacks)
    assert row.status == "ready", row.error
    return download(client, row)


@pytest.fixture
def unit_pdf(client, demo, media, django_capture_on_commit_callbacks):
    approved = report("Sektor utbildning")
    with reopened(approved.pk):
        Attachment.objects.create(
            report=approved,
            file=ContentFile(b"%PDF-1.7\n%%EOF\n", name="bevis.pdf"),
            original_name="Övningsprotokoll förskola.pdf",
            content_type="application/pdf",
            size=15,
            description="Protokoll från utrymningsövning",
        )
    row = ask(
        client, django_capture_on_commit_callbacks, kind="unit", unit_name="Sektor utbildning"
    )
    assert row.status == "ready", row.error
    return download(client, row)


def approved_2025():
    return list(
        Report.objects.filter(cycle__year=2025, cycle__version__programme__municipality__slug="ale")
        .filter(status__in=Report.APPROVED_STATES)
        .select_related("unit")
    )


def test_the_board_report_holds_every_approved_unit_area_answer_and_action(board_pdf):
    text = document_text(board_pdf)
    approved = approved_2025()
    assert len(approved) == 4
    expected = [r.unit.name for r in approved]
    questions = Question.objects.filter(
        cycle__year=2025, cycle__version__programme__municipality__slug="ale"
    )
    expected += {q.area.text for q in questions if q.area}
    expected += [q.text for q in questions if q.answer_type == Question.AnswerType.TEXT]
    expected += {a.text for a in Answer.objects.filter(report__in=approved).exclude(text="")}
    actions = Action.objects.filter(report__in=approved).select_related("responsible_role")
    assert actions.count() == 3
    for action in actions:
        expected += [action.what, action.responsible_role.name, action.due_on.isoformat()]
    missing = [line for line in expected if line not in text]
    assert missing == []


def test_the_board_report_lists_units_without_an_approved_report_by_status(board_pdf):
    text = document_text(board_pdf)
    section = text[text.rindex("Enheter utan godkänd rapport") :]
    assert "Sektor arbetsliv och stöd Returnerad" in section
    assert "Ale energibolag AB Utkast" in section
    # Their answers are not in the report: the returned unit assessed crisis preparedness as
    # "not assessed", and no approved report did.
    matrix = between(text, "Måluppfyllelse i godkända rapporter", "Måluppfyllelse över åren")
    assert "Sektor arbetsliv och stöd" not in matrix
    assert "Krisberedskap 50 % (2 av 4) 25 % (1 av 4) 25 % (1 av 4) 0 % (0 av 4)" in matrix
    assert "Ej bedömt: 0 %" in text


def between(text, start, end):
    return text[text.index(start) : text.index(end, text.index(start))]


def test_the_board_report_has_the_units_by_areas_matrix_in_text(board_pdf):
    text = document_text(board_pdf)
    assert "Måluppfyllelse per enhet och tillämpningsområde" in text
    matrix = between(text, "Måluppfyllelse i godkända rapporter", "Måluppfyllelse över åren")
    # Each approved unit's row in the areas' order, then the overall assessment; in words.
    assert (
        "Sektor utbildning Delvis uppfyllt Uppfyllt Ej uppfyllt Delvis uppfyllt Uppfyllt "
        "Delvis uppfyllt"
    ) in matrix
    # The shares per area, with their counts: Krisberedskap 2 of 4 met, 1 partly, 1 not met.
    assert (
        "Andel av svaren per tillämpningsområde (4 rapporter) Tillämpningsområde Uppfyllt "
        "Delvis uppfyllt Ej uppfyllt Ej bedömt"
    ) in matrix
    assert "Krisberedskap 50 % (2 av 4) 25 % (1 av 4) 25 % (1 av 4) 0 % (0 av 4)" in matrix
    # The charts are text, not colour: every bar carries its label and number.
    assert "Rapporterad till nämnd: 2" in text


def test_the_board_report_compares_the_years_in_shares(
    client, demo, media, django_capture_on_commit_callbacks
):
    """2026 has one approved report and 2025 four: shares, with their counts, compare them."""
    client.force_login(User.objects.get(username="ale-sakerhetschef"))
    report("Sektor samhällsbyggnad", 2026).approve(
        by=User.objects.get(username="ale-sakerhetschef")
    )
    row = ask(client, django_capture_on_commit_callbacks, year=2026)
    assert row.status == "ready", row.error
    text = document_text(download(client, row))
    trend = between(
        text, "Måluppfyllelse över åren", "Trygghetsskapande och brottsförebyggande arbete Vad"
    )
    assert (
        "Samtliga bedömningar År Godkända rapporter Uppfyllt Delvis uppfyllt Ej uppfyllt Ej bedömt "
        "2025 4 63 % (15 av 24) 25 % (6 av 24) 13 % (3 av 24) 0 % (0 av 24) "
        "2026 (denna uppföljning) 1 67 % (4 av 6) 33 % (2 av 6) 0 % (0 av 6) 0 % (0 av 6)"
    ) in trend
    # Per area too: Krisberedskap was partly met by the one report of 2026.
    assert (
        "Krisberedskap År Godkända rapporter Uppfyllt Delvis uppfyllt Ej uppfyllt Ej bedömt "
        "2025 4 50 % (2 av 4) 25 % (1 av 4) 25 % (1 av 4) 0 % (0 av 4) "
        "2026 (denna uppföljning) 1 0 % (0 av 1) 100 % (1 av 1) 0 % (0 av 1) 0 % (0 av 1)"
    ) in trend
    # The chart: this year and last year per level, each bar with its year and share.
    assert "Uppfyllt: 2026 67 %, 2025 63 %" in trend
    assert "ingen tidigare uppföljning" not in trend
    # The matrix holds only the approved report of 2026.
    matrix = between(text, "Måluppfyllelse i godkända rapporter", "Måluppfyllelse över åren")
    assert (
        "Sektor samhällsbyggnad Uppfyllt Delvis uppfyllt Delvis uppfyllt Uppfyllt Uppfyllt"
        in matrix
    )
    assert "Sektor utbildning" not in matrix  # its draft never counts


def test_the_board_report_is_swedish_paginated_titled_tagged_and_pdf_a(board_pdf):
    pdf = reader(board_pdf)
    pages = page_texts(board_pdf)
    assert f"sida 2 av {len(pages)}" in pages[1]
    assert f"sida {len(pages)} av {len(pages)}" in pages[-1]
    assert pdf.metadata.title == "Årlig uppföljning 2025 – kommunstyrelsen"
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "sv"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    meta = xmp(board_pdf)
    assert 'pdfaid:part="2"' in meta and 'pdfaid:conformance="A"' in meta
    text = document_text(board_pdf)
    for word in ("Trygghetsskapande och brottsförebyggande arbete", "Måluppfyllelse", "Åtgärder"):
        assert word in text
    assert "Innehåll" in pages[1]


def test_a_committee_report_holds_only_the_units_under_the_committee(
    client, demo, media, django_capture_on_commit_callbacks
):
    row = ask(
        client, django_capture_on_commit_callbacks, kind="committee", unit_name="Utbildningsnämnden"
    )
    text = document_text(download(client, row))
    assert "Årlig uppföljning 2025 – Utbildningsnämnden" in text
    assert "Sektor utbildning" in text
    for other in ("Sektor samhällsbyggnad", "Ale bostadsbolag AB", "Sektor arbetsliv och stöd"):
        assert other not in text
    assert "Utbilda rektorer i krisledning" in text
    # The matrix and the trend over the committee's units only: Sektor utbildning's six
    # assessments of 2025 (2 met, 3 partly met, 1 not met).
    matrix = between(text, "Måluppfyllelse i godkända rapporter", "Måluppfyllelse över åren")
    assert "Andel av svaren per tillämpningsområde (1 rapport)" in matrix
    assert (
        "Samtliga bedömningar År Godkända rapporter Uppfyllt Delvis uppfyllt Ej uppfyllt Ej bedömt "
        "2025 (denna uppföljning) 1 33 % (2 av 6) 50 % (3 av 6) 17 % (1 av 6) 0 % (0 av 6)"
    ) in text


def test_the_unit_report_holds_answers_actions_attachments_and_history(unit_pdf):
    text = document_text(unit_pdf)
    approved = report("Sektor utbildning")
    for answer in approved.answers.select_related("question"):
        assert answer.question.text in text
        if answer.text:
            assert answer.text in text
    for action in approved.actions.select_related("responsible_role"):
        assert action.what in text
        assert action.responsible_role.name in text
    # Attachments by name, type and size, not by content.
    assert "Övningsprotokoll förskola.pdf" in text
    assert "PDF" in text.split("Övningsprotokoll förskola.pdf")[1]  # the kind in words
    assert "application/pdf" not in text
    assert "15 byte" in text
    # The status history: who, when, what.
    assert "Sara Säkerhetschef" in text
    assert "Sven Sektorchef" in text
    assert "2026-02-10" in text
    assert "Inskickad → Godkänd" in text
    assert "Godkänd → Rapporterad till nämnd (2026-03-12, § 24)" in text
    assert reader(unit_pdf).metadata.title == "Uppföljning 2025 – Sektor utbildning"
    assert reader(unit_pdf).trailer["/Root"]["/Lang"] == "sv"


def test_a_report_that_is_not_approved_is_marked_on_every_page(
    client, demo, media, django_capture_on_commit_callbacks
):
    row = ask(
        client,
        django_capture_on_commit_callbacks,
        kind="unit",
        unit_name="Sektor arbetsliv och stöd",
        username="ale-sakerhetschef",
    )
    pages = page_texts(download(client, row))
    assert all("Returnerad – ej godkänd" in page for page in pages)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is missing")
def test_page_one_of_each_report_as_png_artifact(board_pdf, unit_pdf):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, data in (("followup-board-2025", board_pdf), ("followup-unit-2025", unit_pdf)):
        source = ARTIFACTS / f"{name}.pdf"
        source.write_bytes(data)
        for page in (1, 3):
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "70",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    "-singlefile",
                    str(source),
                    str(ARTIFACTS / f"{name}-page{page}"),
                ],
                check=True,
            )
            assert (ARTIFACTS / f"{name}-page{page}.png").stat().st_size > 5000

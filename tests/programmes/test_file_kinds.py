"""Files are named by kind in words ("PDF", "Word-dokument"), never by their MIME type."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from followup.models import Attachment
from programmes.filekinds import file_kind
from programmes.models import Programme, RelatedDocument
from responsibilities.models import OrganisationUnit, User
from tests.followup.conftest import demo_report

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("content_type", "name", "sv", "en"),
    [
        ("application/pdf", "protokoll.pdf", "PDF", "PDF"),
        (DOCX, "plan.docx", "Word-dokument", "Word document"),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "budget.xlsx",
            "Excel-kalkylblad",
            "Excel spreadsheet",
        ),
        ("image/png", "bild.PNG", "Bild (PNG)", "Image (PNG)"),
        ("image/jpeg", "foto.jpg", "Bild (JPEG)", "Image (JPEG)"),
        # Legacy Office files are stored as octet-stream: the name tells Word from Excel.
        ("application/octet-stream", "gammal.xls", "Excel-kalkylblad", "Excel spreadsheet"),
        (
            "application/vnd.oasis.opendocument",
            "text.odt",
            "OpenDocument-text",
            "OpenDocument text",
        ),
        ("", "programmes/related/2026/brand.docx", "Word-dokument", "Word document"),
        ("application/zip", "arkiv.zip", "Fil (ZIP)", "File (ZIP)"),
        ("", "", "Fil", "File"),
    ],
)
def test_it_names_the_kind_in_both_languages(content_type, name, sv, en):
    with translation.override("sv"):
        assert file_kind(content_type, name) == sv
    with translation.override("en"):
        assert file_kind(content_type, name) == en


@pytest.mark.django_db
def test_the_report_page_and_pdf_name_attachments_by_kind(client, demo):
    report = demo_report("Sektor utbildning")
    Attachment.objects.create(
        report=report, file="x/a.docx", original_name="plan.docx", content_type=DOCX, size=2048
    )
    client.force_login(User.objects.get(username="ale-sektorchef"))
    page = client.get(reverse("followup:report", args=["ale", report.pk])).content.decode()
    assert "plan.docx</a> (Word-dokument, 2,0" in page
    assert "application/" not in page


@pytest.mark.django_db
def test_the_unit_pdf_names_attachments_by_kind(demo):
    from followup import reports

    report = demo_report("Sektor utbildning")
    Attachment.objects.create(
        report=report, file="x/a.png", original_name="bild.png", content_type="image/png", size=9
    )
    html = reports.unit_html(reports.unit_document(report), language="en")
    assert "<td>Image (PNG)</td>" in html
    assert "image/png" not in html


@pytest.fixture
def with_file(demo):
    """Ale's programme adopted anew with a related document that is a Word file."""
    programme = Programme.objects.get(slug="trygghet-och-sakerhet")
    chief = User.objects.get(username="ale-sakerhetschef")
    draft = programme.start_revision(by=chief)
    RelatedDocument.objects.create(
        version=draft, position=99, title="Krisledningsplan", file="programmes/related/plan.docx"
    )
    draft.adopt(
        by=chief,
        adopting_body=OrganisationUnit.objects.get(municipality__slug="ale", kind="council"),
        decision_date=timezone.localdate() - datetime.timedelta(days=1),
        revision_due=timezone.localdate() + datetime.timedelta(days=900),
    )
    return draft


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "kind"), [("sv", "Word-dokument"), ("en", "Word document")])
def test_the_public_page_names_related_files_by_kind(client, with_file, language, kind):
    client.cookies["django_language"] = language
    page = client.get("/ale/program/trygghet-och-sakerhet/").content.decode()
    assert f"Krisledningsplan</a> ({kind})" in page

"""Hostile uploads, for follow-up evidence and a programme's related documents: a wrong type
behind a good extension, oversized, SVG with script, a zip bomb disguised as .docx and
path-traversal names → a clear Swedish error (or a safe stored name) and nothing stored on error.
"""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup import filetypes
from followup.models import Attachment
from programmes.models import Programme, RelatedDocument
from responsibilities.models import User
from tests.followup.conftest import demo_report
from tests.followup.test_report_form import edit_url, form_data
from tests.storage_support import fresh_storage, stored_names

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
ALE = {"municipality": "ale", "slug": "trygghet-och-sakerhet"}


def zip_bomb(unpacked=64 * 1024 * 1024) -> bytes:
    """A valid-looking .docx whose document unpacks to `unpacked` bytes of zeros (~1,000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb()


def odf_with_a_huge_mimetype() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * 2**24)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    return fresh_storage(settings, tmp_path)


def test_the_zip_bomb_is_small_and_recognised_without_unpacking(bomb, monkeypatch):
    assert len(bomb) < 1024 * 1024
    assert filetypes.sniff(io.BytesIO(bomb)) is None  # by its packing ratio
    assert filetypes.sniff(io.BytesIO(odf_with_a_huge_mimetype())) is None
    monkeypatch.setattr(filetypes, "ZIP_MAX_RATIO", 10**6)
    assert filetypes.sniff(io.BytesIO(bomb)) == "docx"  # the ratio was the only objection
    monkeypatch.setattr(filetypes, "ZIP_MAX_UNPACKED_BYTES", 32 * 1024 * 1024)
    assert filetypes.sniff(io.BytesIO(bomb)) is None  # by what it declares it unpacks to


# --- Follow-up evidence ---


@pytest.fixture
def report(demo):
    return demo_report("Sektor utbildning")


@pytest.fixture
def author(client, report):
    client.force_login(User.objects.get(username="ale-sektorchef"))
    return client


def attach(client, report, name, content):
    data = form_data(report, "bilagor")
    data["attachment-file"] = SimpleUploadedFile(name, content)
    return client.post(edit_url(report), data)


HOSTILE = [
    ("bild.svg", SVG),
    ("bild.png", SVG),  # SVG with script behind an image extension
    ("rapport.pdf", b"<html><script>alert(1)</script></html>"),
    ("program.docx", b"MZ\x90\x00" + b"\0" * 60),
    ("../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n"),
    ("odf.odt", odf_with_a_huge_mimetype()),
]


@pytest.mark.parametrize(("name", "content"), HOSTILE, ids=[name for name, _ in HOSTILE])
def test_hostile_evidence_is_refused_and_nothing_is_stored(author, report, _media, name, content):
    response = attach(author, report, name, content)
    assert response.status_code == 400
    assert "stämmer innehållet inte med filnamnet" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_names() == []


def test_a_zip_bomb_disguised_as_docx_is_refused_quickly(author, report, _media, bomb):
    response = attach(author, report, "plan.docx", bomb)
    assert response.status_code == 400
    assert "stämmer innehållet inte med filnamnet" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_names() == []


def test_an_oversized_file_is_refused_in_swedish(author, report, _media, settings):
    settings.FOLLOWUP_ATTACHMENT_MAX_BYTES = 100
    response = attach(author, report, "stor.pdf", PDF + b"\0" * 200)
    assert response.status_code == 400
    assert "Filen är för stor" in response.content.decode()
    assert not Attachment.objects.exists() and stored_names() == []


def test_a_path_traversal_name_is_stored_under_a_safe_name(author, report, _media):
    response = attach(author, report, "../../../etc/passwd.pdf", PDF)
    assert response.status_code == 302
    item = Attachment.objects.get()
    assert ".." not in item.file.name and "passwd" not in item.file.name
    assert item.original_name == "passwd.pdf"
    # Inside the storage under the generated name (so also not outside its folder).
    assert stored_names() == [item.file.name]


# --- A programme's related documents ---


@pytest.fixture
def editor(client, demo):
    chief = User.objects.get(username="ale-sakerhetschef")
    Programme.objects.get(municipality__slug="ale", slug=ALE["slug"]).start_revision(by=chief)
    client.force_login(chief)
    return client


def add_related(client, name, content):
    upload = SimpleUploadedFile(name, content)
    return client.post(
        reverse("programmes:add_related", kwargs=ALE), {"title": "Plan", "file": upload}
    )


RELATED_HOSTILE = [
    ("plan.svg", SVG),
    ("plan.pdf", SVG),
    ("plan.docx", b"PK\x03\x04" + b"\0" * 30),  # a broken zip
]


@pytest.mark.parametrize(("name", "content"), RELATED_HOSTILE, ids=["svg", "svg-pdf", "zip"])
def test_hostile_related_documents_are_refused(editor, _media, name, content):
    before = RelatedDocument.objects.count()
    response = add_related(editor, name, content)
    assert response.status_code in (200, 400)
    assert "Ladda upp en PDF eller ett kontorsdokument" in response.content.decode()
    assert RelatedDocument.objects.count() == before
    assert stored_names() == []


def test_a_plain_zip_behind_docx_is_refused_as_a_related_document(editor, _media):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "no office document")
    before = RelatedDocument.objects.count()
    response = add_related(editor, "plan.docx", buffer.getvalue())
    assert "Ladda upp en PDF eller ett kontorsdokument" in response.content.decode()
    assert RelatedDocument.objects.count() == before


def test_a_zip_bomb_is_refused_as_a_related_document(editor, _media, bomb):
    before = RelatedDocument.objects.count()
    response = add_related(editor, "plan.docx", bomb)
    assert "Ladda upp en PDF eller ett kontorsdokument" in response.content.decode()
    assert RelatedDocument.objects.count() == before
    assert stored_names() == []


def test_an_oversized_related_document_is_refused(editor, _media, settings):
    settings.PROGRAMMES_MAX_UPLOAD_BYTES = 100
    response = add_related(editor, "plan.pdf", PDF + b"\0" * 200)
    assert "Filen är för stor" in response.content.decode()
    assert stored_names() == []


def test_a_path_traversal_name_is_stored_safely_as_a_related_document(editor, _media):
    response = add_related(editor, "../../../etc/passwd.pdf", PDF)
    assert response.status_code == 302
    document = RelatedDocument.objects.get(title="Plan")
    assert ".." not in document.file.name
    assert stored_names() == [document.file.name]

"""Evidence files: type by content, a size limit, stored privately, served to readers only."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from followup.models import Attachment
from tests.followup.conftest import user
from tests.followup.test_report_form import edit_url, form_data
from tests.storage_support import fresh_storage, stored_names

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    return fresh_storage(settings, tmp_path)


def ooxml(folder="word/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, report, name, content):
    data = form_data(report, "bilagor")
    data["attachment-file"] = SimpleUploadedFile(name, content)
    data["attachment-description"] = "Protokoll"
    return client.post(edit_url(report), data)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("protokoll.pdf", PDF, "application/pdf"),
        ("bild.PNG", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        (
            "plan.docx",
            ooxml(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "budget.xlsx",
            ooxml("xl/"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_accepted_files_are_stored_under_a_random_name(
    client, draft_report, _media, name, content, content_type
):
    client.force_login(user("ale-sektorchef"))
    assert upload(client, draft_report, name, content).status_code == 302
    item = Attachment.objects.get(report=draft_report)
    assert (item.original_name, item.content_type, item.size) == (name, content_type, len(content))
    assert name not in item.file.name
    assert stored_names() == [item.file.name]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("program.pdf", b"MZ\x90\x00" + b"\0" * 60),  # an executable behind a good extension
        ("rapport.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),  # an image called a PDF
        ("arkiv.docx", b"PK\x03\x04" + b"\0" * 30),  # a broken zip
        ("arkiv.docx", ooxml("other/")),  # a zip that is no Office document
        ("plan.docx", PDF),  # a good file under another kind's name
        ("skript.html", b"<script>alert(1)</script>"),
    ],
)
def test_a_wrong_type_is_refused_and_nothing_is_stored(client, draft_report, _media, name, content):
    client.force_login(user("ale-sektorchef"))
    response = upload(client, draft_report, name, content)
    assert response.status_code == 400
    assert "stämmer innehållet inte med filnamnet" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_names() == []


def test_an_oversized_file_is_refused_in_swedish(client, draft_report, _media, settings):
    settings.FOLLOWUP_ATTACHMENT_MAX_BYTES = 1024
    client.force_login(user("ale-sektorchef"))
    response = upload(client, draft_report, "stor.pdf", PDF + b"\0" * 2000)
    assert response.status_code == 400
    assert "Filen är för stor (2,0\xa0kB). Gränsen är 1,0\xa0kB." in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_names() == []


def test_only_readers_of_the_report_get_the_file(client, draft_report, _media):
    client.force_login(user("ale-sektorchef"))
    upload(client, draft_report, "protokoll.pdf", PDF)
    item = Attachment.objects.get()
    url = reverse(
        "followup:attachment",
        kwargs={"municipality": "ale", "pk": draft_report.pk, "attachment": item.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    for outsider in ("ale-sektorchef-2", "ale-sakerhetschef", "ale-fortroendevald"):
        client.force_login(user(outsider))
        assert client.get(url).status_code == 404, outsider  # a draft: nobody else
    client.logout()
    assert client.get(url).status_code == 302


def test_removing_an_attachment_deletes_the_file(
    client, draft_report, _media, django_capture_on_commit_callbacks
):
    client.force_login(user("ale-sektorchef"))
    upload(client, draft_report, "protokoll.pdf", PDF)
    item = Attachment.objects.get()
    draft_report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            edit_url(draft_report),
            form_data(draft_report, "bilagor", remove_attachment=str(item.pk)),
        )
    assert not Attachment.objects.exists()
    assert stored_names() == []

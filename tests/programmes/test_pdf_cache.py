"""The programme PDF is served inline with a Swedish name and an ETag, rendered once per content
and again when the content, the stylesheet or the renderer changes."""

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from programmes import pdf
from programmes.models import ProgrammeVersion, Section
from programmes.tasks import render_programme_pdf
from tests.factories import ProgrammeFactory, VersionFactory
from tests.programmes.pdf_support import body, document_text, temporary_media
from tests.storage_support import stored_names

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)

ALE = "/ale/program/trygghet-och-sakerhet/pdf/"


@pytest.fixture
def renders(monkeypatch):
    """Counts the real WeasyPrint renders."""
    calls = []
    write_pdf = pdf.write_pdf

    def counting(html):
        calls.append(html)
        return write_pdf(html)

    monkeypatch.setattr(pdf, "write_pdf", counting)
    return calls


def test_it_serves_the_pdf_inline_with_a_swedish_file_name(client, demo, media):
    response = client.get(ALE)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="Program for trygghet och sakerhet i Ale kommun 2021-2024.pdf"; '
        "filename*=UTF-8''Program%20f%C3%B6r%20trygghet%20och%20s%C3%A4kerhet%20i%20Ale"
        "%20kommun%202021%E2%80%932024.pdf"
    )
    assert body(response).startswith(b"%PDF-1.7")
    assert "public" in response["Cache-Control"]


def test_asking_twice_renders_once_and_the_etag_answers_not_modified(client, demo, media, renders):
    first = client.get(ALE)
    second = client.get(ALE)
    assert len(renders) == 1
    assert body(first) == body(second)
    etag = first["ETag"]
    assert etag == second["ETag"] and len(etag) == 66
    assert stored_names("pdf") == [f"pdf/{etag.strip(chr(34))}.pdf"]
    not_modified = client.get(ALE, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert len(renders) == 1


def test_a_cached_pdf_is_served_with_a_constant_number_of_queries(
    client, demo, media, django_assert_max_num_queries
):
    client.get(ALE)
    with django_assert_max_num_queries(5):
        assert client.get(ALE).status_code == 200


def test_each_language_is_its_own_pdf(client, demo, media, renders):
    swedish = client.get(ALE)
    client.cookies["django_language"] = "en"
    english = client.get(ALE)
    assert len(renders) == 2
    assert swedish["ETag"] != english["ETag"]
    assert "page 2 of" in document_text(body(english))


def test_a_changed_draft_is_rendered_again_and_an_unchanged_one_is_not(demo, media, renders):
    adopted = ProgrammeVersion.objects.get(programme__slug="sakerhetspolicy")
    draft = ProgrammeVersion.objects.create(
        programme=adopted.programme, number=adopted.number + 1, title="Säkerhetspolicy 2027"
    )
    section = Section.objects.create(
        version=draft, kind="background", position=1, heading="Bakgrund", body="<p>Första.</p>"
    )
    first = pdf.render_version(pdf.versions_for_pdf().get(pk=draft.pk), language="sv")
    again = pdf.render_version(pdf.versions_for_pdf().get(pk=draft.pk), language="sv")
    assert first == again and len(renders) == 1

    section.body = "<p>Andra lydelsen av bakgrunden.</p>"
    section.save()
    changed = pdf.render_version(pdf.versions_for_pdf().get(pk=draft.pk), language="sv")
    assert changed.key != first.key and len(renders) == 2
    assert "Andra lydelsen av bakgrunden." in document_text(changed.read())
    assert default_storage.exists(first.name)  # the old file stays for whoever has its ETag


def test_a_new_stylesheet_or_renderer_revision_renders_again(demo, media, renders, monkeypatch):
    version = pdf.versions_for_pdf().get(programme__slug="sakerhetspolicy")
    first = pdf.render_version(version, language="sv")
    monkeypatch.setattr(pdf, "RENDERER_REVISION", "test-next")
    second = pdf.render_version(version, language="sv")
    assert second.key != first.key and len(renders) == 2

    stylesheet = media.parent / "print.css"
    stylesheet.write_text(pdf.stylesheet_path().read_text() + "\nh2 { color: #000; }\n")
    monkeypatch.setattr(pdf, "stylesheet_path", lambda: stylesheet)
    third = pdf.render_version(version, language="sv")
    assert third.key not in (first.key, second.key) and len(renders) == 3


def test_adopting_a_new_version_changes_the_public_pdf(client, demo, media):
    adopted = ProgrammeVersion.objects.get(programme__slug="sakerhetspolicy")
    before = client.get("/kalix/program/sakerhetspolicy/pdf/")
    draft = ProgrammeVersion.objects.create(
        programme=adopted.programme, number=adopted.number + 1, title="Säkerhetspolicy 2027"
    )
    draft.adopt(
        by=None,
        adopting_body=adopted.adopting_body,
        decision_date=timezone.localdate(),
        paragraph="12",
        case_number="KS 2027/1",
    )
    after = client.get("/kalix/program/sakerhetspolicy/pdf/")
    assert after["ETag"] != before["ETag"]
    text = document_text(body(after))
    assert "Säkerhetspolicy 2027" in text and "§ 12" in text and "KS 2027/1" in text


@pytest.mark.parametrize(
    "url",
    [
        "/ale/program/okand/pdf/",
        "/okand/program/trygghet-och-sakerhet/pdf/",
        "/kalix/program/trygghet-och-sakerhet/pdf/",
    ],
)
def test_unknown_documents_give_404(client, demo, media, url):
    assert client.get(url).status_code == 404


def test_a_document_with_only_a_draft_has_no_public_pdf(client, demo, media, renders):
    draft = VersionFactory(programme=ProgrammeFactory(municipality__slug="ale"))
    assert client.get(f"/ale/program/{draft.programme.slug}/pdf/").status_code == 404
    assert renders == []


def test_the_task_renders_every_language_once_and_tolerates_a_missing_version(demo, media, renders):
    version = ProgrammeVersion.objects.get(programme__slug="sakerhetspolicy")
    render_programme_pdf.delay(version.pk)
    render_programme_pdf(version.pk)
    render_programme_pdf(version.pk + 10_000)
    assert len(renders) == 2
    names = stored_names("pdf")
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)  # no half file


def test_the_public_page_links_to_the_pdf(client, demo):
    html = client.get("/ale/program/trygghet-och-sakerhet/").content.decode()
    assert f'href="{ALE}"' in html and "Ladda ner som PDF" in html

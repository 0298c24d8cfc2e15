"""The programme PDF is complete, Swedish, paginated, tagged and claims PDF/A-2a."""

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from programmes.models import ProgrammeVersion, Section
from programmes.pdf import page_counter_css, render_version_pdf, versions_for_pdf
from tests.programmes.pdf_support import (
    HYPHENATION_BREAK,
    body,
    document_text,
    page_texts,
    reader,
    temporary_media,
    toc_entries,
    xmp,
)
from tests.sources import ale_lines, kalix_lines

pytestmark = pytest.mark.django_db
media = pytest.fixture(temporary_media)

ALE = "/ale/program/trygghet-och-sakerhet/pdf/"
KALIX = "/kalix/program/sakerhetspolicy/pdf/"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "pdf"


@pytest.fixture
def ale_pdf(client, demo, media):
    return body(client.get(ALE))


@pytest.fixture
def kalix_pdf(client, demo, media):
    return body(client.get(KALIX))


@pytest.mark.parametrize(
    ("fixture", "slug", "lines"),
    [
        ("ale_pdf", "trygghet-och-sakerhet", ale_lines),
        ("kalix_pdf", "sakerhetspolicy", kalix_lines),
    ],
)
def test_every_heading_sentence_and_list_item_is_in_the_pdf(request, fixture, slug, lines):
    text = document_text(request.getfixturevalue(fixture))
    version = ProgrammeVersion.objects.get(programme__slug=slug, status="adopted")
    expected = list(lines())
    expected += [section.heading for section in version.sections.all()]
    expected += [document.title for document in version.related_documents.all()]
    expected += [item.text for section in version.sections.all() for item in section.items.all()]
    assert len(expected) > 20
    assert [line for line in expected if line not in text] == []


def test_swedish_letters_survive_extraction(ale_pdf):
    text = document_text(ale_pdf)
    for word in (
        "Säkerhetschefen",
        "Förvaltningsledningen",
        "åtgärder",
        "Tillämpning",
        "Öppettider",
    ):
        assert word in text


def test_the_cover_carries_the_adoption_record(ale_pdf, kalix_pdf):
    ale_cover = page_texts(ale_pdf)[0]
    for expected in (
        "Ale kommun",
        "Program för trygghet och säkerhet",
        "Beslut om antagande",
        "Kommunfullmäktige",
        "2021-01-01 – 2024-12-31",
        "Revideras senast",
        "2024-12-31",
        "Antagen",
    ):
        assert expected in ale_cover
    kalix_cover = page_texts(kalix_pdf)[0]
    for expected in ("Kalix kommun", "Säkerhetspolicy", "Kommunfullmäktige", "2007-09-17", "§ 130"):
        assert expected in kalix_cover


@pytest.mark.parametrize("fixture", ["ale_pdf", "kalix_pdf"])
def test_every_page_after_the_cover_has_the_title_and_sida_x_av_y(request, fixture):
    data = request.getfixturevalue(fixture)
    pages = page_texts(data)
    title = reader(data).metadata.title
    assert len(pages) >= 3
    for number, text in enumerate(pages[1:], start=2):
        assert f"sida {number} av {len(pages)}" in text
        assert title in text.replace(HYPHENATION_BREAK, "")
    assert "sida 1 av" not in pages[0]


@pytest.mark.parametrize("fixture", ["ale_pdf", "kalix_pdf"])
def test_the_table_of_contents_gives_the_page_of_each_heading(request, fixture):
    data = request.getfixturevalue(fixture)
    entries = toc_entries(data)
    pages = page_texts(data)
    assert "Innehåll" in pages[1]
    assert len(entries) >= 5
    for heading, number in entries.items():
        assert heading in pages[number - 1], f"{heading} is not on page {number}"


def test_title_language_tags_and_pdfa_claim(ale_pdf):
    pdf = reader(ale_pdf)
    root = pdf.trailer["/Root"]
    assert pdf.metadata.title == "Program för trygghet och säkerhet i Ale kommun 2021–2024"
    assert pdf.metadata.author == "Ale kommun"
    assert root["/Lang"] == "sv"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] in (True, "true", pypdf.generic.BooleanObject(True))
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert "/OutputIntents" in root
    metadata = xmp(ale_pdf)
    assert 'pdfaid:part="2"' in metadata and 'pdfaid:conformance="A"' in metadata
    assert "Program för trygghet och säkerhet i Ale kommun 2021–2024" in metadata


def test_the_structure_tree_has_headings_lists_and_the_document_language(ale_pdf):
    root = reader(ale_pdf).trailer["/Root"]
    kinds = set()

    def walk(node, depth=0):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                kinds.add(node["/S"])
            if depth < 40 and "/K" in node:
                walk(node["/K"], depth + 1)
        elif isinstance(node, pypdf.generic.ArrayObject):
            for child in node:
                walk(child, depth + 1)

    walk(root["/StructTreeRoot"])
    assert {"/H1", "/H2", "/L", "/LI", "/P"} <= kinds


def test_fonts_are_embedded(ale_pdf):
    for page in reader(ale_pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                if "/DescendantFonts" in font
                else font["/FontDescriptor"]
            ).get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), font["/BaseFont"]


def test_swedish_hyphenation_breaks_long_words(ale_pdf):
    raw = "\n".join(page_texts(ale_pdf))
    assert raw.count(HYPHENATION_BREAK) >= 3


def test_a_draft_is_marked_on_every_page(demo, media):
    adopted = ProgrammeVersion.objects.get(programme__slug="trygghet-och-sakerhet")
    draft = ProgrammeVersion.objects.create(
        programme=adopted.programme, number=adopted.number + 1, title="Nytt program för trygghet"
    )
    Section.objects.create(
        version=draft,
        kind="background",
        position=1,
        heading="Bakgrund",
        body="<p>" + "Ett nytt utkast om krisberedskap. " * 400 + "</p>",
    )
    pages = page_texts(render_version_pdf(versions_for_pdf().get(pk=draft.pk), language="sv"))
    assert len(pages) >= 3
    for text in pages:
        assert "Utkast – inte antaget" in text
    assert all(
        "Utkast" not in text
        for text in page_texts(
            render_version_pdf(versions_for_pdf().get(pk=adopted.pk), language="sv")
        )
    )


def test_an_english_reader_gets_english_labels_around_the_swedish_text(demo, media):
    version = versions_for_pdf().get(programme__slug="sakerhetspolicy")
    data = render_version_pdf(version, language="en")
    pages = page_texts(data)
    assert reader(data).trailer["/Root"]["/Lang"] == "en"
    assert "Contents" in pages[1] and f"page 2 of {len(pages)}" in pages[1]
    assert "Säkerhetspolicy" in document_text(data)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) is missing")
def test_page_one_of_the_ale_pdf_renders_to_png(ale_pdf, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "ale.pdf"
    source.write_bytes(ale_pdf)
    for page in (1, 2, 3):
        target = ARTIFACTS / f"ale-program-page-{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(source),
                str(target),
            ],
            check=True,
        )
        assert target.with_suffix(".png").stat().st_size > 10_000


def test_the_translated_page_counter_becomes_css_that_cannot_break_out():
    assert (
        page_counter_css("sida {page} av {pages}") == '"sida " counter(page) " av " counter(pages)'
    )
    assert "</style>" not in page_counter_css('{page} "</style>" {pages}')
    assert page_counter_css("{page}/{pages}") == r'counter(page) "\2f " counter(pages)'

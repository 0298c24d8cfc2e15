"""Helpers for the PDF tests: fetch a PDF through the public URL and read it with pypdf."""

import io
import re

import pypdf

from tests.sources import normalise
from tests.storage_support import fresh_storage

HYPHENATION_BREAK = "\u2010\n"  # WeasyPrint's hyphen at an automatic line break


def temporary_media(settings, tmp_path):
    """An empty file storage per test (use as `media = pytest.fixture(temporary_media)`): a
    fresh MEDIA_ROOT, or a fresh prefix in the test bucket with TEST_STORAGE=s3."""
    return fresh_storage(settings, tmp_path)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def document_text(data: bytes) -> str:
    """All text, with automatic hyphenation undone and white space collapsed."""
    return normalise("\n".join(page_texts(data)).replace(HYPHENATION_BREAK, ""))


def xmp(data: bytes) -> str:
    return reader(data).xmp_metadata.stream.get_data().decode()


def toc_entries(data: bytes) -> dict[str, int]:
    """The table of contents (page 2): heading → page number."""
    entries = {}
    for line in page_texts(data)[1].splitlines():
        match = re.match(r"^(.*?)[ .]*\.{3,}\s*(\d+)$", line.strip())
        if match:
            entries[match[1].strip()] = int(match[2])
    return entries

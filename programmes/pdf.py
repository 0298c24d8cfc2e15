"""PDF renderings: WeasyPrint from templates in templates/pdf/, archived as PDF/A-2a, cached by
content in the file storage as pdf/<hash>.pdf so an unchanged document is rendered once."""

import fcntl
import hashlib
import mimetypes
import posixpath
import re
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from programmes.models import ProgrammeVersion, RelatedDocument, Section, SectionItem

# PDF/A-2a: archival (PDF/A-2) at the accessible level "a", which makes WeasyPrint tag the
# structure and write /Lang and the title. See README, section "PDF".
PDF_VARIANT = "pdf/a-2a"
STYLESHEET = "pdf/print.css"
# Bump when the rendering changes in a way the HTML does not show (options, post-processing).
RENDERER_REVISION = "1"
# The origin the HTML's own URLs are resolved against; the fetcher serves nothing else.
ASSET_ORIGIN = "https://assets.pdf.invalid"


class RefusedURL(ValueError):
    """A resource the PDF may not load: not one of our own static or media files."""


class AssetFetcher(weasyprint.URLFetcher):
    """Serves only our own static and media files, from disk: no file://, no network, no
    redirects, nothing outside the static and media folders (also not through symlinks)."""

    def __init__(self):
        # No handlers are ever used: fetch() below never reaches urllib.
        super().__init__(allowed_protocols=["https"], allow_redirects=False)

    def fetch(self, url, headers=None):
        found = self.resolve(url)
        if isinstance(found, Path):
            data = found.read_bytes()
        else:  # a stored (media) file, by its name in the file storage
            try:
                with default_storage.open(found, "rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, IsADirectoryError, SuspiciousFileOperation):
                raise RefusedURL(f"no such file: {url[:200]}") from None
        content_type, _encoding = mimetypes.guess_type(posixpath.basename(str(found)))
        return weasyprint.urls.URLFetcherResponse(
            url, data, {"Content-Type": content_type or "application/octet-stream"}
        )

    def open(self, url, data=None, timeout=None):
        raise RefusedURL("the PDF fetcher opens no connections")

    @staticmethod
    def resolve(url: str) -> Path | str:
        """The file behind one of our static URLs (a path on disk) or media URLs (a name in the
        file storage), or RefusedURL."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != ASSET_ORIGIN or parts.query or parts.fragment:
            raise RefusedURL(f"not one of our files: {url[:200]}")
        path = unquote(parts.path)
        if "\\" in path or "\x00" in path or ".." in path.split("/"):
            raise RefusedURL(f"not a plain path: {url[:200]}")
        for prefix, roots in (
            (settings.STATIC_URL, _static_roots),
            (settings.MEDIA_URL, None),
        ):
            prefix = "/" + prefix.strip("/") + "/"
            if not path.startswith(prefix):
                continue
            name = posixpath.normpath(path.removeprefix(prefix))
            if name.startswith(("/", ".")):
                raise RefusedURL(f"not a plain path: {url[:200]}")
            if roots is None:
                # Follow-up evidence is private: it never goes into a (possibly public) PDF.
                if name.startswith("followup/"):
                    raise RefusedURL(f"not a public media file: {url[:200]}")
                return name
            for root in roots(name):
                root = root.resolve()
                candidate = (root / name).resolve()
                if candidate.is_relative_to(root) and candidate.is_file():
                    return candidate
            raise RefusedURL(f"no such file: {url[:200]}")
        raise RefusedURL(f"neither a static nor a media file: {url[:200]}")


def _static_roots(name: str) -> list[Path]:
    """Where a static file may live: its source folder (finders), then the collected folder."""
    roots = []
    found = finders.find(name)
    if found:
        # The finder's folder is the part of the found path before the name.
        roots.append(Path(str(found)[: -len(name)]))
    roots.append(Path(settings.STATIC_ROOT))
    return roots


def stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not found:
        found = Path(settings.STATIC_ROOT) / STYLESHEET
    return Path(found)


def page_counter_css(pattern: str) -> str:
    """A translated "page {page} of {pages}" as CSS `content`, with the counters in place."""
    pieces = []
    for index, chunk in enumerate(re.split(r"\{(pages?)\}", pattern)):
        if index % 2:
            pieces.append(f"counter({chunk})")
        elif chunk:
            # A CSS string that cannot end the string or the <style> element it sits in.
            escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in chunk)
            pieces.append(f'"{escaped}"')
    return " ".join(pieces)


@dataclass(frozen=True)
class RenderedPDF:
    """A PDF in the file storage, named by the hash of what it was rendered from."""

    key: str
    name: str

    @property
    def etag(self) -> str:
        return f'"{self.key}"'

    @property
    def exists(self) -> bool:
        return default_storage.exists(self.name)

    def open(self):
        return default_storage.open(self.name, "rb")

    def read(self) -> bytes:
        with self.open() as handle:
            return handle.read()


# Programme PDFs in the file storage: FOLDER/<content key>.pdf.
FOLDER = "pdf"


def save_once(name: str, data: bytes) -> None:
    """Store content-addressed bytes under `name` unless they are there already; when another
    process stored the same content meanwhile, the copy under a second name is dropped."""
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        default_storage.delete(saved)


def content_key(html: str) -> str:
    """The cache key: the HTML, the stylesheet and everything else that shapes the PDF."""
    digest = hashlib.sha256()
    for part in (
        weasyprint.__version__,
        PDF_VARIANT,
        RENDERER_REVISION,
        stylesheet_path().read_text(encoding="utf-8"),
        html,
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def write_pdf(html: str) -> bytes:
    """WeasyPrint alone: the HTML and our stylesheet to PDF/A-2a bytes, no cache."""
    fetcher = AssetFetcher()
    # Read from disk but resolved against our origin, so its url()s go through the fetcher too.
    stylesheet = weasyprint.CSS(
        string=stylesheet_path().read_text(encoding="utf-8"),
        base_url=f"{ASSET_ORIGIN}/{settings.STATIC_URL.strip('/')}/{STYLESHEET}",
        url_fetcher=fetcher,
    )
    return weasyprint.HTML(string=html, base_url=ASSET_ORIGIN + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[stylesheet], pdf_variant=PDF_VARIANT
    )


def target_for(html: str, folder: str = "pdf") -> RenderedPDF:
    """Where the PDF of this HTML is (or will be) kept, as `<folder>/<content key>.pdf` under
    MEDIA_ROOT; it may not exist yet."""
    key = content_key(html)
    return RenderedPDF(key=key, name=f"{folder}/{key}.pdf")


def render_html_pdf(html: str, folder: str = FOLDER) -> RenderedPDF:
    """The PDF for this HTML, rendered only if no PDF of the same content exists yet. A lock per
    content makes concurrent callers (workers on several hosts) wait for one render."""
    target = target_for(html, folder)
    if target.exists:
        return target
    with content_lock(target.key):
        if not target.exists:  # another worker may have made it while we waited
            save_once(target.name, write_pdf(html))
    return target


@contextmanager
def content_lock(key: str):
    """One render per content: a PostgreSQL advisory lock (shared by every host), or a file
    lock in the temporary folder on SQLite (one host)."""
    if connection.vendor == "postgresql":
        lock_id = int(key[:15], 16)  # 60 bits of the hash fit PostgreSQL's bigint
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
        return
    folder = Path(tempfile.gettempdir()) / "ale-safety-pdf-locks"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f"{key}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def versions_for_pdf():
    """Versions with everything the PDF shows, fetched in a constant number of queries."""
    return ProgrammeVersion.objects.select_related(
        "programme__municipality", "adopting_body"
    ).prefetch_related(
        Prefetch(
            "sections",
            queryset=Section.objects.order_by("position").prefetch_related(
                Prefetch(
                    "items",
                    queryset=SectionItem.objects.order_by("position").select_related("role"),
                )
            ),
        ),
        Prefetch("related_documents", queryset=RelatedDocument.objects.order_by("position")),
    )


def version_html(version: ProgrammeVersion, *, language: str) -> str:
    """The print HTML of a version; `language` is the reader's, the content stays Swedish."""
    with translation.override(language):
        return render_to_string(
            "pdf/programme.html",
            {
                "version": version,
                "municipality": version.programme.municipality,
                "language": language,
                "page_counter": page_counter_css(_("page {page} of {pages}")),
            },
        )


def render_version(version: ProgrammeVersion, *, language: str) -> RenderedPDF:
    """The cached PDF of a version (draft, adopted or superseded); drafts are marked on every
    page. Pass a version from `versions_for_pdf()` to keep the query count constant."""
    return render_html_pdf(version_html(version, language=language))


def version_target(version: ProgrammeVersion, *, language: str) -> RenderedPDF:
    """Where the version's PDF is kept, rendered or not (cheap: no WeasyPrint)."""
    return target_for(version_html(version, language=language))


def referenced_names():
    """The stored PDF of every version as it reads now, in every language: what the clean-up
    keeps (older renderings go after its grace period)."""
    for version in versions_for_pdf().iterator(chunk_size=100):
        for language, _name in settings.LANGUAGES:
            yield f"{FOLDER}/{content_key(version_html(version, language=language))}.pdf"


def render_version_pdf(version: ProgrammeVersion, *, language: str) -> bytes:
    return render_version(version, language=language).read()


def filename_for(version: ProgrammeVersion) -> str:
    """A readable Swedish file name, e.g. "Säkerhetspolicy för Kalix kommun (utkast).pdf"."""
    name = version.title.replace("/", "-").replace("\\", "-").strip() or version.programme.slug
    if version.is_draft:
        name += " (" + _("draft") + ")"
    elif version.status == ProgrammeVersion.Status.SUPERSEDED:
        name += " (" + _("superseded") + ")"
    return name[:150] + ".pdf"

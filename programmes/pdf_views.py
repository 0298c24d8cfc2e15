"""The programme as PDF: rendered by a worker once per content, then served from the file
storage."""

import time
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from programmes.models import ProgrammeVersion
from programmes.pdf import RenderedPDF, filename_for, version_target, versions_for_pdf
from programmes.public_cache import public_page
from programmes.tasks import queue_render


@require_safe
@public_page
def public_pdf(request, municipality, slug):
    """The adopted version, for anyone. A worker renders it (once per content, see README,
    "PDF"); the reader waits a moment for it, or gets a page saying it is being prepared."""
    version = get_object_or_404(
        versions_for_pdf(),
        programme__municipality__slug=municipality,
        programme__slug=slug,
        status=ProgrammeVersion.Status.ADOPTED,
    )
    language = get_language()
    target = version_target(version, language=language)
    if not target.exists:
        queue_render(version.pk, language)
        if not wait_for(target, settings.PROGRAMME_PDF_WAIT_SECONDS):
            response = render(
                request, "programmes/pdf_pending.html", {"version": version}, status=202
            )
            response["Retry-After"] = "5"
            patch_cache_control(response, no_cache=True, no_store=True)
            return response
    return pdf_response(request, target, version)


def wait_for(target: RenderedPDF, seconds: float) -> bool:
    """Poll for the file a worker is making, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not target.exists:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True


def pdf_response(request, rendered: RenderedPDF, version: ProgrammeVersion):
    """Inline PDF with a Swedish file name (and an ASCII one for old clients) and an ETag."""
    response = get_conditional_response(request, etag=rendered.etag)
    if response is None:
        response = FileResponse(rendered.open(), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(filename_for(version))
    response["ETag"] = rendered.etag
    if version.is_draft:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, max_age=300)
    patch_vary_headers(response, ["Cookie"])  # the reader's language shapes the labels
    return response


def content_disposition(filename: str) -> str:
    ascii_name = (
        unicodedata.normalize("NFKD", filename.replace("–", "-").replace("—", "-"))
        .encode("ascii", "ignore")
        .decode()
    )
    ascii_name = (
        "".join(c for c in ascii_name if c.isprintable() and c not in '"\\;') or "dokument.pdf"
    )
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"

"""The programme as PDF: rendered on the first request for its content, then served from disk."""

import unicodedata
from urllib.parse import quote

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from programmes.models import ProgrammeVersion
from programmes.pdf import RenderedPDF, filename_for, render_version, versions_for_pdf


@require_safe
def public_pdf(request, municipality, slug):
    """The adopted version, for anyone. Rendering takes a fraction of a second and happens once
    per content (see README, "PDF"), so the first reader waits for it instead of a task."""
    version = get_object_or_404(
        versions_for_pdf(),
        programme__municipality__slug=municipality,
        programme__slug=slug,
        status=ProgrammeVersion.Status.ADOPTED,
    )
    return pdf_response(request, render_version(version, language=get_language()), version)


def pdf_response(request, rendered: RenderedPDF, version: ProgrammeVersion):
    """Inline PDF with a Swedish file name (and an ASCII one for old clients) and an ETag."""
    response = get_conditional_response(request, etag=rendered.etag)
    if response is None:
        response = FileResponse(rendered.path.open("rb"), content_type="application/pdf")
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

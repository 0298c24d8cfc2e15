"""The public pages (home, municipality, programme, version, PDF) from the shared cache.

What an anonymous visitor sees depends only on the published content and the language, so
each page is kept per (content generation, language, path) in Django's configured cache
(Redis in production: shared by every web process) and answered with an ETag, Last-Modified
and Cache-Control that let a proxy keep it too. The generation changes when a version is
adopted, superseded or corrected, or a municipality or unit changes; entries also expire
after PUBLIC_PAGE_SECONDS whatever happens. A visitor with a session cookie (perhaps signed
in: the page shows their navigation) gets the page rendered as before.
"""

import hashlib
import time
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
PUBLIC_PAGE_SECONDS = 600  # an edit the signals below do not see shows within this time
BROWSER_SECONDS = 300
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def generation() -> str:
    current = cache.get(GENERATION_KEY)
    if current is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        current = cache.get(GENERATION_KEY)
    return current


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def published_content_changed(**kwargs) -> None:
    """Every cached public page is out of date: now, for this transaction's own reads, and
    again at commit, for a page another process rendered from the old rows meanwhile."""
    _new_generation()
    transaction.on_commit(_new_generation)


def version_saved(sender, instance, **kwargs) -> None:
    if not instance.is_draft:  # drafts are never public
        published_content_changed()


def public_page(view):
    """Serve the view's 200 answers to anonymous visitors from the cache (see above)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        # The path hashed: a long (or absurd) address must not make a long key.
        path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
        key = f"public-page:{generation()}:{get_language()}:{path}"
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            etag = response.get("ETag") or f'"{hashlib.sha256(content).hexdigest()[:32]}"'
            entry = {
                "content": content,
                "etag": etag,
                "modified": int(time.time()),
                "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
            }
            cache.set(key, entry, PUBLIC_PAGE_SECONDS)
        return cached_response(request, entry)

    return wrapper


def cached_response(request, entry) -> HttpResponse:
    response = get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["modified"]
    ) or HttpResponse(entry["content"])
    for header, value in entry["headers"].items():
        if response.status_code == 200 or header == "Content-Language":
            response[header] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(entry["modified"])
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS)
    # The language comes from the language cookie: a proxy keeps one copy per language.
    patch_vary_headers(response, ["Cookie"])
    return response

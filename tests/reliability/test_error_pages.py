"""Our own error pages, in Swedish and English, in the site's layout, without technical
detail; the 500 page needs neither the database nor the context processors."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.test import Client
from django.urls import path

from ale_safety import urls as site_urls

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reliability.test_error_pages")]


def bad(request):
    raise SuspiciousOperation("secret detail 400")


def denied(request):
    raise PermissionDenied("secret detail 403")


def broken(request):
    raise OperationalError("secret detail: the database went away")


urlpatterns = [
    path("_fel/400/", bad),
    path("_fel/403/", denied),
    path("_fel/500/", broken),
    *site_urls.urlpatterns,
]
handler404 = site_urls.handler404

PAGES = {
    "/_fel/400/": (400, "Begäran kunde inte hanteras", "The request could not be handled"),
    "/_fel/403/": (403, "Du får inte göra detta", "You may not do this"),
    "/_fel/500/": (500, "Något gick fel", "Something went wrong"),
    "/finns-inte/alls/": (404, "Sidan finns inte", "Page not found"),
}


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_error_page_is_ours_in_the_readers_language(url, language, demo):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get(url)
    status, swedish, english = PAGES[url]
    page = response.content.decode()
    assert response.status_code == status
    assert (swedish if language == "sv" else english) in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert "secret detail" not in page and "Traceback" not in page


def test_the_500_page_renders_without_the_database(demo, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def no_database(*args, **kwargs):
        raise OperationalError("database down")

    client = Client(raise_request_exception=False)
    monkeypatch.setattr(CursorWrapper, "execute", no_database)
    response = client.get("/_fel/500/")
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


def test_a_failed_csrf_check_gets_our_page(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/konto/logga-in/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Formuläret har gått ut" in page
    assert "CSRF" not in page

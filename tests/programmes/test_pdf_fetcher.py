"""The PDF renderer loads only our own static and media files: no file://, no network, no
redirects, no way out of the static and media folders."""

import http.server
import io
import threading

import pytest
import weasyprint
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from programmes.pdf import ASSET_ORIGIN, AssetFetcher, RefusedURL, write_pdf
from tests.programmes.pdf_support import reader, temporary_media

media = pytest.fixture(temporary_media)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def server():
    """A local HTTP server that answers everything with a redirect to one of our files, and
    records every request it gets."""
    requests = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(302)
            self.send_header("Location", f"{ASSET_ORIGIN}/static/pdf/print.css")
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", requests
    httpd.shutdown()
    httpd.server_close()


def test_it_serves_our_static_files():
    response = AssetFetcher().fetch(f"{ASSET_ORIGIN}/static/pdf/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_it_serves_our_media_files(media):
    default_storage.save("logos/ale.png", ContentFile(PNG))
    response = AssetFetcher().fetch(f"{ASSET_ORIGIN}/media/logos/ale.png")
    assert response.read() == PNG
    assert response.content_type == "image/png"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://example.org/logo.png",
        "https://example.org/static/pdf/print.css",
        "https://assets.pdf.invalid.example.org/static/pdf/print.css",
        "http://assets.pdf.invalid/static/pdf/print.css",
        "data:text/css,body{}",
        "ftp://example.org/x",
        f"{ASSET_ORIGIN}/etc/passwd",
        f"{ASSET_ORIGIN}/static/../../../../etc/passwd",
        f"{ASSET_ORIGIN}/static/pdf/../../../../../etc/passwd",
        f"{ASSET_ORIGIN}/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{ASSET_ORIGIN}/static/..%2f..%2f..%2fetc/passwd",
        f"{ASSET_ORIGIN}/static/pdf%5c..%5c..%5cpasswd",
        f"{ASSET_ORIGIN}/static//etc/passwd",
        f"{ASSET_ORIGIN}/media/../ale_safety/settings.py",
        f"{ASSET_ORIGIN}/static/pdf/print.css%00.png",
        f"{ASSET_ORIGIN}/static/pdf/print.css?x=1",
        f"{ASSET_ORIGIN}/static/pdf/",
        f"{ASSET_ORIGIN}/static/pdf/missing.css",
        f"https://user@{ASSET_ORIGIN.removeprefix('https://')}/static/pdf/print.css",
    ],
)
def test_it_refuses_everything_else(media, url):
    with pytest.raises(RefusedURL):
        AssetFetcher().fetch(url)


def test_it_refuses_a_symlink_out_of_the_media_folder(media, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    media.mkdir(parents=True)
    (media / "link.txt").symlink_to(secret)
    with pytest.raises(RefusedURL):
        AssetFetcher().fetch(f"{ASSET_ORIGIN}/media/link.txt")


def test_it_never_puts_follow_up_evidence_into_a_pdf(media):
    name = default_storage.save("followup/1/evidence.png", ContentFile(PNG))
    with pytest.raises(RefusedURL, match="not a public media file"):
        AssetFetcher().fetch(f"{ASSET_ORIGIN}/media/{name}")


def test_it_never_follows_a_redirect_or_touches_the_network(server):
    origin, requests = server
    fetcher = AssetFetcher()
    with pytest.raises(RefusedURL):
        fetcher.fetch(f"{origin}/logo.png")
    with pytest.raises(RefusedURL):
        fetcher.open(f"{origin}/logo.png")
    assert requests == []


def test_a_rendered_document_loads_only_our_files(media, server, tmp_path, caplog):
    origin, requests = server
    default_storage.save("logos/ale.png", ContentFile(PNG))
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    html = f"""<!DOCTYPE html><html lang="sv"><head><title>Test</title>
      <link rel="stylesheet" href="{origin}/evil.css">
      <link rel="stylesheet" href="file://{tmp_path}/evil.css"></head>
      <body><h1>Rubrik</h1>
      <img src="/media/logos/ale.png" alt="Ale kommun">
      <img src="file://{secret}" alt="hemlig">
      <img src="{origin}/tracker.png" alt="spårare">
      <img src="/static/../../{secret}" alt="utanför"></body></html>"""
    data = write_pdf(html)
    assert requests == []
    images = [
        name
        for page in reader(data).pages
        for name, obj in page["/Resources"].get("/XObject", {}).items()
        if obj.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1  # only our own logo
    refused = [r.getMessage() for r in caplog.records if "RefusedURL" in r.getMessage()]
    assert len(refused) >= 4


def test_the_fetcher_is_weasyprints_kind():
    assert isinstance(AssetFetcher(), weasyprint.URLFetcher)

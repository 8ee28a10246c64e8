"""WeasyPrint reads only the app's static files and data: URIs, whatever a rendered page names."""

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from config.pdf import PDF_BASE_URL, html_to_pdf, pdf_url_fetcher, static_path

MARKER_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="0" y="20">{}</text></svg>'


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def listener():
    """A real HTTP server on a spare local port that notes every request it gets."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = MARKER_SVG.format("FETCHED OVER HTTP").encode()
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_http_urls_in_rendered_content_are_not_fetched(listener):
    base, hits = listener
    html = (
        f'<p>Minutes</p><img src="{base}/img.svg"><link rel="stylesheet" href="{base}/x.css">'
        f'<img src="http://127.0.0.1:1/x"><div style="background: url({base}/bg.svg)">x</div>'
    )
    pdf = html_to_pdf(html)
    assert hits == []
    assert "Minutes" in pdf_text(pdf) and "FETCHED OVER HTTP" not in pdf_text(pdf)


def test_the_listener_would_see_weasyprints_default_fetcher(listener):
    """The control: without the app's fetcher the same page does reach the network."""
    from weasyprint import HTML

    base, hits = listener
    HTML(string=f'<img src="{base}/img.svg">').write_pdf()
    assert hits == ["/img.svg"]


def test_files_outside_the_static_files_are_not_read(tmp_path):
    outside = tmp_path / "secret.svg"
    outside.write_text(MARKER_SVG.format("OUTSIDE THE STATIC FILES"))
    inline = (
        "data:image/svg+xml;base64,"
        + base64.b64encode(MARKER_SVG.format("INLINE DATA URI").encode()).decode()
    )
    html = (
        f'<img src="{outside.as_uri()}"><img src="file:///etc/passwd">'
        f'<link rel="stylesheet" href="file:///etc/passwd"><img src="{inline}">'
    )
    text = pdf_text(html_to_pdf(html))
    assert "INLINE DATA URI" in text
    assert "OUTSIDE THE STATIC FILES" not in text and "root:" not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        f"{PDF_BASE_URL}static/../config/settings/base.py",
        f"{PDF_BASE_URL}static/%2e%2e/config/settings/base.py",
        f"{PDF_BASE_URL}static//etc/passwd",
        f"{PDF_BASE_URL}media/documents/minutes.pdf",
        "http://127.0.0.1:1/static/css/app.css",
        "ftp://127.0.0.1/static/css/app.css",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    assert static_path(url) is None
    with pytest.raises(ValueError):
        pdf_url_fetcher().fetch(url)


def test_the_apps_own_static_files_are_served():
    url = PDF_BASE_URL + settings.STATIC_URL.lstrip("/") + "css/app.css"
    response = pdf_url_fetcher().fetch(url)
    expected = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_bytes()
    assert response.read() == expected and response.content_type == "text/css"


def test_every_pdf_is_made_through_the_restricted_fetcher():
    """No module but config/pdf.py hands HTML to WeasyPrint."""
    base = Path(settings.BASE_DIR)
    apps = ["config", "users", "coalitions", "meetings", "obligations", "actions", "concerns"]
    sources = {
        path.relative_to(base).as_posix(): path.read_text()
        for app in apps
        for path in (base / app).rglob("*.py")
        if "tests" not in path.parts
    }
    users = [
        name
        for name, source in sources.items()
        if "weasyprint" in source and ("HTML(" in source or "write_pdf" in source)
    ]
    assert users == ["config/pdf.py"]

"""HTML to PDF with WeasyPrint, which may read only the app's own static files and data: URIs.

WeasyPrint's default fetcher would follow any URL a rendered page names (http to the internal
network, file:// anywhere on the disk). Every PDF the app makes goes through `html_to_pdf`."""

import gc
import mimetypes
import posixpath
from contextlib import contextmanager
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

# Relative URLs in the HTML resolve against this, so `{% static %}` paths land on STATIC_URL.
PDF_BASE_URL = "https://pdf.invalid/"


def static_path(url: str) -> str | None:
    """The file on disk behind one of the app's static URLs, or None for any other URL."""
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.netloc != urlsplit(PDF_BASE_URL).netloc:
        return None
    path = unquote(parts.path)
    if not path.startswith(settings.STATIC_URL):
        return None
    relative = posixpath.normpath(path.removeprefix(settings.STATIC_URL))
    if relative.startswith(("..", "/")) or "\x00" in relative:
        return None
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    if found is None and settings.STATIC_ROOT:
        candidate = settings.STATIC_ROOT / relative
        found = str(candidate) if candidate.is_file() else None
    return found


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            if path is None:
                raise ValueError(f"Not one of the app's static files: {url[:200]}")
            with open(path, "rb") as file:
                body = file.read()
            content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFilesOnly


def pdf_url_fetcher():
    return _fetcher_class()(timeout=5, allow_redirects=False)


@contextmanager
def collector_paused():
    """Python's cycle collector held off while WeasyPrint works, then run on what it left.

    A layout allocates some hundred thousand objects (boxes point at their parents, so about
    70,000 of them end as cycles). With the collector on, those allocations set off collections
    of the oldest generation, each a walk over every object of the process (Django, the app, the
    worker): a tenth to a fifth of a summary's CPU time. Collecting only the youngest generation
    afterwards frees the same garbage without walking the rest. The pause is process-wide and
    short; a caller that paused the collector itself keeps its pause."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    with collector_paused():
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=pdf_url_fetcher())
        return document.write_pdf()


def warm_up() -> None:
    """Loads WeasyPrint, its libraries (Pango, HarfBuzz, fontconfig) and the PDFs' font once: a
    worker calls it when it starts, so its first summary costs what the next ones do (a cold
    first one took about twice as long) instead of making the first mails wait."""
    html_to_pdf("<p style=\"font-family: 'DejaVu Sans', sans-serif\">A <b>B</b></p>")

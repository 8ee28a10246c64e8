"""HTML to PDF with WeasyPrint, which may read only the app's own static files and data: URIs.

WeasyPrint's default fetcher would follow any URL a rendered page names (http to the internal
network, file:// anywhere on the disk). Every PDF the app makes goes through `html_to_pdf`."""

import mimetypes
import posixpath
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


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=pdf_url_fetcher()).write_pdf()

"""What a meeting document may be: its type is read from its bytes, never from its name."""

import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024

OOXML = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}
ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _zip_type(head: bytes, data: bytes) -> tuple[str, str] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
            if mimetype in ODF:
                return mimetype, ODF[mimetype]
            return None
        if "[Content_Types].xml" in names:
            content_types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
            for part, (mimetype, extension) in OOXML.items():
                if part in names and f"/{part}" in content_types:
                    return mimetype, extension
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def detect_document_type(data: bytes) -> tuple[str, str] | None:
    """(content type, usual extension) for an accepted document, None for anything else."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(head, data)
    return None


def validate_document(uploaded) -> tuple[bytes, str]:
    """Reads an upload and returns (bytes, content type) or raises a ValidationError for the form."""
    if uploaded.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB.")
            % {
                "size": round(uploaded.size / 1024 / 1024, 1),
                "limit": MAX_DOCUMENT_BYTES // 1024 // 1024,
            }
        )
    data = uploaded.read()
    detected = detect_document_type(data)
    if detected is None:
        raise ValidationError(
            _(
                "This file is not an accepted type. Accepted: PDF, Word (DOCX), Excel (XLSX), "
                "OpenDocument text (ODT), PNG and JPEG images."
            )
        )
    return data, detected[0]

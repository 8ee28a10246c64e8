"""What a meeting document may be: its type is read from its bytes, never from its name."""

import io
import zipfile
import zlib

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


# An archive is opened only to read its small type marker ([Content_Types].xml or mimetype): real
# ones are a few kilobytes. Whatever an archive declares, no more than these bytes are inflated.
MAX_MARKER_BYTES = 256 * 1024
# Office XML compresses well, about 10:1, rarely 50:1; a part that claims more than 200:1 and more
# than a megabyte unpacked is a compression bomb, as is an archive declaring more than this in all.
MAX_ENTRY_RATIO = 200
MAX_UNPACKED_BYTES = 50 * MAX_DOCUMENT_BYTES
MAX_ENTRIES = 10_000


def _refuse_implausible_archive() -> ValidationError:
    return ValidationError(
        _(
            "This archive unpacks to an implausible size and was refused. Save the document "
            "again from its program and attach the new file."
        ),
        code="archive_bomb",
    )


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The entry's bytes, or None when it inflates beyond MAX_MARKER_BYTES (declared or not)."""
    if info.file_size > MAX_MARKER_BYTES:
        return None
    with archive.open(info) as entry:
        # The declared size may lie: read one byte more than the cap to notice.
        content = entry.read(MAX_MARKER_BYTES + 1)
    return content if len(content) <= MAX_MARKER_BYTES else None


def _zip_type(data: bytes) -> tuple[str, str] | None:
    """The type of an office archive from its marker entry; raises on an implausible archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse_implausible_archive()
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise _refuse_implausible_archive()
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1024 * 1024 and ratio > MAX_ENTRY_RATIO:
                raise _refuse_implausible_archive()
        entries = {info.filename: info for info in infos}
        if "mimetype" in entries:
            marker = _read_capped(archive, entries["mimetype"])
            mimetype = (marker or b"").decode("ascii", "replace").strip()
            if mimetype in ODF:
                return mimetype, ODF[mimetype]
            return None
        if "[Content_Types].xml" in entries:
            marker = _read_capped(archive, entries["[Content_Types].xml"])
            if marker is None:
                raise _refuse_implausible_archive()
            content_types = marker.decode("utf-8", "replace")
            for part, (mimetype, extension) in OOXML.items():
                if part in entries and f"/{part}" in content_types:
                    return mimetype, extension
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, KeyError, OSError):
        return None
    except (EOFError, RuntimeError, ValueError, zlib.error):
        # A damaged or encrypted entry: not a document this page accepts.
        return None
    return None


def detect_document_type(data: bytes) -> tuple[str, str] | None:
    """(content type, usual extension) for an accepted document, None for anything else.

    Raises a ValidationError for an archive whose declared sizes are implausible (a zip bomb)."""
    head = data[:8]
    if head.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
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

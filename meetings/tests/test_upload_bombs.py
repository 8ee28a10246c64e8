"""A compressed archive is opened only as far as its type marker, whatever it claims to hold."""

import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalitions.models import Role, Visibility
from meetings.models import Document
from meetings.tests.factories import make_meeting
from meetings.uploads import MAX_MARKER_BYTES, detect_document_type

MIB = 1024 * 1024


def deflated_zeros(mib: int) -> tuple[bytes, int, int]:
    """A raw deflate stream of `mib` MiB of zeros, its CRC and size, built without inflating it.

    After a full flush the compressor starts afresh, so one compressed mebibyte repeats verbatim.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b"\0" * MIB) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(b"\0" * MIB, crc)
    return block * mib + compressor.flush(), crc, mib * MIB


def build_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from (name, deflated bytes, crc, declared size, method) without zipfile's checks."""
    local, central = b"", b""
    for name, data, crc, size, method in entries:
        encoded = name.encode()
        header = struct.pack(
            "<4s5H3L2H",
            b"PK\x03\x04",
            20,
            0,
            method,
            0,
            0x21,
            crc,
            len(data),
            size,
            len(encoded),
            0,
        )
        central += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                len(local),
            )
            + encoded
        )
        local += header + encoded + data
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(local), 0
    )
    return local + central + end


def docx_bomb(mib: int = 400, declared_size: int | None = None) -> bytes:
    """A 'docx' of some 400 KB whose [Content_Types].xml inflates to `mib` MiB."""
    bomb, crc, size = deflated_zeros(mib)
    document = b"<xml/>"
    return build_zip(
        [
            ("[Content_Types].xml", bomb, crc, declared_size or size, zipfile.ZIP_DEFLATED),
            (
                "word/document.xml",
                document,
                zlib.crc32(document),
                len(document),
                zipfile.ZIP_STORED,
            ),
        ]
    )


def peak_while(function) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_docx_whose_manifest_inflates_to_400_mib_is_refused_with_little_memory():
    data = docx_bomb()
    assert len(data) < 500 * 1024

    def check():
        with pytest.raises(ValidationError) as refused:
            detect_document_type(data)
        return refused.value

    refused, peak = peak_while(check)
    assert "implausible size" in " ".join(refused.messages)
    assert peak < 4 * MIB


def test_an_archive_lying_about_its_sizes_is_read_no_further_than_the_cap():
    """Declares a 1 KB manifest that really inflates to 64 MiB: only the cap is ever inflated."""
    data = docx_bomb(mib=64, declared_size=1024)
    result, peak = peak_while(lambda: detect_document_type(data))
    assert result is None  # the entry ends where it said it would, and fails its checksum
    assert peak < 4 * MIB + MAX_MARKER_BYTES


@pytest.mark.django_db
def test_uploading_the_bomb_is_refused_with_a_clear_error_and_saves_nothing(
    client, coalition, members
):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    data = docx_bomb()
    tracemalloc.start()
    try:
        response = client.post(
            reverse("meetings:document_upload", args=[coalition.slug, meeting.pk]),
            {
                "file": SimpleUploadedFile("report.docx", data),
                "title": "Report",
                "visibility": Visibility.MEMBERS,
            },
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert "unpacks to an implausible size" in response.content.decode()
    assert not Document.objects.exists()
    assert peak < 32 * MIB  # the upload itself and the page, never the 400 MiB

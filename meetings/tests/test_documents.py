"""Documents: the type is read from the content, the size is limited, downloads are checked."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalitions.models import Role, Visibility
from meetings.models import Document
from meetings.tests.factories import make_meeting
from meetings.uploads import MAX_DOCUMENT_BYTES, detect_document_type

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def ooxml(main_part: str, content_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override PartName="/{main_part}" ContentType="{content_type}"/></Types>',
        )
        archive.writestr(main_part, "<xml/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<xml/>")
    return buffer.getvalue()


DOCX = ooxml("word/document.xml", "application/vnd...wordprocessingml.document.main+xml")
XLSX = ooxml("xl/workbook.xml", "application/vnd...spreadsheetml.sheet.main+xml")


@pytest.mark.parametrize(
    "data,expected",
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (odt(), "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_types_are_recognised_by_their_bytes(data, expected):
    assert detect_document_type(data)[0] == expected


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,  # a Windows executable
        b"\x7fELF" + b"\x00" * 60,
        b"<html><script>alert(1)</script></html>",
        b"PK\x03\x04not really a zip",
    ],
)
def test_other_content_is_refused(data):
    assert detect_document_type(data) is None


def upload(client, coalition, meeting, name, data, visibility=Visibility.MEMBERS):
    return client.post(
        reverse("meetings:document_upload", args=[coalition.slug, meeting.pk]),
        {"file": SimpleUploadedFile(name, data), "title": name, "visibility": visibility},
    )


@pytest.mark.django_db
def test_a_renamed_executable_is_refused_and_nothing_is_saved(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    response = upload(client, coalition, meeting, "minutes.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    assert response.status_code == 200
    assert "not an accepted type" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(client, coalition, members):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    response = upload(client, coalition, meeting, "big.pdf", PDF + b"0" * (MAX_DOCUMENT_BYTES + 1))
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_members_download_through_the_checked_view_and_restricted_files_stay_hidden(
    client, coalition, members, outsider
):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    assert upload(client, coalition, meeting, "plan.docx", DOCX).status_code == 302
    assert (
        upload(client, coalition, meeting, "security.pdf", PDF, Visibility.RESTRICTED).status_code
        == 302
    )
    public = Document.objects.get(filename="plan.docx")
    restricted = Document.objects.get(filename="security.pdf")
    assert public.content_type.endswith("wordprocessingml.document")
    assert "plan" not in public.file.name  # stored under a random name

    def download(user, document):
        client.force_login(user)
        return client.get(
            reverse("meetings:document_download", args=[coalition.slug, meeting.pk, document.pk])
        )

    response = download(members[Role.OBSERVER], public)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DOCX
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "plan.docx" in response["Content-Disposition"]
    assert download(members[Role.OBSERVER], restricted).status_code == 404
    assert download(members[Role.CHAMPION], restricted).status_code == 200
    assert download(outsider, public).status_code == 404

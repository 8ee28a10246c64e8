"""A too-large document is refused in the reader's language, with the limit in that language."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalitions.models import Role, Visibility
from meetings.models import Document
from meetings.tests.factories import make_meeting
from meetings.uploads import MAX_DOCUMENT_BYTES

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MB = MAX_DOCUMENT_BYTES // 1024 // 1024


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "refusal", "limit"),
    [
        ("fr", "Le fichier est trop volumineux", f"PDF, DOCX, XLSX, ODT, PNG ou JPEG, jusqu'à {MB} Mo."),
        ("es", "El archivo es demasiado grande", f"PDF, DOCX, XLSX, ODT, PNG o JPEG, hasta {MB} MB."),
    ],
)  # fmt: skip
def test_a_too_large_upload_is_refused_in_the_readers_language(
    client, coalition, members, language, refusal, limit
):
    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    client.force_login(members[Role.FACILITATOR])
    response = client.post(
        reverse("meetings:document_upload", args=[coalition.slug, meeting.pk]),
        {
            "file": SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_DOCUMENT_BYTES),
            "title": "Big",
            "visibility": Visibility.MEMBERS,
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert refusal in page
    assert limit in page
    assert f"up to {MB} MB" not in page
    assert not Document.objects.exists()

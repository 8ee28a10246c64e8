"""The two copies of a summary: restricted items only in the full copy, and one layout when the
meeting has nothing restricted."""

import email
import io
from email import policy

import pytest
from pypdf import PdfReader

from coalitions.models import Role
from meetings import services
from meetings.models import AgendaItem, Summary
from meetings.summary import FULL_COPY, MEMBERS_COPY, summary_copies_render
from meetings.tests.factories import committed, held_meeting_with_record, make_meeting


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_restricted_items_are_only_in_the_full_copy(coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    copies = summary_copies_render(meeting)
    full, members_copy = (pdf_text(copies[copy][0]) for copy in (FULL_COPY, MEMBERS_COPY))
    assert "Closed security briefing" in full
    assert "Review the guarded depot plan" in full
    assert "Includes restricted items" in full
    assert "Land release figures" in members_copy
    assert "Closed security briefing" not in members_copy
    assert "Review the guarded depot plan" not in members_copy
    assert "Includes restricted items" not in members_copy


@pytest.mark.django_db
def test_without_restricted_items_both_copies_are_one_document(coalition, members):
    facilitator = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, facilitator, days=-1, title="Open coordination meeting")
    services.agenda_item_create(
        meeting=meeting,
        actor=facilitator,
        title="Land release figures",
        topic=AgendaItem.Topic.LAND_RELEASE,
        duration_minutes=30,
    )
    copies = summary_copies_render(meeting)
    assert copies[FULL_COPY][0] == copies[MEMBERS_COPY][0]
    text = pdf_text(copies[FULL_COPY][0])
    assert "Land release figures" in text
    assert "Includes restricted items" not in text


@pytest.mark.django_db
def test_a_language_copy_is_rendered_once_per_publication_and_kept_beside_the_copies(
    coalition, members, smtp_server
):
    operator = members[Role.OPERATOR]
    operator.preferred_language = "fr"
    operator.save(update_fields=["preferred_language"])
    meeting = held_meeting_with_record(coalition, members)
    with committed():
        services.summary_publish(meeting=meeting, actor=members[Role.FACILITATOR])

    summary = Summary.objects.get(meeting=meeting)
    stem = summary.pdf_full.name.removesuffix(".pdf")
    storage = summary.pdf_full.storage
    french_members = f"{stem}-fr-members.pdf"
    assert storage.exists(french_members) and storage.exists(f"{stem}-fr-full.pdf")
    with storage.open(french_members, "rb") as handle:
        kept = handle.read()
    assert "Ordre du jour" in pdf_text(kept)
    assert "Closed security briefing" not in pdf_text(kept)
    mail = email.message_from_bytes(
        next(raw for rcpt, raw in smtp_server.messages if operator.email in rcpt),
        policy=policy.default,
    )
    assert [part.get_payload(decode=True) for part in mail.iter_attachments()] == [kept]

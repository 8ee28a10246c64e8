"""The two copies of a summary: restricted items only in the full copy, and one layout when the
meeting has nothing restricted."""

import io

import pytest
from pypdf import PdfReader

from coalitions.models import Role
from meetings import services
from meetings.models import AgendaItem
from meetings.summary import FULL_COPY, MEMBERS_COPY, summary_copies_render
from meetings.tests.factories import held_meeting_with_record, make_meeting


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

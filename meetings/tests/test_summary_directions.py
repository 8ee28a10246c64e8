"""Names in the summary PDF keep their own writing direction: each is set between Unicode
directional isolates (WeasyPrint does not implement <bdi>), which change nothing a reader sees in
left-to-right text and leave no mark in the PDF's text."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from actions.tests.factories import make_action_point
from coalitions.models import Role
from meetings import summary
from meetings.models import AgendaItem
from meetings.tests.factories import held_meeting_with_record

PRESENTER = "المركز اللبناني للأعمال المتعلقة بالألغام"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_names_are_isolated_and_read_as_written(coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    owner = members[Role.OPERATOR]
    point = make_action_point(
        coalition, owner=owner, actor=members[Role.FACILITATOR], meeting=meeting
    )
    _context, html = summary.summary_copy_html(
        meeting, summary.MEMBERS_COPY, generated_on="26 November 2026"
    )
    assert "<bdi>" not in html
    assert "&#x2068;LMAC&#x2069;" in html
    participant = meeting.participants.select_related("user").first()
    assert f"&#x2068;{participant.user.name}&#x2069;" in html
    assert f"&#x2068;{point.owner_organisation}&#x2069; (&#x2068;{owner.name}&#x2069;)" in html

    text = pdf_text(summary.render_summary_pdf(meeting, summary.MEMBERS_COPY))
    assert "\u2068" not in text and "\u2069" not in text
    assert "Land release · LMAC · 30 min" in text
    assert participant.user.name in text
    assert f"{point.owner_organisation} ({owner.name})" in text


@pytest.mark.django_db
def test_a_right_to_left_name_keeps_its_letters_in_the_pdf(coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    item = meeting.agenda_items.get(topic=AgendaItem.Topic.LAND_RELEASE)
    item.presenter = PRESENTER
    item.save(update_fields=["presenter"])
    text = pdf_text(summary.render_summary_pdf(meeting, summary.MEMBERS_COPY))
    assert "\u2068" not in text and "\u2069" not in text
    for word in PRESENTER.split():
        assert word in text, word


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_summary_names_the_language_it_is_written_in(coalition, members, language):
    """The document's language (which WeasyPrint hyphenates by) is the copy's, not always English."""
    meeting = held_meeting_with_record(coalition, members)
    with translation.override(language):
        _context, html = summary.summary_copy_html(
            meeting, summary.MEMBERS_COPY, generated_on="26 November 2026"
        )
    assert f'<html lang="{language}" dir="ltr">' in html

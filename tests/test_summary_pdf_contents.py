"""The meeting summary PDF carries the meeting's action points and the obligations' forecast,
and each reader's copy leaves out what that reader may not see."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.permissions import access_for
from meetings.summary import render_summary_pdf
from meetings.tests.factories import held_meeting_with_record
from obligations.tests.factories import make_indicator, make_obligation, report


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.django_db
def test_summary_shows_action_points_and_forecast_and_hides_restricted_items(coalition, members):
    meeting = held_meeting_with_record(coalition, members)
    authority = members[Role.NATIONAL_AUTHORITY]
    make_action_point(
        coalition,
        owner=members[Role.OPERATOR],
        actor=authority,
        meeting=meeting,
        title="Survey the northern sector",
    )
    make_action_point(
        coalition,
        actor=authority,
        meeting=meeting,
        title="Brief on convoy security",
        visibility="restricted",
    )
    obligation = make_obligation(
        coalition, article=4, entry_into_force=date(2016, 1, 1), actor=authority
    )
    indicator = make_indicator(obligation, target=10_000, actor=authority)
    for year in (2024, 2025):
        for start, end in ((1, 3), (4, 6), (7, 9), (10, 12)):
            day = {3: 31, 6: 30, 9: 30, 12: 31}[end]
            report(
                indicator,
                start=date(year, start, 1),
                end=date(year, end, day),
                value=500,
                actor=authority,
            )

    full = pdf_text(render_summary_pdf(meeting, access_for(authority, coalition).perms))
    for fact in (
        "Action points",
        "Survey the northern sector",
        "Brief on convoy security",
        "Obligations: status and forecast",
        "Deadline 1 January 2026",
    ):
        assert fact in full, fact
    assert "ObligationStatus(" not in full

    observer = pdf_text(
        render_summary_pdf(meeting, access_for(members[Role.OBSERVER], coalition).perms)
    )
    assert "Survey the northern sector" in observer
    assert "Brief on convoy security" not in observer

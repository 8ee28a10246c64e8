"""What the PDFs state, read back with pdftotext: the summary's restricted-items footer appears only
when the copy holds a restricted item; the extension pack names the last period as entered."""

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from coalitions.models import Role
from coalitions.permissions import access_for
from meetings.summary import render_summary_pdf
from meetings.tests.factories import make_meeting
from obligations.pack import pack_build, render_pack_pdf
from obligations.tests.factories import make_indicator, make_obligation, report

FOOTER = "Includes restricted items"


def pdftotext(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


@pytest.mark.django_db
def test_the_full_copy_says_it_includes_restricted_items_only_when_it_does(coalition, members):
    from meetings import services

    authority = members[Role.NATIONAL_AUTHORITY]
    full_perms = access_for(authority, coalition).perms
    member_perms = access_for(members[Role.OPERATOR], coalition).perms
    meeting = make_meeting(coalition, members[Role.FACILITATOR], days=-2, title="Open meeting")
    services.agenda_item_create(
        meeting=meeting, actor=members[Role.FACILITATOR], title="Progress on survey"
    )
    without = pdftotext(render_summary_pdf(meeting, full_perms))
    assert "Progress on survey" in without
    assert FOOTER not in without

    services.agenda_item_create(
        meeting=meeting,
        actor=members[Role.FACILITATOR],
        title="Security briefing",
        visibility="restricted",
    )
    full = pdftotext(render_summary_pdf(meeting, full_perms))
    assert "Security briefing" in full and FOOTER in full
    members_copy = pdftotext(render_summary_pdf(meeting, member_perms))
    assert "Security briefing" not in members_copy and FOOTER not in members_copy


@pytest.mark.django_db
def test_the_pack_names_the_last_reported_period_as_entered_never_a_future_quarter_end(
    coalition,
):
    obligation = make_obligation(coalition, article=5, entry_into_force=date(2011, 5, 1))
    area = make_indicator(obligation, target=Decimal(1_000_000), is_headline=True)
    report(area, start=date(2026, 4, 1), end=date(2026, 6, 30), value=20_000)
    report(area, start=date(2026, 10, 1), end=date(2026, 11, 15), value=10_000)
    with translation.override("en"):
        pack = pack_build(coalition=coalition, pk=obligation.pk, today=date(2026, 11, 26))
        text = pdftotext(render_pack_pdf(pack))
    assert "1 October 2026 – 15 November 2026" in text
    assert "31 December 2026" not in text
    assert pack.indicators[0].forecast.last_reported == date(2026, 11, 15)

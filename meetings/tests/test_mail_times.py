"""Meeting mails give the time in the coalition's zone and, when their clock differs, the reader's."""

from datetime import UTC, datetime, timedelta

import pytest

from coalitions.models import Role
from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def test_invitation_shows_the_coalitions_time_and_each_readers_own_in_their_language(
    coalition, members, outbox_messages
):
    operator = members[Role.OPERATOR]
    operator.timezone = "America/New_York"
    operator.preferred_language = "fr"
    operator.save()
    donor = members[Role.DONOR]
    donor.timezone = "Asia/Tokyo"
    donor.preferred_language = "en"
    donor.save()
    same = members[Role.OBSERVER]
    same.timezone = "Asia/Beirut"
    same.save()
    starts = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # 10:00 in Beirut (winter, UTC+2)
    make_meeting(
        coalition,
        members[Role.CHAMPION],
        send_invitations=True,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    mails = {m.recipients[0]: m for m in outbox_messages}

    french = mails[operator.email]
    for body in (french.text_body(), french.html_body()):
        assert "lundi 14 décembre 2026, 10:00–12:00 EET (Asia/Beirut)" in body
        assert "03:00–05:00 EST à votre heure (America/New_York)" in body
        assert "your time" not in body

    english = mails[donor.email].text_body()
    assert "Monday 14 December 2026, 10:00–12:00 EET (Asia/Beirut)" in english
    assert "Monday 14 December 2026, 17:00–19:00 JST your time (Asia/Tokyo)" in english

    # A reader on the coalition's clock gets the one time only.
    own = mails[same.email].text_body()
    assert "10:00–12:00 EET (Asia/Beirut)" in own and "your time" not in own

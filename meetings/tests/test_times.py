"""Times typed in the coalition's zone, stored in UTC, shown with year, time and zone across DST."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from meetings import timefmt
from meetings.models import Meeting
from tests.fixtures import committed


def test_beirut_summer_and_winter_offsets_are_applied():
    # Lebanon moves to summer time on the last Sunday of March (29 March 2026).
    before = timefmt.local_to_utc(date(2026, 3, 28), time(10, 0), "Asia/Beirut")
    after = timefmt.local_to_utc(date(2026, 3, 30), time(10, 0), "Asia/Beirut")
    assert before == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert timefmt.format_moment(before, "Asia/Beirut") == "Saturday 28 March 2026, 10:00 EET"
    assert timefmt.format_moment(after, "Asia/Beirut") == "Monday 30 March 2026, 10:00 EEST"


def test_a_time_the_clocks_skip_is_refused_and_an_ambiguous_one_reads_as_the_first():
    with pytest.raises(timefmt.NonexistentLocalTime):
        timefmt.local_to_utc(date(2026, 3, 29), time(2, 30), "Europe/Podgorica")
    # 25 October 2026, 02:30 happens twice in Podgorica; the first (summer time) is meant.
    first = timefmt.local_to_utc(date(2026, 10, 25), time(2, 30), "Europe/Podgorica")
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_reader_in_another_zone_sees_both_times_only_when_clocks_differ():
    starts = datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    ends = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    # The day after Europe's change, Beirut (still on winter time since 25 Oct) and Oslo differ by 1h.
    text = timefmt.format_span_for_reader(starts, ends, "Asia/Beirut", "Europe/Oslo")
    assert text.startswith("Monday 26 October 2026, 09:00–11:00 EET (Asia/Beirut)")
    assert "08:00–10:00 CET your time (Europe/Oslo)" in text
    same = timefmt.format_span_for_reader(starts, ends, "Asia/Beirut", "Asia/Beirut")
    assert "your time (" not in same


@pytest.mark.django_db
def test_meeting_entered_across_the_dst_change_is_stored_in_utc_and_shown_in_both_zones(client):
    coalition = CoalitionFactory(timezone_name="Europe/Podgorica")
    authority = add_member(coalition, Role.NATIONAL_AUTHORITY)
    authority.timezone = "Africa/Gaborone"
    authority.save()
    client.force_login(authority)
    with committed():
        response = client.post(
            reverse("meetings:new", args=[coalition.slug]),
            {
                "kind": Meeting.Kind.COALITION,
                "title": "Spring meeting",
                "date": "2026-03-30",
                "start_time": "10:00",
                "end_time": "13:00",
                "venue": "Podgorica",
            },
        )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    page = client.get(response["Location"]).content.decode()
    assert "Monday 30 March 2026, 10:00–13:00 CEST (Europe/Podgorica)" in page
    # Gaborone is UTC+2 all year: the same as Podgorica in summer, so no second time is needed...
    assert "your time (" not in page
    meeting.starts_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    meeting.ends_at = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    meeting.save()
    page = client.get(response["Location"]).content.decode()
    # ...but in winter Podgorica is UTC+1 and the reader's own time is shown as well.
    assert "10:00–13:00 CET (Europe/Podgorica)" in page
    assert "11:00–14:00 CAT your time (Africa/Gaborone)" in page


@pytest.mark.django_db
def test_form_refuses_a_time_skipped_by_the_clock_change_and_saves_nothing(
    client, coalition, members
):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.post(
        reverse("meetings:new", args=[coalition.slug]),
        {
            "kind": Meeting.Kind.COALITION,
            "title": "Midnight meeting",
            "date": "2026-03-29",  # Beirut skips 00:00–01:00 that night
            "start_time": "00:30",
            "end_time": "02:00",
            "venue": "Beirut",
        },
    )
    assert response.status_code == 200
    assert "does not exist in Asia/Beirut" in response.content.decode()
    assert not Meeting.objects.exists()

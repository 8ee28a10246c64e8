"""Meeting times in any zone: entry round-trips, and showing a moment never fails."""

import contextlib
import zoneinfo
from datetime import UTC, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coalitions.date_range import EARLIEST, LATEST
from meetings import timefmt
from meetings.templatetags.meeting_tags import in_coalition_zone

ZONES = sorted(zoneinfo.available_timezones())
zone_names = st.sampled_from(ZONES)
# Names a stored profile could hold, however it got there.
any_zone_name = st.one_of(zone_names, st.sampled_from(["", "UTC", "Mars/Olympus", "../etc"]))
anywhere = st.datetimes(timezones=st.timezones())
in_range = st.datetimes(
    min_value=datetime.combine(EARLIEST, time()),
    max_value=datetime.combine(LATEST, time(23, 59)),
    timezones=st.timezones(),
)


@given(st.one_of(anywhere, in_range), st.timedeltas(min_value=timedelta(0)), any_zone_name)
def test_every_aware_moment_shows_in_every_zone(starts, length, reader_zone):
    try:
        ends = starts + length
    except OverflowError:
        ends = starts
    for text in (
        timefmt.format_moment(starts, reader_zone),
        timefmt.format_span(starts, ends, reader_zone),
        timefmt.format_span_for_reader(starts, ends, "Asia/Beirut", reader_zone),
        in_coalition_zone(starts, reader_zone),
    ):
        assert isinstance(text, str) and text
    shown = timefmt.in_zone(starts, reader_zone)
    # The same moment, whichever clock shows it (subtracting, as == is False across zones for a
    # time that the clocks pass twice).
    assert shown - starts == timedelta(0)
    assert isinstance(timefmt.differs(starts, "Asia/Beirut", reader_zone), bool)


@given(in_range, zone_names)
def test_inside_the_range_a_moment_shows_in_the_readers_own_zone_with_its_year(moment, name):
    shown = timefmt.in_zone(moment, name)
    assert shown.tzinfo == zoneinfo.ZoneInfo(name)
    assert str(shown.year) in timefmt.format_moment(moment, name)


@given(
    st.dates(min_value=EARLIEST, max_value=LATEST),
    st.times(),
    zone_names,
)
def test_a_wall_clock_time_in_the_range_round_trips_or_is_refused_as_skipped(day, at, name):
    at = at.replace(second=0, microsecond=0)
    try:
        utc = timefmt.local_to_utc(day, at, name)
    except timefmt.NonexistentLocalTime:
        # Skipped by a clock change: that wall-clock time is not in the zone's day.
        local = datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(name))
        assert local.astimezone(UTC).astimezone(local.tzinfo).time() != at
        return
    assert utc.tzinfo == UTC
    back = timefmt.in_zone(utc, name)
    assert (back.date(), back.time()) == (day, at)


@given(st.dates(), st.times(), zone_names)
def test_any_wall_clock_time_converts_or_is_refused_never_fails(day, at, name):
    with contextlib.suppress(timefmt.NonexistentLocalTime, timefmt.OutOfRange):
        timefmt.local_to_utc(day, at, name)

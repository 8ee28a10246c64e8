"""Meeting times are made once per moment, zone and language, and kept: a kept text is the one
that would be made again, in every language, for every moment."""

import zoneinfo
from datetime import UTC, datetime

from django.utils import dateformat, translation

from meetings import timefmt

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_a_kept_time_follows_the_language():
    moment = datetime(2026, 3, 26, 8, 0, tzinfo=UTC)
    shown = {}
    for _ in range(2):
        for language in ("en", "fr", "es"):
            with translation.override(language):
                text = timefmt.format_moment(moment, "Asia/Beirut")
                made = dateformat.format(
                    moment.astimezone(timefmt.zone("Asia/Beirut")), "l j F Y, H:i T"
                )
                assert text == made
                assert shown.setdefault(language, text) == text
    assert shown["en"] == "Thursday 26 March 2026, 10:00 EET"
    assert len(set(shown.values())) == 3


def test_the_two_passes_of_an_hour_the_clocks_go_back_over_are_two_moments():
    first = datetime(2026, 11, 1, 1, 30, tzinfo=NEW_YORK)
    second = first.replace(fold=1)
    assert first == second  # one zone's clocks compare as they read
    with translation.override("en"):
        assert timefmt.format_moment(first, "UTC") == "Sunday 1 November 2026, 05:30 UTC"
        assert timefmt.format_moment(second, "UTC") == "Sunday 1 November 2026, 06:30 UTC"
        assert (
            timefmt.format_span(first, second, "UTC") == "Sunday 1 November 2026, 05:30–06:30 UTC"
        )


def test_one_moment_on_other_clocks_shows_the_same():
    moment = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    with translation.override("fr"):
        texts = {
            timefmt.format_moment(moment.astimezone(zoneinfo.ZoneInfo(name)), "Europe/Oslo")
            for name in ("UTC", "America/New_York", "Asia/Beirut", "Pacific/Kiritimati")
        }
    assert texts == {"lundi 1 juin 2026, 14:00 CEST"}

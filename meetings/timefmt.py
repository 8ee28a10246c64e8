"""Meeting times: entered in the coalition's zone, stored in UTC, shown with year, time and zone.

The display functions answer for any aware moment and any zone name: where a moment cannot be
shown in a zone (a zone ahead of UTC on 31 December 9999), it is shown in UTC, named as such.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache, wraps

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from config.per_language import LANGUAGE_SETTINGS
from config.zones import in_zone, zone  # noqa: F401  (shown through this module too)

# The list pages show the same meetings' times at every request: each text is made once per
# moment, zones and language (the names of days and months) and kept, up to this many texts of
# each kind, the least used forgotten first.
TEXTS_KEPT = 4096
_kept: list = []


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting in LANGUAGE_SETTINGS:
        for texts in _kept:
            texts.cache_clear()


def _moment(value):
    """A moment as a key: its clock, its zone and its fold. Two clocks of one zone compare
    equal when they read the same, even an hour apart where the clocks go back (`fold` tells
    those apart); clocks of other zones give other keys."""
    if isinstance(value, datetime):
        return value, value.tzinfo, value.fold
    return value


def _kept_per_language(show: Callable[..., str]) -> Callable[..., str]:
    @lru_cache(maxsize=TEXTS_KEPT)
    def kept(language, keys, *args) -> str:
        return show(*args)

    _kept.append(kept)

    @wraps(show)
    def shown(*args) -> str:
        return kept(get_language(), tuple(_moment(arg) for arg in args), *args)

    return shown


class NonexistentLocalTime(ValueError):
    """A wall-clock time that the zone skips when the clocks go forward."""


class OutOfRange(ValueError):
    """A wall-clock time whose UTC moment falls outside the calendar (before year 1 or after 9999)."""


def local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in `zone_name`; refuses times the zone skips.

    An ambiguous time (clocks going back) is read as the first occurrence, as people expect.
    """
    tz = zone(zone_name)
    local = datetime.combine(day, at).replace(tzinfo=tz, fold=0)
    try:
        utc = local.astimezone(UTC)
        back = utc.astimezone(tz)
    except OverflowError:
        raise OutOfRange(local) from None
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(local)
    return utc


def local_day(day: date, zone_name: str) -> tuple[datetime, datetime] | None:
    """The UTC instants at which `day` begins and ends in `zone_name`: from its first moment (at
    the end of the gap where the clocks skip midnight) to the next day's, so 23 or 25 hours on
    the days the clocks change. None for a day at the calendar's edge."""
    tz = zone(zone_name)
    try:
        return tuple(  # type: ignore[return-value]
            datetime.combine(d, time.min).replace(tzinfo=tz, fold=0).astimezone(UTC)
            for d in (day, day + timedelta(days=1))
        )
    except OverflowError:
        return None


@_kept_per_language
def format_moment(value: datetime, zone_name: str) -> str:
    """'Thursday 26 March 2026, 10:00 EET'"""
    return dateformat.format(in_zone(value, zone_name), "l j F Y, H:i T")


@_kept_per_language
def format_span(starts: datetime, ends: datetime, zone_name: str) -> str:
    """'Thursday 26 March 2026, 10:00–12:30 EET' (both days named when it runs overnight)."""
    start, end = in_zone(starts, zone_name), in_zone(ends, zone_name)
    if start.date() == end.date() and start.utcoffset() == end.utcoffset():
        return "{}–{}".format(
            dateformat.format(start, "l j F Y, H:i"),
            dateformat.format(end, "H:i T"),
        )
    return "{} – {}".format(
        dateformat.format(start, "l j F Y, H:i T"),
        dateformat.format(end, "l j F Y, H:i T"),
    )


def differs(value: datetime, zone_a: str, zone_b: str) -> bool:
    if not zone_b or zone_a == zone_b:
        return False
    return in_zone(value, zone_a).utcoffset() != in_zone(value, zone_b).utcoffset()


@_kept_per_language
def format_span_for_reader(starts, ends, coalition_zone: str, reader_zone: str | None) -> str:
    """The coalition's time, and the reader's own when their clock shows something else."""
    text = f"{format_span(starts, ends, coalition_zone)} ({coalition_zone})"
    if reader_zone and differs(starts, coalition_zone, reader_zone):
        text += " · " + _("%(time)s your time (%(zone)s)") % {
            "time": format_span(starts, ends, reader_zone),
            "zone": reader_zone,
        }
    return text

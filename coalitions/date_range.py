"""The dates the product accepts: treaty dates, deadlines, figures' periods and meetings.

Both conventions entered into force after 1990 (the APMBC in 1999, the CCM in 2010), and 2100
leaves room for every deadline and extension still to come. Inside this range every date sum,
time-zone conversion and forecast stays far from the ends of the calendar (years 1 and 9999),
where they would fail.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST = date(1990, 1, 1)
LATEST = date(2100, 12, 31)

# A meeting's local day is checked in its coalition's zone; stored instants are checked without
# a zone, so they get a day either side (no zone is more than 14 hours from UTC).
EARLIEST_INSTANT = datetime.combine(EARLIEST - timedelta(days=1), time(), tzinfo=UTC)
LATEST_INSTANT = datetime.combine(LATEST + timedelta(days=2), time(), tzinfo=UTC)


def out_of_range_message() -> str:
    return _("Give a date between %(earliest)s and %(latest)s.") % {
        "earliest": date_format(EARLIEST, "j F Y"),
        "latest": date_format(LATEST, "j F Y"),
    }


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_date_in_range(value: date | None) -> None:
    """Validator for date fields (forms and models)."""
    if value is None:
        return
    if isinstance(value, datetime):
        value = value.date()
    if not in_range(value):
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


def validate_instant_in_range(value: datetime | None) -> None:
    """Validator for stored moments, such as a meeting's start: the range with a day's margin."""
    if value is None:
        return
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not EARLIEST_INSTANT <= value < LATEST_INSTANT:
        raise ValidationError(out_of_range_message(), code="date_out_of_range")

"""Time zones by name, as coalitions and people store them: an unknown or empty name is UTC, and
a moment that a zone's clock cannot show (a zone ahead of UTC on 31 December 9999) is shown in UTC."""

import zoneinfo
from datetime import UTC, datetime


def zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        return zoneinfo.ZoneInfo("UTC")


def in_zone(value: datetime, zone_name: str) -> datetime:
    """`value` in the zone, or in UTC when the zone's clock would be outside the calendar."""
    value = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    try:
        return value.astimezone(zone(zone_name))
    except OverflowError:
        return value.astimezone(UTC)

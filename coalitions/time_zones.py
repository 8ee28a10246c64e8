"""The time zones of a country, from the IANA database's own table (zone.tab), to suggest a new
coalition's zone from its State Party.

The table ships with the `tzdata` package (and with the system's zoneinfo); a country listed in
neither gets no suggestion, and the form asks for the zone.
"""

import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

SYSTEM_TABLE = Path("/usr/share/zoneinfo/zone.tab")


def _table_text() -> str:
    try:
        return resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return SYSTEM_TABLE.read_text("utf-8") if SYSTEM_TABLE.exists() else ""


@cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """ISO 3166 code -> its zones, the most populous first (the table's order), known zones only."""
    known = zoneinfo.available_timezones()
    found: dict[str, list[str]] = {}
    for line in _table_text().splitlines():
        if not line or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) >= 3 and columns[2] in known:
            found.setdefault(columns[0].upper(), []).append(columns[2])
    return {country: tuple(zones) for country, zones in found.items()}


def suggested_time_zone(country: str) -> str:
    """The country's main zone, or "UTC" when the table names none."""
    zones = zones_by_country().get(str(country).upper(), ())
    return zones[0] if zones else "UTC"

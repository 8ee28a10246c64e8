"""One rule for every CSV the app writes: a text cell that a spreadsheet would run as a formula
(it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, which
spreadsheets show as plain text. Imports take the apostrophe off again (`csv_cell_read`).

A text that itself starts with apostrophes before such a sign ('=x) gets one more, so that
reading takes exactly one off and every text comes back as it was written."""

import csv
from datetime import datetime
from typing import Any

from config.zones import in_zone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Written first in every CSV: without it Excel reads UTF-8 as the local code page ("mÂ²").
BOM = "\ufeff"


def csv_moment(value: datetime | None, zone_name: str) -> str:
    """A moment as '2026-11-26 14:05' on the coalition's clock: no seconds, no microseconds."""
    if value is None:
        return ""
    return in_zone(value, zone_name).strftime("%Y-%m-%d %H:%M")


def csv_cell(value: Any) -> Any:
    """The value as it is safe to write; numbers and dates are left as they are."""
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_cell_read(text: str) -> str:
    """The inverse of `csv_cell` for text read back from a file this app wrote."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


class SafeCsvWriter:
    """`csv.writer` whose every row goes through `csv_cell`."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)

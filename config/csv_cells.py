"""One rule for every CSV the app writes: a text cell that a spreadsheet would run as a formula
(it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, which
spreadsheets show as plain text. Imports take the apostrophe off again (`csv_cell_read`).

A text that itself starts with apostrophes before such a sign ('=x) gets one more, so that
reading takes exactly one off and every text comes back as it was written.

Each export builds its rows once, with typed values (dates, moments on the coalition's clock,
numbers), and is served both as CSV (the format imports read back) and as an Excel workbook
(`xlsx_response`): a CSV opened in a French or Spanish Excel lands in one column, as those
spreadsheets expect semicolons, and its dates and figures arrive as text. In the workbook every
text is stored as text, so nothing in it can run as a formula, and no apostrophe is needed."""

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from config.zones import in_zone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Written first in every CSV: without it Excel reads UTF-8 as the local code page ("mÂ²").
BOM = "\ufeff"


def csv_cell(value: Any) -> Any:
    """The value as it is safe to write; numbers are left as they are, dates and moments written
    as 2026-11-26 and 2026-11-26 14:05, figures without trailing zeros."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if value is None:
        return ""
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


def local_moment(value: datetime | None, zone_name: str) -> datetime | None:
    """A moment on the coalition's clock, to the minute, as a spreadsheet holds it (no zone)."""
    if value is None:
        return None
    return in_zone(value, zone_name).replace(second=0, microsecond=0, tzinfo=None)


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_FORMATS = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd"}


def xlsx_bytes(*, sheet: str, headings: list[str], rows: Iterable[list[Any]]) -> bytes:
    """A workbook of one sheet: bold headings that stay in view, then the rows, typed."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.freeze_panes = "A2"
    for letter_index, heading in enumerate(headings):
        letter = chr(ord("A") + letter_index) if letter_index < 26 else None
        if letter:
            worksheet.column_dimensions[letter].width = max(12, min(40, len(heading) + 4))
    worksheet.append([_xlsx_cell(worksheet, heading, bold=True) for heading in headings])
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(worksheet, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=None if value == "" else value)
    if isinstance(value, str):
        # Text stays text: openpyxl would otherwise take "=..." for a formula.
        cell.data_type = "s"
    for kind, number_format in XLSX_FORMATS.items():
        if isinstance(value, kind):
            cell.number_format = number_format
            break
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(*, filename: str, sheet: str, headings: list[str], rows) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(sheet=sheet, headings=headings, rows=rows), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

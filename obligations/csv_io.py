"""Progress figures as CSV, one format both ways (Python's csv module, UTF-8, comma-separated).

Columns: obligation (e.g. CCM-4), indicator, period_start and period_end (YYYY-MM-DD), value,
cancelled_m2, reduced_m2, cleared_m2 (area released only, may be empty), source. The export
writes a byte-order mark, the headings in the reader's language and the indicator's name
("Area released (m²)"); the import takes those in any of the site's languages, or the column
and indicator codes (area_released). An export can be imported again as it is.
"""

import csv
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.csv_cells import BOM, SafeCsvWriter, csv_cell_read

COLUMNS = [
    "obligation",
    "indicator",
    "period_start",
    "period_end",
    "value",
    "cancelled_m2",
    "reduced_m2",
    "cleared_m2",
    "source",
]
HEADINGS = {
    "obligation": gettext_lazy("Obligation"),
    "indicator": gettext_lazy("Indicator"),
    "period_start": gettext_lazy("Period start"),
    "period_end": gettext_lazy("Period end"),
    "value": gettext_lazy("Value"),
    "cancelled_m2": gettext_lazy("Cancelled (m²)"),
    "reduced_m2": gettext_lazy("Reduced (m²)"),
    "cleared_m2": gettext_lazy("Cleared (m²)"),
    "source": gettext_lazy("Source"),
}
MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000


class CsvImportError(Exception):
    """`errors` is a list of (line number or None for the whole file, message)."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        super().__init__("; ".join(message for _line, message in errors))
        self.errors = errors


def _in_every_language(words) -> list[list[str]]:
    """`words` (lazy texts) as written in each of the site's languages, compared casefolded."""
    found = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.append([str(word).strip().casefold() for word in words])
    return found


def _header_accepted(header: list[str]) -> bool:
    seen = [h.strip().casefold() for h in header]
    return seen == COLUMNS or seen in _in_every_language([HEADINGS[c] for c in COLUMNS])


def _indicator_codes() -> dict[str, str]:
    """Each indicator's code, by its code and by its name in every language (casefolded)."""
    from obligations.models import Indicator

    codes = {}
    for code, label in Indicator.Kind.choices:
        codes[code] = code
        for (word,) in _in_every_language([label]):
            codes[word] = code
    return codes


def progress_headings() -> list[str]:
    return [str(HEADINGS[c]) for c in COLUMNS]


def progress_rows(entries):
    """`entries` with indicator and obligation loaded (see selectors.progress_export_list), as
    typed rows in the order of COLUMNS; indicator names in the active language."""
    for entry in entries:
        yield [
            entry.indicator.obligation.code,
            entry.indicator.get_kind_display(),
            entry.period_start,
            entry.period_end,
            entry.value,
            entry.cancelled_m2,
            entry.reduced_m2,
            entry.cleared_m2,
            entry.source,
        ]


def progress_csv(entries) -> str:
    """In the active language: headings and indicator names are the reader's."""
    out = io.StringIO()
    out.write(BOM)
    writer = SafeCsvWriter(out, lineterminator="\r\n")
    writer.writerow(progress_headings())
    writer.writerows(progress_rows(entries))
    return out.getvalue()


def _parse_date(text: str) -> date:
    return date.fromisoformat(text.strip())


GROUPED = re.compile(r"\A[+-]?\d{1,3}(,\d{3})+(\.\d*)?\Z")


def _parse_decimal(text: str, *, required: bool) -> Decimal | None:
    text = text.strip() if text else ""
    if not text:
        if required:
            raise ValueError(_("a number is required"))
        return None
    if "," in text:
        # Commas group thousands (1,250.5); a decimal comma (1,5) would silently read as 15.
        if not GROUPED.match(text):
            raise ValueError(
                _("“%(text)s” is not a number: write decimals with a point, as in 1250.5")
                % {"text": text}
            )
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(text)s” is not a number") % {"text": text}) from None
    if not value.is_finite():
        raise ValueError(_("“%(text)s” is not a number") % {"text": text})
    if value < 0:
        raise ValueError(_("numbers cannot be negative"))
    return value


def parse_progress_csv(data: bytes) -> tuple[list[dict], list[tuple[int, str]]]:
    """The rows that read well and the (line, message) of those that did not.

    A file that cannot be read at all (too large, not text, wrong columns) raises CsvImportError.
    """
    if len(data) > MAX_BYTES:
        raise CsvImportError([(None, _("The file is larger than 1 MB; split it into parts."))])
    if b"\x00" in data:
        raise CsvImportError([(None, _("This is not a CSV text file."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvImportError(
            [(None, _("The file is not UTF-8 text; save it as CSV UTF-8."))]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvImportError([(None, _("The file is empty."))]) from None
    except csv.Error:
        raise CsvImportError([(None, _("This is not a CSV text file."))]) from None
    if not _header_accepted(header):
        raise CsvImportError(
            [
                (
                    1,
                    _("The columns must be exactly: %(columns)s.")
                    % {"columns": ", ".join(str(HEADINGS[c]) for c in COLUMNS)},
                )
            ]
        )
    kinds = _indicator_codes()
    rows, errors = [], []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) + len(errors) >= MAX_ROWS:
                raise CsvImportError(
                    [(None, _("The file has more than %(n)s rows.") % {"n": MAX_ROWS})]
                )
            if len(record) != len(COLUMNS):
                errors.append((line, _("Expected %(n)s columns.") % {"n": len(COLUMNS)}))
                continue
            cells = dict(zip(COLUMNS, record, strict=True))
            try:
                start = _parse_date(cells["period_start"])
                end = _parse_date(cells["period_end"])
            except ValueError:
                errors.append((line, _("Dates must be written YYYY-MM-DD.")))
                continue
            try:
                row = {
                    "line": line,
                    "obligation": cells["obligation"].strip().upper(),
                    "indicator": kinds.get(
                        cells["indicator"].strip().casefold(), cells["indicator"].strip()
                    ),
                    "period_start": start,
                    "period_end": end,
                    "value": _parse_decimal(cells["value"], required=True),
                    "cancelled_m2": _parse_decimal(cells["cancelled_m2"], required=False),
                    "reduced_m2": _parse_decimal(cells["reduced_m2"], required=False),
                    "cleared_m2": _parse_decimal(cells["cleared_m2"], required=False),
                    # Longer than the field allows is a row error from the service, not a cut.
                    "source": csv_cell_read(cells["source"].strip()),
                }
            except ValueError as exc:
                errors.append((line, str(exc)[:1].upper() + str(exc)[1:] + "."))
                continue
            rows.append(row)
    except csv.Error:
        raise CsvImportError([(None, _("This is not a well-formed CSV file."))]) from None
    if not rows and not errors:
        raise CsvImportError([(None, _("The file has no rows of figures."))])
    return rows, errors

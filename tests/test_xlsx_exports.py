"""Every CSV export has an Excel twin with the same rows: read back, the workbook holds the CSV's
headings, texts exactly as written (nothing runs as a formula), dates as dates and figures as
numbers."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from coalitions.models import Role
from config.csv_cells import XLSX_CONTENT_TYPE, csv_cell_read
from tests.test_csv_exports import CSV_URLS, formula_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def xlsx_url_names(patterns=None, namespace=""):
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += xlsx_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".xlsx"):
            found.append(namespace + pattern.name)
    return found


XLSX_URLS = xlsx_url_names()


def test_every_csv_export_has_an_excel_twin():
    assert sorted(f"{name}_xlsx" for name in CSV_URLS) == sorted(XLSX_URLS)


def _as_csv_text(cell):
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime):
        shown = "%Y-%m-%d" if cell.number_format == "yyyy-mm-dd" else "%Y-%m-%d %H:%M"
        return value.strftime(shown)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | int | Decimal) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")
    return value


@pytest.mark.parametrize("name", XLSX_URLS)
def test_the_workbook_reads_back_as_its_csv(client, coalition, members, formula_data, name):  # noqa: F811
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse(name, args=[coalition.slug])
    response = client.get(url, {"status": "any"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows()]
    csv_response = client.get(
        reverse(name.removesuffix("_xlsx"), args=[coalition.slug]),
        {"status": "any"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    expected = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(expected) > 1
    assert [cell.value for cell in rows[0]] == expected[0]
    for got, want in zip(rows[1:], expected[1:], strict=True):
        # Without lxml, XML keeps no carriage return: one may come back as a line break.
        want = [csv_cell_read(v).replace("\r", "\n") for v in want]
        got = [_as_csv_text(cell) for cell in got]
        assert [v.replace("\r", "\n") if isinstance(v, str) else v for v in got] == want
    # Texts that start like formulas are stored as text, never as formulas.
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)


def test_dates_and_figures_are_typed(client, coalition, members, formula_data):  # noqa: F811
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.get(reverse("obligations:progress_export_xlsx", args=[coalition.slug]))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    first = next(sheet.iter_rows(min_row=2, values_only=True))
    assert isinstance(first[2], datetime) and first[2].date() == date(2024, 1, 1)
    assert first[4] == 10


def test_an_outsider_gets_no_workbook(client, coalition, outsider):
    client.force_login(outsider)
    for name in XLSX_URLS:
        assert client.get(reverse(name, args=[coalition.slug])).status_code in (403, 404)

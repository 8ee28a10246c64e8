"""Progress CSV, for any file: what the importer takes exports and imports back the same, and
anything else is refused with errors by line, never with a failure."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from coalitions.date_range import EARLIEST
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from config.csv_cells import FORMULA_STARTS, csv_cell, csv_cell_read
from obligations import selectors, services
from obligations.csv_io import COLUMNS, CsvImportError, parse_progress_csv, progress_csv
from obligations.models import FIGURE_MAX, Indicator, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation

AREA, REMNANTS = Indicator.Kind.AREA_RELEASED, Indicator.Kind.REMNANTS_DESTROYED
TODAY = timezone.localdate()

figures = st.decimals(min_value=0, max_value=FIGURE_MAX, places=2)
# Free text as people type it into a spreadsheet: any character a UTF-8 text file holds.
texts = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=300)
# Sources that a spreadsheet would read as formulas, up to the longest a source may be.
formula_like = st.tuples(st.sampled_from(["=", "+", "-", "@", "'=", "''-", "'"]), texts).map(
    lambda parts: (parts[0] + parts[1])[:300]
)
sources = st.one_of(texts, formula_like)


def written(value: Decimal, style: int) -> str:
    """A figure as a spreadsheet might write it."""
    return [
        lambda v: str(v),
        lambda v: f"{v:,}",
        lambda v: f"  {v:f} ",
        lambda v: format(v.normalize(), "E") if v else "0",
    ][style](value)


@st.composite
def accepted_rows(draw):
    """Rows the importer takes: each (indicator, period) once, parts adding up to the value."""
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from([AREA, REMNANTS]),
                st.dates(min_value=EARLIEST, max_value=TODAY),
                st.dates(min_value=EARLIEST, max_value=TODAY),
            ).map(lambda k: (k[0], min(k[1], k[2]), max(k[1], k[2]))),
            min_size=1,
            max_size=8,
            unique=True,
        )
    )
    rows = []
    for kind, start, end in keys:
        parts = ["", "", ""]
        value = draw(figures)
        if kind == AREA and draw(st.booleans()):
            split = draw(st.lists(st.decimals(0, FIGURE_MAX / 3, places=2), min_size=3, max_size=3))
            value = sum(split)
            parts = [written(p, draw(st.integers(0, 3))) for p in split]
        rows.append(
            [
                draw(st.sampled_from(["CCM-4", "ccm-4", " CCM-4 "])),
                kind,
                start.isoformat(),
                end.isoformat(),
                written(value, draw(st.integers(0, 3))),
                *parts,
                draw(sources),
            ]
        )
    return rows


def as_csv(rows, header=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@given(st.one_of(texts, formula_like))
def test_the_formula_escape_is_undone_exactly_when_read_back(text):
    assert csv_cell_read(csv_cell(text)) == text
    assert not str(csv_cell(text)).startswith(FORMULA_STARTS)


@pytest.fixture
def two_coalitions(db):
    """Two coalitions with the same obligation and indicators, and a person who reports in each."""
    made = []
    for coalition in (CoalitionFactory(), CoalitionFactory()):
        obligation = make_obligation(coalition, article=4, entry_into_force=EARLIEST)
        make_indicator(obligation, kind=AREA, target=FIGURE_MAX)
        make_indicator(obligation, kind=REMNANTS, target=FIGURE_MAX)
        made.append((coalition, add_member(coalition, Role.NATIONAL_AUTHORITY)))
    return made


def import_file(coalition, person, data: bytes) -> list[ProgressEntry]:
    rows, read_errors = parse_progress_csv(data)
    return services.progress_import(
        coalition=coalition,
        rows=rows,
        read_errors=read_errors,
        organisation=coalition.national_authority,
        actor=person,
        validate=True,
    )


def export(coalition) -> bytes:
    return progress_csv(selectors.progress_export_list(coalition=coalition)).encode()


@settings(max_examples=25)
@given(rows=accepted_rows())
def test_what_the_importer_takes_exports_and_imports_back_the_same(two_coalitions, rows):
    (first, first_person), (second, second_person) = two_coalitions
    with transaction.atomic():
        try:
            import_file(first, first_person, as_csv(rows))
        except CsvImportError as refused:
            # Only a figure beyond the largest one may be refused: parts adding up past it.
            assert all("at most" in message for _line, message in refused.errors), refused.errors
            transaction.set_rollback(True)
            return
        exported = export(first)
        import_file(second, second_person, exported)
        assert export(second) == exported
        stored = ProgressEntry.objects.filter(indicator__obligation__coalition=first)
        assert stored.count() == len(rows)
        transaction.set_rollback(True)


@settings(max_examples=25)
@given(figures_entered=st.lists(st.tuples(figures, sources.map(str.strip)), min_size=1, max_size=5))
def test_figures_entered_in_the_form_export_and_import_back_the_same(
    two_coalitions, figures_entered
):
    """The form keeps any source up to 300 characters; the CSV carries each one back whole."""
    (first, first_person), (second, second_person) = two_coalitions
    area = Indicator.objects.get(obligation__coalition=first, kind=AREA)
    with transaction.atomic():
        for year, (value, source) in enumerate(figures_entered, start=2000):
            services.progress_report(
                indicator=area,
                period_start=date(year, 1, 1),
                period_end=date(year, 12, 31),
                value=value,
                source=source,
                organisation=first.national_authority,
                actor=first_person,
                validate=True,
            )
        exported = export(first)
        import_file(second, second_person, exported)
        assert export(second) == exported
        again = ProgressEntry.objects.filter(indicator__obligation__coalition=second)
        assert [(e.value, e.source) for e in again.order_by("period_start")] == figures_entered
        transaction.set_rollback(True)


def assert_refused_by_line(refused: CsvImportError) -> None:
    assert refused.errors
    for line, message in refused.errors:
        assert line is None or (isinstance(line, int) and line >= 1)
        assert isinstance(message, str) and message.strip()


cells = st.one_of(
    texts,
    st.sampled_from(["CCM-4", "area_released", "2024-01-01", "2024-02-30", "1e999999", "NaN"]),
    st.sampled_from(["-1", "1,5", "0.001", "99999999999999.99", "9999-12-31", "0001-01-01"]),
)


@settings(max_examples=40)
@given(
    data=st.one_of(
        st.binary(max_size=2000),
        st.lists(st.lists(cells, max_size=11), max_size=6).map(as_csv),
        st.lists(st.lists(cells, min_size=9, max_size=9), min_size=1, max_size=6).map(as_csv),
    )
)
def test_any_file_imports_or_is_refused_with_errors_by_line(two_coalitions, data):
    (coalition, person), _second = two_coalitions
    with transaction.atomic():
        try:
            import_file(coalition, person, data)
        except CsvImportError as refused:
            assert_refused_by_line(refused)
            if data.startswith(",".join(COLUMNS).encode()):
                # With the right header, every problem names its line.
                assert all(line is not None and line >= 2 for line, _m in refused.errors) or any(
                    line is None for line, _m in refused.errors
                )
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_a_decimal_comma_is_refused_not_read_as_a_larger_number(two_coalitions):
    (coalition, person), _second = two_coalitions
    data = as_csv([["CCM-4", AREA, "2024-01-01", "2024-03-31", "1,5", "", "", "", ""]])
    with pytest.raises(CsvImportError) as refused:
        import_file(coalition, person, data)
    assert refused.value.errors[0][0] == 2
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_a_long_source_escaped_for_spreadsheets_imports_back_whole(two_coalitions):
    (first, first_person), (second, second_person) = two_coalitions
    source = "=" + "x" * 299
    import_file(
        first,
        first_person,
        as_csv([["CCM-4", AREA, "2024-01-01", "2024-03-31", "1", "", "", "", source]]),
    )
    exported = export(first)
    import_file(second, second_person, exported)
    assert ProgressEntry.objects.get(indicator__obligation__coalition=second).source == source


@pytest.mark.django_db
def test_a_source_longer_than_the_field_is_a_row_error_not_a_cut(two_coalitions):
    (coalition, person), _second = two_coalitions
    data = as_csv([["CCM-4", AREA, "2024-01-01", "2024-03-31", "1", "", "", "", "x" * 301]])
    with pytest.raises(CsvImportError) as refused:
        import_file(coalition, person, data)
    [(line, message)] = refused.value.errors
    assert line == 2 and "300" in message
    assert not ProgressEntry.objects.exists()

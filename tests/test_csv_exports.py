"""Every CSV the app serves goes through one escaping rule: no cell opens as a formula."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from actions.tests.factories import make_action_point, make_meeting
from coalitions.models import Role
from coalitions.tests.factories import OrganisationFactory, UserFactory, add_member
from config.csv_cells import FORMULA_STARTS, csv_cell, csv_cell_read
from obligations.tests.factories import make_indicator, make_obligation, report

pytestmark = pytest.mark.django_db


def csv_url_names(patterns=None, namespace=""):
    """The names of every URL pattern whose route ends in .csv, read from the resolver."""
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += csv_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".csv"):
            found.append(namespace + pattern.name)
    return found


CSV_URLS = csv_url_names()


def formula(start: str, n: int) -> str:
    return f"{start}cmd|' /C calc'!A{n}"


@pytest.fixture
def formula_data(coalition, members):
    """Every text that an export writes, starting with each character a spreadsheet would run."""
    starts = iter(FORMULA_STARTS * 3)
    organisation = OrganisationFactory(name=formula(next(starts), 1))
    owner = add_member(
        coalition,
        Role.OPERATOR,
        user=UserFactory(name=formula(next(starts), 2)),
        organisation=organisation,
    )
    recorder = add_member(coalition, Role.FACILITATOR, user=UserFactory(name=formula("@", 3)))
    meeting = make_meeting(coalition, starts_at=timezone.now(), title=formula("-", 4))
    for n, start in enumerate(FORMULA_STARTS):
        make_action_point(
            coalition, owner=owner, actor=recorder, meeting=meeting, title=formula(start, 10 + n)
        )
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    area = make_indicator(obligation, target=Decimal(100000))
    for n, start in enumerate(FORMULA_STARTS):
        report(
            area,
            start=date(2024, n + 1, 1),
            end=date(2024, n + 1, 28),
            value=10,
            source=formula(start, 20 + n),
        )


def test_the_resolver_finds_the_exports():
    assert {"actions:export", "obligations:progress_export"} <= set(CSV_URLS)


@pytest.mark.parametrize("name", CSV_URLS)
def test_no_exported_cell_starts_like_a_formula(client, coalition, members, formula_data, name):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = client.get(reverse(name, args=[coalition.slug]), {"status": "any"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert sum(cell.startswith("'") for cell in cells) >= len(FORMULA_STARTS)
    assert [cell for cell in cells if cell.startswith(FORMULA_STARTS)] == []


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_escaping_reads_back_to_the_same_text(start):
    text = formula(start, 1)
    assert csv_cell(text) == "'" + text
    assert csv_cell_read(csv_cell(text)) == text
    assert csv_cell("'quoted") == "'quoted" and csv_cell_read("'quoted") == "'quoted"
    assert csv_cell(-5) == -5

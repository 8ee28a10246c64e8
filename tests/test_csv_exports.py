"""Every CSV the app serves goes through one escaping rule: no cell opens as a formula."""

import codecs
import csv
import io
import re
import zoneinfo
from datetime import date
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

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


# Readable in a spreadsheet, in the reader's language ---------------------------------------------

MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+|T\d{2}:\d{2}")
SNAKE_CODE = re.compile(r"\A[a-z0-9]+(_[a-z0-9]+)+\Z")


def raw_codes() -> set[str]:
    from actions.models import ActionPoint
    from coalitions.models import Visibility
    from obligations.models import Indicator

    return {
        *ActionPoint.Status.values,
        *ActionPoint.Priority.values,
        *Visibility.values,
        *Indicator.Kind.values,
    }


def download(client, person, name, coalition, language):
    person.preferred_language = language
    person.save()
    client.force_login(person)
    with translation.override("en"):  # the request switches language; the test's comes back
        response = client.get(
            reverse(name, args=[coalition.slug]),
            {"status": "any"},
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 200
    return response.content


@pytest.fixture
def readable_data(coalition, members):
    owner = add_member(
        coalition, Role.OPERATOR, user=UserFactory(name="Ivana Vuković", timezone="Asia/Tokyo")
    )
    meeting = make_meeting(coalition, starts_at=timezone.now(), title="Réunion de printemps")
    point = make_action_point(coalition, owner=owner, meeting=meeting, title="Survey the north")
    from actions.services import action_update_post

    action_update_post(action_point=point, actor=owner, text="Started", new_status="in_progress")
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    area = make_indicator(obligation, target=Decimal(100000))
    report(area, start=date(2024, 1, 1), end=date(2024, 3, 31), value=10, cleared_m2=Decimal(10))


@pytest.mark.parametrize("name", CSV_URLS)
def test_every_export_opens_in_a_spreadsheet_in_the_readers_language(
    client, coalition, members, readable_data, name
):
    reader = members[Role.NATIONAL_AUTHORITY]
    english = download(client, reader, name, coalition, "en")
    french = download(client, reader, name, coalition, "fr")
    for data in (english, french):
        assert data.startswith(codecs.BOM_UTF8)  # so Excel reads "m²" and "Vuković"
    text = french.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, cells = rows[0], [cell for row in rows[1:] for cell in row]
    assert len(rows) >= 2
    # Headings are words in French, not column codes, and not the English ones.
    english_header = next(csv.reader(io.StringIO(english.decode("utf-8-sig"), newline="")))
    assert header != english_header
    assert not [h for h in header if SNAKE_CODE.match(h)]
    # Labels, not codes; moments without seconds' fractions or ISO "T".
    assert not [cell for cell in cells if cell in raw_codes()]
    assert not MICROSECONDS.search(text)


def test_action_point_export_says_status_and_moments_on_the_coalitions_clock(
    client, coalition, members, readable_data
):
    from actions.models import ActionUpdate

    data = download(client, members[Role.NATIONAL_AUTHORITY], "actions:export", coalition, "fr")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header[:3] == ["N°", "Titre", translation_of("Status", "fr")]
    assert header[-1] == f"Dernière mise à jour ({coalition.timezone})"
    row = next(r for r in rows if r[1] == "Survey the north")
    assert row[2] == translation_of("In progress", "fr") and "Vuković" in row[5]
    update = ActionUpdate.objects.get(action_point__title="Survey the north")
    local = timezone.localtime(update.created_at, zoneinfo.ZoneInfo(coalition.timezone))
    assert row[-1] == local.strftime("%Y-%m-%d %H:%M")


def translation_of(text: str, language: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def test_a_french_progress_export_imports_back_as_it_was(client, coalition, members):
    from obligations.csv_io import parse_progress_csv
    from obligations.models import ProgressEntry

    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    area = make_indicator(obligation, target=Decimal(100000))
    report(
        area,
        start=date(2024, 1, 1),
        end=date(2024, 3, 31),
        value=Decimal("12.5"),
        cleared_m2=Decimal("12.5"),
        source="Rapport Vuković",
    )
    data = download(
        client, members[Role.NATIONAL_AUTHORITY], "obligations:progress_export", coalition, "fr"
    )
    text = data.decode("utf-8-sig")
    assert "Superficie" in text or translation_of("Area released (m²)", "fr") in text
    assert "area_released" not in text
    rows, errors = parse_progress_csv(data)  # BOM, French headings and names as written
    assert errors == []
    [row] = rows
    entry = ProgressEntry.objects.get()
    assert (row["obligation"], row["indicator"]) == (obligation.code, "area_released")
    assert (row["period_start"], row["period_end"]) == (entry.period_start, entry.period_end)
    assert (row["value"], row["cleared_m2"]) == (entry.value, entry.cleared_m2)
    assert row["source"] == "Rapport Vuković"

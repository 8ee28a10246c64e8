"""Progress CSV: the export imports back as it is; a bad file imports nothing and says why."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations.csv_io import COLUMNS, HEADINGS, MAX_BYTES
from obligations.models import Indicator, ProgressEntry
from obligations.tests.factories import make_indicator, make_obligation, report

HEADER = ",".join(COLUMNS)


def setup_obligation(coalition):
    obligation = make_obligation(coalition, article=4, entry_into_force=date(2020, 1, 1))
    area = make_indicator(obligation, target=Decimal(100000))
    remnants = make_indicator(
        obligation, kind=Indicator.Kind.REMNANTS_DESTROYED, target=Decimal(900)
    )
    return obligation, area, remnants


def upload(client, coalition, content: bytes, name="progress.csv"):
    return client.post(
        reverse("obligations:progress_import", args=[coalition.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


@pytest.mark.django_db
def test_export_imports_back_into_another_coalition_unchanged(client, coalition, members):
    _obligation, area, remnants = setup_obligation(coalition)
    report(
        area, start=date(2024, 1, 1), end=date(2024, 3, 31), value="1500.5",
        cancelled_m2=Decimal("500.5"), reduced_m2=Decimal(0), cleared_m2=Decimal(1000),
        source="NPA, return 12",
    )  # fmt: skip
    report(area, start=date(2024, 4, 1), end=date(2024, 6, 30), value=2000, source='Quote "x", y')
    report(remnants, start=date(2024, 1, 1), end=date(2024, 6, 30), value=37, source="=HYPERLINK()")
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    exported = client.get(reverse("obligations:progress_export", args=[coalition.slug]))
    assert exported["Content-Type"].startswith("text/csv")
    body = exported.content
    # A byte-order mark for spreadsheets, then the headings in the reader's language (English here).
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").splitlines()[0] == ",".join(str(HEADINGS[c]) for c in COLUMNS)
    assert "'=HYPERLINK()" in body.decode()

    other = CoalitionFactory()
    setup_obligation(other)
    person = add_member(other, Role.NATIONAL_AUTHORITY)
    client.force_login(person)
    assert upload(client, other, body).status_code == 302
    again = client.get(reverse("obligations:progress_export", args=[other.slug])).content
    assert again == body
    imported = ProgressEntry.objects.filter(indicator__obligation__coalition=other)
    assert imported.count() == 3
    assert {e.source for e in imported} >= {"=HYPERLINK()"}
    assert all(e.is_validated and e.reported_by == person for e in imported)


@pytest.mark.django_db
def test_operator_import_is_unvalidated_and_shows_the_operator(client, coalition, members):
    setup_obligation(coalition)
    client.force_login(members[Role.OPERATOR])
    content = f"{HEADER}\nCCM-4,area_released,2024-01-01,2024-03-31,100,,,,Return\n".encode()
    assert upload(client, coalition, content).status_code == 302
    entry = ProgressEntry.objects.get()
    assert not entry.is_validated
    assert entry.reporting_organisation == members[Role.OPERATOR].memberships.get().organisation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"indicator,value\nx,1\n", "The columns must be exactly"),
        (f"{HEADER}\nCCM-4,area_released,2024-13-01,2024-03-31,100,,,,\n".encode(), "Line 2: Dates must be written YYYY-MM-DD"),
        (f"{HEADER}\nCCM-4,area_released,31/01/2024,2024-03-31,100,,,,\n".encode(), "Dates must be written"),
        (f"{HEADER}\nCCM-4,mines_found,2024-01-01,2024-03-31,100,,,,\n".encode(), "Unknown obligation or indicator"),
        (f"{HEADER}\nCCM-3,area_released,2024-01-01,2024-03-31,100,,,,\n".encode(), "Unknown obligation or indicator"),
        (f"{HEADER}\nCCM-4,area_released,2024-01-01,2024-03-31,-5,,,,\n".encode(), "cannot be negative"),
        (f"{HEADER}\nCCM-4,area_released,2024-01-01,2024-03-31,many,,,,\n".encode(), "is not a number"),
        (f"{HEADER}\nCCM-4,area_released,2010-01-01,2010-03-31,5,,,,\n".encode(), "before the obligation entered into force"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a CSV text file"),
        (b"\xff\xfe\xfa not utf-8", "not UTF-8"),
        (b"", "file is empty"),
        (b"a" * (MAX_BYTES + 1), "larger than 1 MB"),
    ],
)  # fmt: skip
def test_bad_file_imports_nothing_and_says_why(client, coalition, members, content, message):
    setup_obligation(coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = upload(client, coalition, content)
    assert response.status_code == 200
    page = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert message in page
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_one_bad_row_among_good_ones_imports_nothing(client, coalition, members):
    setup_obligation(coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    content = (
        f"{HEADER}\n"
        "CCM-4,area_released,2024-01-01,2024-03-31,100,,,,\n"
        "CCM-4,area_released,2024-04-01,2024-06-30,100,,,,\n"
        "CCM-4,area_released,2024-07-01,2024-09-30,oops,,,,\n"
    ).encode()
    response = upload(client, coalition, content)
    assert "Line 4" in response.content.decode()
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_a_non_csv_file_name_is_refused(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    response = upload(client, coalition, f"{HEADER}\n".encode(), name="progress.xlsx")
    assert "ending in .csv" in response.content.decode()


@pytest.mark.django_db
def test_export_holds_only_this_coalitions_figures(client, coalition, members):
    _o, area, _r = setup_obligation(coalition)
    report(area, start=date(2024, 1, 1), end=date(2024, 3, 31), value=1, source="mine")
    other = CoalitionFactory()
    _o2, other_area, _r2 = setup_obligation(other)
    report(other_area, start=date(2024, 1, 1), end=date(2024, 3, 31), value=2, source="theirs")
    client.force_login(members[Role.OBSERVER])
    body = client.get(
        reverse("obligations:progress_export", args=[coalition.slug])
    ).content.decode()
    assert "mine" in body and "theirs" not in body


@pytest.mark.django_db
def test_importing_the_same_file_twice_imports_nothing_the_second_time(client, coalition, members):
    setup_obligation(coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    content = f"{HEADER}\nCCM-4,area_released,2024-01-01,2024-03-31,100,,,,\n".encode()
    assert upload(client, coalition, content).status_code == 302
    response = upload(client, coalition, content)
    assert response.status_code == 200
    assert "already reported" in response.content.decode()
    assert ProgressEntry.objects.count() == 1


@pytest.mark.django_db
def test_every_bad_row_is_listed_in_one_upload(client, coalition, members):
    setup_obligation(coalition)
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    content = (
        f"{HEADER}\n"
        "CCM-4,area_released,2024-13-01,2024-03-31,100,,,,\n"
        "CCM-9,area_released,2024-01-01,2024-03-31,100,,,,\n"
        "CCM-4,area_released,2024-04-01,2024-06-30,100,,,,\n"
        "CCM-4,remnants_destroyed,2024-04-01,2024-06-30,5,1,1,3,\n"
    ).encode()
    page = upload(client, coalition, content).content.decode()
    assert "Line 2: Dates must be written" in page
    assert "Line 3: Unknown obligation or indicator" in page
    assert "Line 5: Only area released is broken down" in page
    assert "Line 4" not in page
    assert not ProgressEntry.objects.exists()

"""The obligations' statuses and charts are cached per version of the coalition's figures: a change
shows at once, nothing crosses from one coalition, reader or language to another, and pages still
answer when the cache does not."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from coalitions.models import Role
from coalitions.services import membership_create
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations import services
from obligations.models import FiguresVersion, Indicator, ProgressEntry
from obligations.status_cache import figures_version, obligation_statuses
from obligations.tests.factories import make_indicator, make_obligation, report


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def dashboard(client, coalition) -> str:
    response = client.get(reverse("obligations:dashboard", args=[coalition.slug]))
    assert response.status_code == 200
    return response.content.decode()


def home(client, coalition) -> str:
    response = client.get(reverse("coalitions:detail", args=[coalition.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def coalition_with_figures(db):
    coalition = CoalitionFactory()
    obligation = make_obligation(coalition, entry_into_force=date(2016, 1, 1))
    indicator = make_indicator(obligation, target=Decimal(1_000_000))
    report(indicator, start=date(2024, 1, 1), end=date(2024, 3, 31), value=123_456)
    reader = add_member(coalition, Role.NATIONAL_AUTHORITY)
    return coalition, obligation, indicator, reader


def test_a_validated_figure_shows_at_once_on_the_dashboard_and_home(client, coalition_with_figures):
    coalition, _obligation, indicator, reader = coalition_with_figures
    client.force_login(reader)
    assert "123,456" in dashboard(client, coalition)
    home(client, coalition)
    report(indicator, start=date(2024, 4, 1), end=date(2024, 6, 30), value=500_000)
    assert "623,456" in dashboard(client, coalition)


def test_every_kind_of_write_gives_a_new_version(coalition_with_figures):
    coalition, obligation, indicator, _reader = coalition_with_figures
    seen = {figures_version(coalition=coalition)}

    def changed() -> bool:
        version = figures_version(coalition=coalition)
        new = version not in seen
        seen.add(version)
        return new

    obligation.save()
    assert changed()
    indicator.target = Decimal(2_000_000)
    indicator.save()
    assert changed()
    entry = report(
        indicator, start=date(2024, 4, 1), end=date(2024, 6, 30), value=1, validate=False
    )
    assert changed()
    services.progress_validate(entry=entry, actor=None)
    assert changed()
    services.progress_delete(entry=entry, actor=None)
    assert changed()
    ProgressEntry.objects.filter(indicator=indicator).delete()
    assert changed()
    Indicator.objects.get(pk=indicator.pk).delete()
    assert changed()
    obligation.delete()
    assert changed()


def test_a_figures_import_gives_a_new_version(coalition_with_figures):
    coalition, obligation, indicator, _reader = coalition_with_figures
    before = figures_version(coalition=coalition)
    services.progress_import(
        coalition=coalition,
        rows=[
            {
                "line": 2,
                "obligation": obligation.code,
                "indicator": indicator.kind,
                "period_start": date(2024, 4, 1),
                "period_end": date(2024, 6, 30),
                "value": Decimal(7),
                "cancelled_m2": None,
                "reduced_m2": None,
                "cleared_m2": None,
                "source": "import",
            }
        ],  # fmt: skip
        organisation=coalition.national_authority,
        actor=None,
        validate=True,
    )
    assert figures_version(coalition=coalition) != before


def test_deleting_a_coalition_takes_its_version_with_it(coalition_with_figures):
    coalition, *_rest = coalition_with_figures
    figures_version(coalition=coalition)
    coalition.delete()
    assert not FiguresVersion.objects.exists()


def test_one_coalitions_figures_never_show_in_another(client, db):
    first, second = CoalitionFactory(), CoalitionFactory()
    for coalition, value in ((first, 111_111), (second, 222_222)):
        indicator = make_indicator(make_obligation(coalition), target=Decimal(1_000_000))
        report(indicator, start=date(2024, 1, 1), end=date(2024, 3, 31), value=value)
    # The same version in both (as rows copied from one database to another could have).
    FiguresVersion.objects.update(version=FiguresVersion.objects.first().version)
    reader = add_member(first, Role.NATIONAL_AUTHORITY)
    membership_create(
        coalition=second,
        user=reader,
        organisation=second.national_authority,
        role=Role.NATIONAL_AUTHORITY,
        actor=None,
    )
    client.force_login(reader)
    assert "111,111" in dashboard(client, first)
    page = dashboard(client, second)
    assert "222,222" in page and "111,111" not in page


def test_what_a_role_may_do_is_never_taken_from_the_cache(client, coalition_with_figures):
    coalition, _obligation, _indicator, authority = coalition_with_figures
    observer = add_member(coalition, Role.OBSERVER)
    client.force_login(authority)
    assert reverse("obligations:new", args=[coalition.slug]) in dashboard(client, coalition)
    client.force_login(observer)
    page = dashboard(client, coalition)
    assert "123,456" in page
    assert reverse("obligations:new", args=[coalition.slug]) not in page
    assert reverse("obligations:progress_import", args=[coalition.slug]) not in page


def test_each_language_has_its_own_charts(client, coalition_with_figures):
    coalition, _obligation, _indicator, reader = coalition_with_figures
    client.force_login(reader)
    english = dashboard(client, coalition)
    client.cookies["django_language"] = "fr"
    french = dashboard(client, coalition)
    assert "Target" in english and "Target" not in french


def test_pages_answer_when_the_cache_does_not(client, coalition_with_figures):
    coalition, _obligation, _indicator, reader = coalition_with_figures
    client.force_login(reader)
    with (
        mock.patch.object(cache, "get", side_effect=ConnectionError("cache down")),
        mock.patch.object(cache, "set", side_effect=ConnectionError("cache down")),
    ):
        assert "123,456" in dashboard(client, coalition)
        home(client, coalition)


def test_a_second_reading_comes_from_the_cache(coalition_with_figures, django_assert_num_queries):
    coalition, *_rest = coalition_with_figures
    first = obligation_statuses(coalition=coalition)
    with django_assert_num_queries(1):  # the version
        again = obligation_statuses(coalition=coalition)
    assert [s.forecast.achieved for s in again] == [s.forecast.achieved for s in first]


def test_the_summary_pdf_reads_the_statuses_from_the_cache_and_a_new_figure_at_once(
    coalition_with_figures, django_assert_num_queries
):
    from meetings.tests.factories import make_meeting
    from obligations.panels import meeting_summary_part

    coalition, _obligation, indicator, reader = coalition_with_figures
    meeting = make_meeting(coalition, reader)
    obligation_statuses(coalition=coalition)
    with django_assert_num_queries(1):  # the version
        part = meeting_summary_part(meeting=meeting, reader_perms=frozenset())
    assert part["statuses"][0].forecast.achieved == 123_456
    report(indicator, start=date(2024, 4, 1), end=date(2024, 6, 30), value=500_000)
    part = meeting_summary_part(meeting=meeting, reader_perms=frozenset())
    assert part["statuses"][0].forecast.achieved == 623_456

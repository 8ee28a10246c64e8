"""The coalition home's obligations panel is kept rendered per version of the figures, day,
language and address: every reader gets what the panel's template gives them afresh, and a
change to the figures or the coalition's address shows at once."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations import panels
from obligations.status_cache import obligation_statuses
from obligations.tests.factories import make_indicator, make_obligation, report


@pytest.fixture(autouse=True)
def nothing_kept():
    cache.clear()
    panels._panels.clear()
    yield
    cache.clear()
    panels._panels.clear()


def afresh(coalition, language: str) -> str:
    """The panel as its template renders it from the statuses."""
    with translation.override(language):
        today = timezone.localdate()
        return render_to_string(
            "obligations/_home_panel.html",
            {
                "panel": {
                    "coalition": coalition,
                    "statuses": obligation_statuses(coalition=coalition, today=today),
                    "today": today,
                }
            },
        )


def home(coalition, user, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("coalitions:detail", args=[coalition.slug]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_every_reader_gets_the_panel_its_template_gives(client):
    coalition = CoalitionFactory()
    obligation = make_obligation(coalition, entry_into_force=date(2016, 1, 1))
    indicator = make_indicator(obligation, target=Decimal(1_000_000))
    report(indicator, start=date(2024, 1, 1), end=date(2024, 3, 31), value=123_456)
    make_obligation(coalition, entry_into_force=date(2019, 1, 1), article=5)
    other = CoalitionFactory()
    readers = {
        role: add_member(coalition, role) for role in (Role.NATIONAL_AUTHORITY, Role.OBSERVER)
    }
    add_member(other, Role.OBSERVER)
    for _round in range(2):
        for role, language in [
            (Role.NATIONAL_AUTHORITY, "en"),
            (Role.OBSERVER, "fr"),
            (Role.NATIONAL_AUTHORITY, "es"),
            (Role.OBSERVER, "en"),
        ]:
            page = home(coalition, readers[role], language)
            expected = afresh(coalition, language)
            assert 'id="obligations-h"' in expected
            assert expected in page
            assert reverse("obligations:dashboard", args=[other.slug]) not in page
    # A new figure: a new version of the panel, at once.
    kept = afresh(coalition, "en")
    report(indicator, start=date(2024, 4, 1), end=date(2024, 6, 30), value=500_000)
    obligation.article = 9
    obligation.save()
    page = home(coalition, readers[Role.OBSERVER], "en")
    assert afresh(coalition, "en") in page
    assert "article 9" in page
    assert kept not in page


@pytest.mark.django_db
def test_a_new_address_shows_at_once():
    coalition = CoalitionFactory()
    make_obligation(coalition, entry_into_force=date(2016, 1, 1))
    reader = add_member(coalition, Role.OBSERVER)
    home(coalition, reader, "en")
    coalition.slug = coalition.slug + "-renamed"
    coalition.save(update_fields=["slug"])
    page = home(coalition, reader, "en")
    assert reverse("obligations:dashboard", args=[coalition.slug]) in page
    assert afresh(coalition, "en") in page


@pytest.mark.django_db
def test_the_panel_is_read_from_memory_with_one_query(django_assert_num_queries):
    coalition = CoalitionFactory()
    make_obligation(coalition, entry_into_force=date(2016, 1, 1))
    first = panels.home_panel_html(coalition=coalition)
    with django_assert_num_queries(1):  # the figures' version
        assert panels.home_panel_html(coalition=coalition) == first
    panels._panels.clear()
    with django_assert_num_queries(1):  # from the shared cache
        assert panels.home_panel_html(coalition=coalition) == first

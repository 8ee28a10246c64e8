"""The dashboard, an obligation's page, the needs board and the home panel cost a fixed number of
queries whatever the data size.

A coalition holds at most one obligation per convention and article (five in all, for a State
under both conventions), so "many" here is every obligation a State can have, each with every
indicator and 30 progress figures, against a small case of 3 obligations with one indicator each.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations import services
from obligations.assistance import services as assistance
from obligations.models import Indicator
from obligations.tests.factories import make_indicator, make_obligation
from tests.fixtures import count_queries

DASHBOARD_QUERIES = 8  # the statuses come from the cache after the first reading (status_cache.py)
NEEDS_QUERIES = 13  # with one count per paginated list (needs, freestanding offers)

ARTICLES = [("ccm", 3), ("ccm", 4), ("ccm", 5), ("apmbc", 4), ("apmbc", 5)]


def fill(coalition, *, obligations: int, indicators: int, entries: int) -> int:
    made = 0
    for convention, article in ARTICLES[:obligations]:
        obligation = make_obligation(
            coalition, convention=convention, article=article, entry_into_force=date(2016, 1, 1)
        )
        rows = []
        for kind in list(Indicator.Kind.values)[:indicators]:
            make_indicator(obligation, kind=kind, target=Decimal(10**6))
            for n in range(entries):
                end = date(2024, 1, 1) + timedelta(days=20 * n + 10)
                rows.append(
                    {"line": n, "obligation": obligation.code, "indicator": kind,
                     "period_start": end - timedelta(days=9), "period_end": end,
                     "value": Decimal(100 + n), "cancelled_m2": None, "reduced_m2": None,
                     "cleared_m2": None, "source": "test"}
                )  # fmt: skip
        # The import service writes many figures in one go (the same checks as one by one).
        made += len(
            services.progress_import(
                coalition=coalition, rows=rows, organisation=coalition.national_authority,
                actor=None, validate=True,
            )
        )  # fmt: skip
        services.extension_request_create(
            obligation=obligation,
            requested_deadline=obligation.current_deadline + timedelta(days=300),
            submitted_on=date(2023, 1, 1),
            actor=None,
        ) if obligation.extension_max_years else None
    return made


@pytest.fixture
def small_and_large(db):
    small = CoalitionFactory(under_apmbc=True)
    large = CoalitionFactory(under_apmbc=True)
    fill(small, obligations=3, indicators=1, entries=1)
    assert fill(large, obligations=5, indicators=6, entries=30) == 900
    people = {c.slug: add_member(c, Role.OPERATOR) for c in (small, large)}
    return small, large, people


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["obligations:dashboard", "coalitions:detail"])
def test_dashboard_and_home_panel_do_not_grow_with_obligations(client, small_and_large, url_name):
    small, large, people = small_and_large
    client.force_login(people[small.slug])
    few = count_queries(client, reverse(url_name, args=[small.slug]))
    client.force_login(people[large.slug])
    many = count_queries(client, reverse(url_name, args=[large.slug]))
    assert few == many
    assert many <= DASHBOARD_QUERIES + 4


@pytest.mark.django_db
def test_dashboard_query_budget(client, small_and_large):
    _small, large, people = small_and_large
    client.force_login(people[large.slug])
    assert (
        count_queries(client, reverse("obligations:dashboard", args=[large.slug]))
        <= DASHBOARD_QUERIES
    )


@pytest.mark.django_db
def test_obligation_page_does_not_grow_with_figures(client, small_and_large):
    small, large, people = small_and_large
    counts = []
    for coalition in (small, large):
        client.force_login(people[coalition.slug])
        obligation = coalition.obligations.order_by("pk").first()
        counts.append(
            count_queries(
                client, reverse("obligations:detail", args=[coalition.slug, obligation.pk])
            )
        )
    assert counts[0] == counts[1]


def post_needs(coalition, n):
    donor = add_member(coalition, Role.DONOR)
    organisation = donor.memberships.get().organisation
    for i in range(n):
        need = assistance.need_create(
            coalition=coalition, activity=f"Need {i}", amount=Decimal(1000 + i),
            currency=["USD", "EUR", "NOK"][i % 3], period_start=date(2027, 1, 1),
            period_end=date(2027, 12, 31),
            actor=None,
        )  # fmt: skip
        for _ in range(2):
            assistance.offer_create(
                coalition=coalition, need=need, donor=organisation, activity="Support",
                amount=Decimal(300), currency=need.currency, period_start=date(2027, 1, 1),
                period_end=date(2027, 6, 30),
                actor=None,
            )  # fmt: skip
        assistance.offer_create(
            coalition=coalition, donor=organisation, activity="Freestanding", amount=Decimal(50),
            currency="CHF", period_start=date(2027, 1, 1), period_end=date(2027, 6, 30),
            actor=None,
        )  # fmt: skip
    return donor


@pytest.mark.django_db
def test_needs_board_does_not_grow_with_needs(client):
    small, large = CoalitionFactory(), CoalitionFactory()
    few_person, many_person = post_needs(small, 3), post_needs(large, 30)
    client.force_login(few_person)
    few = count_queries(client, reverse("obligations:needs", args=[small.slug]))
    client.force_login(many_person)
    many = count_queries(client, reverse("obligations:needs", args=[large.slug]))
    assert few == many <= NEEDS_QUERIES

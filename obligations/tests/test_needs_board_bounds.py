"""A need with many offers shows its first few on the board; all of them are a link away, in pages."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from obligations.assistance import services as assistance
from obligations.assistance.selectors import OFFERS_SHOWN_PER_NEED


def need_with_offers(coalition, count):
    authority = add_member(coalition, Role.NATIONAL_AUTHORITY)
    donor = add_member(coalition, Role.DONOR)
    organisation = donor.memberships.get(coalition=coalition).organisation
    need = assistance.need_create(
        coalition=coalition, activity="Clearance of the south", amount=Decimal(1_000_000),
        currency="USD", period_start=date(2027, 1, 1), period_end=date(2027, 12, 31),
        actor=authority,
    )  # fmt: skip
    for number in range(count):
        assistance.offer_create(
            coalition=coalition, need=need, donor=organisation, activity=f"Offer number {number}",
            amount=Decimal(10), currency="USD", period_start=date(2027, 1, 1),
            period_end=date(2027, 6, 30), actor=donor,
        )  # fmt: skip
    return need, donor


@pytest.mark.django_db
@pytest.mark.parametrize("count", [OFFERS_SHOWN_PER_NEED + 1, 60])
def test_the_board_shows_the_first_offers_and_links_to_all(client, count):
    coalition = CoalitionFactory()
    need, donor = need_with_offers(coalition, count)
    client.force_login(donor)
    board = client.get(reverse("obligations:needs", args=[coalition.slug])).content.decode()
    assert board.count("Offer number ") == OFFERS_SHOWN_PER_NEED
    assert f"All {count} offers for this need" in board
    # Every offer counts in the totals, shown or not.
    assert f"{count * 10:,}" in board


@pytest.mark.django_db
def test_one_needs_offers_come_in_pages(client):
    coalition = CoalitionFactory()
    need, donor = need_with_offers(coalition, 30)
    client.force_login(donor)
    url = reverse("obligations:needs", args=[coalition.slug])
    first = client.get(url, {"need": need.pk}).content.decode()
    second = client.get(url, {"need": need.pk, "need_offers": 2}).content.decode()
    assert first.count("Offer number ") == 25
    assert second.count("Offer number ") == 5
    assert "Back to all needs" in first


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999", "1.5", "\x00"])
def test_a_need_that_is_not_this_coalitions_shows_the_whole_board(client, value):
    coalition, other = CoalitionFactory(), CoalitionFactory()
    _, donor = need_with_offers(coalition, 2)
    foreign, _ = need_with_offers(other, 2)
    client.force_login(donor)
    url = reverse("obligations:needs", args=[coalition.slug])
    for asked in (value, str(foreign.pk)):
        response = client.get(url, {"need": asked})
        assert response.status_code == 200
        assert "Back to all needs" not in response.content.decode()
        assert "Clearance of the south" in response.content.decode()


@pytest.mark.django_db
def test_the_board_costs_the_same_queries_with_few_or_many_offers(
    client, django_assert_max_num_queries
):
    from obligations.tests.test_queries import NEEDS_QUERIES

    for count in (2, 80):
        coalition = CoalitionFactory()
        need, donor = need_with_offers(coalition, count)
        client.force_login(donor)
        url = reverse("obligations:needs", args=[coalition.slug])
        with django_assert_max_num_queries(NEEDS_QUERIES):
            client.get(url)
        with django_assert_max_num_queries(NEEDS_QUERIES + 1):
            client.get(url, {"need": need.pk})

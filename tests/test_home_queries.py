"""The coalition home gathers panels from every app; its cost must not grow with their data."""

from datetime import date

import pytest
from django.urls import reverse

from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.tests.factories import add_member
from meetings.tests.factories import make_meeting
from obligations.tests.factories import make_indicator, make_obligation, report
from tests.fixtures import count_queries


def home_queries(client, coalition) -> int:
    return count_queries(client, reverse("coalitions:detail", args=[coalition.slug]))


def add_data(coalition, members, *, rounds: int, first_article: int) -> None:
    authority = members[Role.NATIONAL_AUTHORITY]
    for i in range(rounds):
        make_meeting(
            coalition, members[Role.CHAMPION], days=10 + i, title=f"Meeting {first_article}-{i}"
        )
        make_action_point(
            coalition, owner=authority, actor=authority, title=f"Item {first_article}-{i}"
        )
        add_member(coalition, Role.OPERATOR)
    obligation = make_obligation(
        coalition, article=first_article, entry_into_force=date(2016, 1, 1), actor=authority
    )
    indicator = make_indicator(obligation, target=10_000, actor=authority)
    for year in range(2016, 2016 + min(rounds, 10)):
        report(indicator, start=date(year, 1, 1), end=date(year, 3, 31), value=100, actor=authority)


@pytest.mark.django_db
def test_home_page_costs_the_same_with_little_or_much_data(client, coalition, members):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    add_data(coalition, members, rounds=1, first_article=3)
    small = home_queries(client, coalition)
    add_data(coalition, members, rounds=12, first_article=4)
    assert home_queries(client, coalition) == small
    assert small <= 15

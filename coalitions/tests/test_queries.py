"""Lists and the coalition home cost a fixed number of queries whatever the number of members."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from tests.fixtures import count_queries


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name", ["coalitions:detail", "coalitions:members", "coalitions:invitations"]
)
def test_coalition_pages_do_not_grow_with_members(client, coalition, members, url_name):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse(url_name, args=[coalition.slug])
    client.get(url)  # caches filled (the home page's obligation statuses)
    # Each count right after a member joined: the home reads its members afresh.
    add_member(coalition, Role.OPERATOR)
    small = count_queries(client, url)
    for _ in range(25):
        add_member(coalition, Role.OPERATOR)
    assert count_queries(client, url) == small


@pytest.mark.django_db
def test_my_coalitions_list_does_not_grow_with_coalitions(client, django_assert_max_num_queries):
    person = add_member(CoalitionFactory(), Role.DONOR)
    client.force_login(person)
    small = count_queries(client, reverse("coalitions:list"))
    for _ in range(10):
        coalition = CoalitionFactory()
        add_member(coalition, Role.DONOR, user=person)
        for _ in range(5):
            add_member(coalition, Role.OPERATOR)
    with django_assert_max_num_queries(small):
        client.get(reverse("coalitions:list"))


@pytest.mark.django_db
def test_home_page_query_budget(client, coalition, members, django_assert_max_num_queries):
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    url = reverse("coalitions:detail", args=[coalition.slug])
    # The national authority also gets the next coalition meeting proposed (with the next
    # meeting, in its query).
    # The obligations' statuses computed and kept (SQLite reads the champions apart: one more).
    with django_assert_max_num_queries(13):
        client.get(url)
    with django_assert_max_num_queries(6):  # and read from the cache, the members kept too
        client.get(url)

"""The facilitator's list and the sender's page cost the same queries for a few or many concerns."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import add_member
from concerns.models import Concern
from concerns.tests.factories import raise_concern
from meetings.tests.factories import make_meeting
from tests.fixtures import count_queries

pytestmark = pytest.mark.django_db


def add_concerns(coalition, members, n):
    """Bulk rows for size only, from several senders, some on an agenda; services are covered
    by the other tests."""
    senders = [members[Role.OPERATOR], members[Role.DONOR], add_member(coalition, Role.OPERATOR)]
    item = raise_concern(coalition, senders[0])
    from concerns import services

    meeting = make_meeting(coalition, members[Role.FACILITATOR])
    services.concern_bring_to_agenda(
        concern=item, actor=members[Role.FACILITATOR], meeting=meeting, title="On the agenda"
    )
    Concern.objects.bulk_create(
        [
            Concern(
                coalition=coalition,
                raised_by=senders[i % 3],
                raised_by_organisation=senders[i % 3].memberships.get().organisation,
                subject=f"Concern {i}",
                text="Text",
                status=Concern.Status.ACKNOWLEDGED if i % 2 else Concern.Status.NEW,
                agenda_item=item.agenda_item if i % 5 == 0 else None,
            )
            for i in range(n)
        ]
    )


def test_facilitator_list_costs_the_same_for_few_or_many(client, coalition, members):
    client.force_login(members[Role.FACILITATOR])
    url = reverse("concerns:inbox", args=[coalition.slug])
    add_concerns(coalition, members, 3)
    few = count_queries(client, url)
    add_concerns(coalition, members, 60)
    many = count_queries(client, url)
    assert few == many == 5, many


def test_sender_page_costs_the_same_for_few_or_many(client, coalition, members):
    client.force_login(members[Role.OPERATOR])
    url = reverse("concerns:raise", args=[coalition.slug])
    add_concerns(coalition, members, 3)
    few = count_queries(client, url)
    add_concerns(coalition, members, 90)
    many = count_queries(client, url)
    assert few == many == 6, many  # the page also asks whether a facilitator reads concerns

"""The pages people open most cost a fixed number of queries, the same with a handful of rows as with
many: what each page reads is one page of each list, found by index, never a walk over the tables.

Budgets count every query of the request, the session and the signed-in person's included.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from coalitions.models import Role
from coalitions.services import membership_create
from meetings.models import Delivery, Document, Summary
from tests.bulk_data import bulk_coalition
from tests.fixtures import made_once

BUDGETS = {
    # Session, person, access, the meeting with all it shows around its lists (kept per version),
    # and the published summary's mail counts and one page of its recipients.
    "meeting": 6,
    # The conveners' next-meeting panel reads the last coalition meeting held (cadence) in the
    # next meeting's query; the members are kept per members version.
    "coalition home": 6,
    # Session, person, their access, and one page of rows carrying the list's length.
    "action points": 4,
    "my action points": 4,
    "my action points everywhere": 4,
    "meetings": 4,
    "obligations": 4,
}


def fill_every_meeting_list(data, rows: int) -> None:
    """Minutes, documents and a published summary with its deliveries: every list of the
    meeting page has rows (bulk_data gives it agenda items, participants and decisions)."""
    meeting = data.meeting
    meeting.agenda_items.update(minutes="Discussed.")
    authority = data.people[Role.NATIONAL_AUTHORITY]
    Document.objects.bulk_create(
        [
            Document(
                meeting=meeting,
                file=f"documents/{i}.pdf",
                filename=f"{i}.pdf",
                content_type="application/pdf",
                size=1000,
                uploaded_by=authority,
            )
            for i in range(rows)
        ]
    )
    Summary.objects.create(meeting=meeting, published_by=authority, rendered_at=timezone.now())
    Delivery.objects.bulk_create(
        [
            Delivery(meeting=meeting, user=participant.user, kind=Delivery.Kind.SUMMARY)
            for participant in meeting.participants.all()
        ]
    )


def pages(data) -> dict[str, str]:
    slug = data.coalition.slug
    return {
        "meeting": reverse("meetings:detail", args=[slug, data.meeting.pk]),
        "coalition home": reverse("coalitions:detail", args=[slug]),
        "action points": reverse("actions:list", args=[slug]),
        "my action points": reverse("actions:list", args=[slug]) + "?view=mine",
        "my action points everywhere": reverse("actions:mine_everywhere"),
        "meetings": reverse("meetings:list", args=[slug]),
        "obligations": reverse("obligations:dashboard", args=[slug]),
    }


def make_sizes():
    """A coalition with a few rows of everything and one with a few hundred; the national
    authority of the large one is also an operator in the small one, so their list across
    coalitions draws on both."""
    small, large = bulk_coalition(rows=3, slug="few"), bulk_coalition(rows=120, slug="many")
    fill_every_meeting_list(small, 3)
    fill_every_meeting_list(large, 120)
    reader = large.people[Role.NATIONAL_AUTHORITY]
    membership_create(
        coalition=small.coalition,
        user=reader,
        organisation=small.coalition.memberships.get(role=Role.OPERATOR).organisation,
        role=Role.OPERATOR,
        actor=None,
    )
    return small, large


# Made once for the module; each test's changes are rolled back (tests/fixtures.py made_once).
@pytest.fixture(scope="module")
def sizes(django_db_setup, django_db_blocker):
    with made_once(django_db_blocker, make_sizes) as made:
        yield made


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BUDGETS))
def test_each_page_costs_its_budget_of_queries_at_any_size(
    client, sizes, name, django_assert_max_num_queries
):
    for data in sizes:
        client.force_login(data.people[Role.NATIONAL_AUTHORITY])
        path = pages(data)[name]
        assert client.get(path).status_code == 200  # caches filled (content types, sites)
        with django_assert_max_num_queries(BUDGETS[name]):
            response = client.get(path)
        assert response.status_code == 200


@pytest.mark.django_db
def test_the_meeting_page_shows_every_list_within_its_budget(client, sizes):
    _small, large = sizes
    client.force_login(large.people[Role.NATIONAL_AUTHORITY])
    page = client.get(pages(large)["meeting"]).content.decode()
    for anchor in ("agenda", "participants", "minutes", "decisions", "documents", "deliveries"):
        assert f"{anchor}=2#" in page, anchor

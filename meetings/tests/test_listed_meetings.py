"""The meetings list's one query (`selectors.listed_meetings`) gives what the two querysets it
stands for give: `upcoming_meetings` and a page of `past_meetings` with its length."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coalitions.models import Role
from meetings import selectors
from meetings.models import AgendaItem, Meeting
from meetings.tests.factories import make_meeting
from tests.fixtures import committed

pytestmark = pytest.mark.django_db

SHOWN = ("pk", "title", "kind", "status", "invitations_sent_at", "starts_at", "ends_at", "venue")
STATUSES = [
    Meeting.Status.PLANNED,
    Meeting.Status.HELD,
    Meeting.Status.SUMMARY_PUBLISHED,
    Meeting.Status.CANCELLED,
]


def _shown(meeting, *, agenda_count: bool) -> tuple:
    values = tuple(getattr(meeting, name) for name in SHOWN)
    return (*values, meeting.agenda_count) if agenda_count else values


@pytest.fixture
def meetings(coalition, members):
    """Past, coming and running meetings of every status and kind, drafts among them (some
    cancelled), with 0 to 3 agenda items; each starts at its own time."""
    facilitator = members[Role.FACILITATOR]
    made = []
    for n in range(16):
        meeting = make_meeting(
            coalition,
            facilitator,
            days=(n - 8) * 3,
            draft=n % 3 == 0,
            title=f"Meeting {n}",
            kind=list(Meeting.Kind)[n % 3],
            venue="" if n % 4 == 0 else "Beirut",
        )
        with committed():
            for position in range(n % 4):
                AgendaItem.objects.create(
                    meeting=meeting, title=f"Item {position}", position=position
                )
        made.append(meeting)
    for n, meeting in enumerate(made):
        Meeting.objects.filter(pk=meeting.pk).update(status=STATUSES[n % 4])
    # Begun an hour ago, ends in two hours: still coming.
    now = timezone.now().replace(microsecond=0)
    running = make_meeting(coalition, facilitator, title="Running")
    Meeting.objects.filter(pk=running.pk).update(
        starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )
    return made


@pytest.mark.parametrize("drafts", [True, False])
@pytest.mark.parametrize("upcoming", [2, 20])
def test_one_query_gives_what_the_two_lists_give(
    coalition, meetings, drafts, upcoming, django_assert_num_queries
):
    past_list = selectors.past_meetings(coalition=coalition, drafts=drafts)
    length = past_list.count()
    assert length > 8
    expected_upcoming = [
        _shown(m, agenda_count=False)
        for m in selectors.upcoming_meetings(coalition=coalition, drafts=drafts)[:upcoming]
    ]
    for start in range(0, length + 8, 4):
        with django_assert_num_queries(1):
            coming, gone, found_length = selectors.listed_meetings(
                coalition=coalition, drafts=drafts, upcoming=upcoming, past_from=start, past=4
            )
        assert [m[: len(SHOWN)] for m in coming] == expected_upcoming
        assert [m.agenda_count for m in coming] == [None] * len(coming)
        assert [tuple(m) for m in gone] == [
            _shown(m, agenda_count=True) for m in past_list[start : start + 4]
        ]
        assert found_length == (length if gone else 0)


def test_drafts_are_listed_only_for_those_who_prepare_meetings(coalition, meetings):
    def titles(drafts):
        coming, gone, _ = selectors.listed_meetings(
            coalition=coalition, drafts=drafts, upcoming=20, past_from=0, past=20
        )
        return {m.title for m in coming + gone}

    # Planned or cancelled before its invitations went out; a draft marked held is announced.
    unannounced = set(
        Meeting.objects.filter(
            coalition=coalition,
            invitations_sent_at__isnull=True,
            status__in=[Meeting.Status.PLANNED, Meeting.Status.CANCELLED],
        ).values_list("title", flat=True)
    )
    assert {"Meeting 0", "Meeting 3", "Meeting 12", "Meeting 15"} <= unannounced
    assert titles(True) - titles(False) == unannounced

"""The mid-term digest's "No update since the meeting" speaks of meetings that took place only."""

from datetime import UTC, datetime

import pytest

from actions.reminders.recording import reminder_sweep
from actions.tests.factories import make_action_point, make_meeting
from coalitions.models import Role
from tests.fixtures import committed

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_action_points_of_a_meeting_not_yet_held_are_not_silent_since_the_meeting(
    coalition, members, outbox_messages
):
    """Held on 1 March, next on 1 May: the digest of 7 April. A working group planned for 8
    December already has an action point recorded against it; it has not met, so that point is
    not "without update since the meeting"."""
    held = make_meeting(coalition, starts_at=at(2026, 3, 1, 8), status="held")
    make_meeting(coalition, starts_at=at(2026, 5, 1, 8), status="planned")
    ahead = make_meeting(coalition, starts_at=at(2026, 12, 8, 8), status="planned", kind="twg")
    owner = members[Role.OPERATOR]
    make_action_point(coalition, owner=owner, title="Survey the northern plots", meeting=held)
    make_action_point(coalition, owner=owner, title="Prepare the December figures", meeting=ahead)
    with committed():
        reminder_sweep(now=at(2026, 4, 7, 12))
    body = outbox_messages.get(
        subject__contains="mid-term digest", to__contains=members[Role.OBSERVER].email
    ).text_body()
    silent = body.split("No update since the meeting")[1]
    assert "Survey the northern plots" in silent
    assert "Prepare the December figures" not in silent

"""The mid-term runs to the next coalition meeting that was announced: a draft (its invitations not
sent) or a cancelled meeting does not set the date, and sending a draft's invitations moves it at
the next sweep."""

from datetime import UTC, date, datetime, timedelta

import pytest

from actions.reminders.candidates import Today
from actions.reminders.recording import reminder_sweep
from actions.tests.factories import make_action_point, make_meeting
from coalitions.models import Role
from meetings import services
from tests.fixtures import committed

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sweep(now):
    with committed():
        return reminder_sweep(now=now)


def meeting(coalition, actor, starts_at, **options):
    with committed():
        return services.meeting_create(
            coalition=coalition, actor=actor, title="Coalition meeting", starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3), send_invitations=False, **options,
        )  # fmt: skip


def mid_term_requests(outbox_messages):
    return outbox_messages.filter(subject__contains="mid-term update")


def test_a_draft_or_a_cancelled_meeting_is_not_the_next_meeting_of_the_mid_term(
    coalition, members, outbox_messages
):
    """Held on 1 March; a draft for 1 May and a meeting for 15 April cancelled after its
    invitations would put the mid-term before 5 April. The one announced for 1 September puts it
    on 1 June: nothing is asked on 5 April."""
    authority = members[Role.NATIONAL_AUTHORITY]
    held = make_meeting(coalition, starts_at=at(2026, 3, 1, 8), status="held")
    make_meeting(coalition, starts_at=at(2026, 9, 1, 8), status="planned")
    meeting(coalition, authority, at(2026, 5, 1, 8), draft=True)
    called_off = meeting(coalition, authority, at(2026, 4, 15, 8))
    services.meeting_cancel(meeting=called_off, actor=authority)
    make_action_point(coalition, owner=members[Role.OPERATOR], title="Survey", meeting=held)

    [mid_term] = Today.at(at(2026, 4, 5, 12)).mid_terms
    assert mid_term.next_start == at(2026, 9, 1, 8)
    assert mid_term.request_date == date(2026, 6, 1)
    sweep(at(2026, 4, 5, 12))
    assert not mid_term_requests(outbox_messages).exists()


def test_sending_a_drafts_invitations_moves_the_mid_term_at_the_next_sweep(
    coalition, members, outbox_messages
):
    """The same day, the same action points: only the invitations changed, and the sweep that
    had found nothing due reads the coalition again and asks for the mid-term update."""
    authority, operator = members[Role.NATIONAL_AUTHORITY], members[Role.OPERATOR]
    held = make_meeting(coalition, starts_at=at(2026, 3, 1, 8), status="held")
    make_meeting(coalition, starts_at=at(2026, 9, 1, 8), status="planned")
    draft = meeting(coalition, authority, at(2026, 5, 1, 8), draft=True)
    make_action_point(coalition, owner=operator, title="Survey the south", meeting=held)
    sweep(at(2026, 4, 5, 12))
    assert not mid_term_requests(outbox_messages).exists()

    with committed():
        services.meeting_send_invitations(meeting=draft, actor=authority, confirm_empty_agenda=True)
    [mid_term] = Today.at(at(2026, 4, 5, 12)).mid_terms
    assert (mid_term.next_start, mid_term.request_date) == (draft.starts_at, date(2026, 3, 31))
    sweep(at(2026, 4, 5, 12))
    [request] = mid_term_requests(outbox_messages)
    assert operator.email in request.to and "Survey the south" in request.text_body()
    sweep(at(2026, 4, 6, 12))
    assert mid_term_requests(outbox_messages).count() == 1

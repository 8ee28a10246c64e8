"""Writes made many rows at a time still record who made them, row by row."""

import pytest

from coalitions.models import Membership, Role
from meetings import services
from meetings.models import AgendaItem, Participant
from meetings.tests.factories import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(coalition, members):
    meeting = make_meeting(coalition, members[Role.NATIONAL_AUTHORITY])
    for title in ("Opening", "Land release", "Any other business"):
        services.agenda_item_create(
            meeting=meeting,
            actor=members[Role.NATIONAL_AUTHORITY],
            title=title,
            topic=AgendaItem.Topic.OTHER,
        )
    return meeting


def test_agenda_order_records_the_actor_for_each_item(meeting, members):
    actor = members[Role.FACILITATOR]
    ids = list(meeting.agenda_items.values_list("pk", flat=True))
    services.agenda_reorder(meeting=meeting, actor=actor, item_ids=list(reversed(ids)))
    for pk in ids:
        latest = AgendaItem.history.filter(id=pk).latest("history_date")
        assert latest.history_user == actor and latest.history_type == "~"
    assert AgendaItem.history.filter(history_user=actor).count() == len(ids)


def test_attendance_records_the_actor_for_each_participant(meeting, members):
    actor = members[Role.SECRETARIAT]
    participants = list(meeting.participants.all())
    services.attendance_record(
        meeting=meeting,
        actor=actor,
        attendance={p.pk: Participant.Attendance.PRESENT for p in participants},
    )
    changed = Participant.history.filter(history_user=actor, attendance="present")
    assert changed.count() == len(participants)


def test_minutes_per_item_record_the_actor(meeting, members):
    actor = members[Role.SECRETARIAT]
    items = list(meeting.agenda_items.all())
    services.minutes_save(
        meeting=meeting,
        actor=actor,
        notes="Opened on time.",
        item_minutes={item.pk: f"Minutes of {item.title}" for item in items},
    )
    assert AgendaItem.history.filter(
        history_user=actor, minutes__startswith="Minutes of"
    ).count() == (len(items))


def test_participants_added_and_removed_record_the_actor(coalition, members):
    creator = members[Role.NATIONAL_AUTHORITY]
    everyone = Membership.objects.filter(coalition=coalition)
    meeting = make_meeting(coalition, creator, participants=everyone.filter(role=Role.DONOR))
    added = Participant.history.filter(meeting_id=meeting.pk, history_type="+")
    assert [h.history_user for h in added] == [creator]

    editor = members[Role.CHAMPION]
    services.meeting_update(
        meeting=meeting, actor=editor, participants=everyone.filter(role=Role.OPERATOR)
    )
    assert [
        h.history_user for h in Participant.history.filter(history_type="+", history_user=editor)
    ] == [editor]
    removed = Participant.history.filter(meeting_id=meeting.pk, history_type="-")
    assert [h.history_user for h in removed] == [editor]

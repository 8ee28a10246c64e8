from datetime import timedelta

from django.utils import timezone

from coalitions.models import Role, Visibility
from meetings import services
from meetings.models import AgendaItem, Meeting, Participant
from tests.fixtures import committed


def make_meeting(coalition, actor, *, days=30, send_invitations=False, **fields) -> Meeting:
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days)
    arguments = {
        "title": "Coalition meeting",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "venue": "Beirut",
        **fields,
    }
    with committed():
        return services.meeting_create(
            coalition=coalition, actor=actor, send_invitations=send_invitations, **arguments
        )


def held_meeting_with_record(coalition, members) -> Meeting:
    """A held meeting with public and restricted agenda items and decisions, and attendance."""
    actor = members[Role.FACILITATOR]
    meeting = make_meeting(coalition, actor, days=-2, title="Réunion de coordination 2026")
    services.agenda_item_create(
        meeting=meeting,
        actor=actor,
        title="Land release figures",
        topic=AgendaItem.Topic.LAND_RELEASE,
        presenter="LMAC",
        duration_minutes=30,
    )
    secret = services.agenda_item_create(
        meeting=meeting,
        actor=actor,
        title="Closed security briefing",
        topic=AgendaItem.Topic.OTHER,
        duration_minutes=20,
        visibility=Visibility.RESTRICTED,
    )
    services.meeting_mark_held(meeting=meeting, actor=actor)
    services.attendance_record(
        meeting=meeting,
        actor=actor,
        attendance={p.pk: Participant.Attendance.PRESENT for p in meeting.participants.all()},
    )
    services.minutes_save(
        meeting=meeting,
        actor=actor,
        notes="Ouverture par le Centre; año de progreso; تطهير الأراضي",
        item_minutes={secret.pk: "Convoy routes discussed"},
    )
    services.decision_create(meeting=meeting, actor=actor, text="Adopt the prioritisation criteria")
    services.decision_create(
        meeting=meeting,
        actor=actor,
        text="Review the guarded depot plan",
        visibility=Visibility.RESTRICTED,
    )
    return meeting

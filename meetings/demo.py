"""Demo meetings (illustrative): a held Lebanon meeting with its published summary, the next one
about six months later (so the mid-term point falls in between), a technical working group, and
one past meeting each in Montenegro and Botswana."""

from datetime import time, timedelta

from django.utils import timezone

from coalitions.models import Membership, Role, Visibility

from . import services, timefmt
from .models import AgendaItem, Meeting, Participant


def _at(coalition, days_from_today: int, hour: int, minute: int = 0):
    day = timezone.localdate() + timedelta(days=days_from_today)
    return timefmt.local_to_utc(day, time(hour, minute), coalition.timezone)


def _person(coalition, role):
    membership = Membership.objects.filter(coalition=coalition, role=role).select_related("user")
    first = membership.first()
    return first.user if first else None


def _meeting(coalition, *, title, kind, days, hours, venue, online_link=""):
    existing = Meeting.objects.filter(coalition=coalition, title=title).first()
    if existing:
        return existing, False
    actor = _person(coalition, Role.NATIONAL_AUTHORITY)
    meeting = services.meeting_create(
        coalition=coalition,
        actor=actor,
        title=title,
        kind=kind,
        starts_at=_at(coalition, days, 9, 30),
        ends_at=_at(coalition, days, 9 + hours, 30),
        venue=venue,
        online_link=online_link,
        chair=actor,
        facilitator=_person(coalition, Role.FACILITATOR),
        send_invitations=False,
    )
    return meeting, True


def _hold(meeting, *, agenda, decisions, notes):
    actor = _person(meeting.coalition, Role.NATIONAL_AUTHORITY)
    items = []
    for title, topic, presenter, minutes, visibility in agenda:
        item = services.agenda_item_create(
            meeting=meeting,
            actor=actor,
            title=title,
            topic=topic,
            presenter=presenter,
            duration_minutes=30,
            visibility=visibility,
        )
        items.append((item, minutes))
    services.meeting_mark_held(meeting=meeting, actor=actor)
    participants = list(meeting.participants.all())
    services.attendance_record(
        meeting=meeting,
        actor=actor,
        attendance={
            p.pk: Participant.Attendance.APOLOGIES if i == 2 else Participant.Attendance.PRESENT
            for i, p in enumerate(participants)
        },
    )
    services.minutes_save(
        meeting=meeting,
        actor=actor,
        notes=notes,
        item_minutes={item.pk: text for item, text in items},
    )
    for text, visibility in decisions:
        services.decision_create(meeting=meeting, actor=actor, text=text, visibility=visibility)


SPRING_MEETING = "Mine Action Forum: spring coalition meeting (illustrative)"


def publish_demo_summary(*, coalitions, organisations, stdout) -> None:
    """The last demo step (coalitions.demo.DEMO_STEPS): the summary carries the meeting's action
    points and the obligations' status."""
    meeting = Meeting.objects.filter(
        coalition=coalitions["lebanon"], title=SPRING_MEETING, status=Meeting.Status.HELD
    ).first()
    if meeting is not None:
        actor = _person(meeting.coalition, Role.NATIONAL_AUTHORITY)
        services.summary_publish(meeting=meeting, actor=actor)


def seed_meetings(*, coalitions, organisations, stdout) -> None:
    Topic = AgendaItem.Topic
    lebanon = coalitions["lebanon"]
    held, created = _meeting(
        lebanon,
        title=SPRING_MEETING,
        kind=Meeting.Kind.COALITION,
        # The next one is 184 days later: the mid-term request fell due 8 days ago and the
        # mid-term digest yesterday, so the demo shows both.
        days=-100,
        hours=4,
        venue="Lebanon Mine Action Centre, Beirut",
    )
    if created:
        _hold(
            held,
            agenda=[
                ("Progress on Article 4 clearance since the extension", Topic.LAND_RELEASE,
                 "LMAC", "LMAC reported land released in the south; operators confirmed figures "
                 "(illustrative).", Visibility.MEMBERS),
                ("Donor coordination for the coming year", Topic.DONOR_COORDINATION, "Norway",
                 "Norway and the Netherlands outlined their funding cycles (illustrative).",
                 Visibility.MEMBERS),
                ("Prioritisation of remaining cluster munition remnant areas", Topic.PRIORITISATION,
                 "GICHD", "Criteria for prioritisation were discussed (illustrative).",
                 Visibility.MEMBERS),
                ("Operator security arrangements", Topic.OTHER, "UNDP",
                 "Restricted briefing on access arrangements (illustrative).",
                 Visibility.RESTRICTED),
            ],
            decisions=[
                ("The coalition adopts the prioritisation criteria presented by GICHD.",
                 Visibility.MEMBERS),
                ("LMAC circulates the updated land release figures before the next meeting.",
                 Visibility.MEMBERS),
                ("Security arrangements are reviewed with operators in a closed session.",
                 Visibility.RESTRICTED),
            ],
            notes="Opening by the Lebanon Mine Action Centre and Norway (illustrative minutes).",
        )  # fmt: skip
    _meeting(
        lebanon,
        title="Mine Action Forum: autumn coalition meeting (illustrative)",
        kind=Meeting.Kind.COALITION,
        days=-100 + 184,
        hours=4,
        venue="Lebanon Mine Action Centre, Beirut",
    )
    _meeting(
        lebanon,
        title="Technical working group on land release standards (illustrative)",
        kind=Meeting.Kind.TECHNICAL_WORKING_GROUP,
        days=21,
        hours=2,
        venue="",
        online_link="https://meet.example.org/lebanon-twg",
    )
    for slug, title, days, venue, topic in (
        ("montenegro", "Coalition meeting on completion of clearance (illustrative)", -120,
         "Podgorica", Topic.LAND_RELEASE),
        ("botswana", "Coalition meeting on stockpile destruction (illustrative)", -150,
         "Gaborone", Topic.STRATEGY),
    ):  # fmt: skip
        meeting, created = _meeting(
            coalitions[slug],
            title=title,
            kind=Meeting.Kind.COALITION,
            days=days,
            hours=3,
            venue=venue,
        )
        if created:
            _hold(
                meeting,
                agenda=[("Review of progress", topic, "", "Progress was reviewed (illustrative).",
                         Visibility.MEMBERS)],
                decisions=[("The coalition meets again in six months.", Visibility.MEMBERS)],
                notes="Illustrative minutes.",
            )  # fmt: skip
    stdout.write("Demo meetings ready.")

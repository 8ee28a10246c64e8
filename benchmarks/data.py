"""The benchmark's data: N coalitions of M action points each, shaped as coalitions are used.

Each coalition has its national authority, a champion donor State, two more donors, five
operators, a facilitator, a secretariat and an observer (12 members, each with the stored
permissions of their role), 10 meetings (8 held, 2 planned) with 20 agenda items each on average,
participants and decisions, `per` action points with one update each on average, and two
obligations with four indicators of 24 monthly progress figures (96 per coalition). The operators,
donors, facilitator and secretariat are the same organisations in every coalition, as NPA, MAG or
Norway are in real ones, so an organisation owns action points in coalitions its people do not
belong to. 200 x 500 gives the issue's shape: 100,000 action points, 2,000 meetings, 40,000 agenda
items, 100,000 updates and 19,200 progress figures.

Two people read the pages: the national authority of the first coalition, and an operator (NPA)
who belongs to the first two coalitions only. The operator's own action points are thus the same
at every size from 2 coalitions up, so `/action-points/` at 2 x 500 is the same page over 1,000
action points, and its time there is what the page may cost at any size.

Rows are bulk inserts (tests/bulk_data.py's way), without history rows, as years of use would leave
them; the permission rows are written from the role table, as `sync_role_permissions` writes them.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from actions.models import ActionPoint, ActionUpdate
from coalitions.models import (
    Coalition,
    CoalitionUserObjectPermission,
    Membership,
    Organisation,
    Role,
    Visibility,
)
from coalitions.permissions import ROLE_PERMISSIONS
from meetings.models import AgendaItem, Decision, Meeting, Participant
from obligations.models import Indicator, Obligation, ProgressEntry
from obligations.treaty import original_deadline

BATCH = 5_000
MEETINGS_HELD = 8
MEETINGS_PLANNED = 2
AGENDA_PER_MEETING = 20  # on average: the latest held meeting has 40, the farthest planned none
LARGE_MEETING_AGENDA = 40
DECISIONS_PER_HELD_MEETING = 3
MONTHS_OF_PROGRESS = 24
ZONES = ["Asia/Beirut", "Europe/Podgorica", "Africa/Gaborone", "America/Bogota", "Asia/Kabul"]
OPERATORS = ["Norwegian People's Aid", "MAG", "Humanity & Inclusion", "DanChurchAid", "HALO Trust"]
DONORS = ["Norway", "Germany", "Netherlands"]
STATUSES = [  # 40 % open, 20 % in progress, 30 % done, 10 % dropped
    *[ActionPoint.Status.OPEN] * 4,
    *[ActionPoint.Status.IN_PROGRESS] * 2,
    *[ActionPoint.Status.DONE] * 3,
    ActionPoint.Status.DROPPED,
]
# Obligation article -> the indicators recorded under it (4 per coalition in all).
INDICATORS = {
    4: [
        Indicator.Kind.AREA_RELEASED,
        Indicator.Kind.REMNANTS_DESTROYED,
        Indicator.Kind.PEOPLE_REACHED,
    ],
    5: [Indicator.Kind.VICTIMS_ASSISTED],
}


@dataclass
class Shape:
    """What was made, and what the pages are read with (ids, so it travels as JSON)."""

    coalitions: int
    per: int
    made_at: str  # ISO instant the dates were made around
    counts: dict[str, int] = field(default_factory=dict)
    first_slug: str = ""
    large_meeting: int = 0  # the first coalition's latest held meeting: 40 items, per/5 points
    authority: int = 0  # user ids of the two readers
    operator: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _org(name: str, kind: str) -> Organisation:
    return Organisation(name=name, short_name=name[:40], kind=kind)


@transaction.atomic
def generate(*, coalitions: int, per: int, now: datetime | None = None) -> Shape:
    """Makes the data in the current database (which should hold no other benchmark data)."""
    now = (now or timezone.now()).replace(microsecond=0)
    today = now.date()
    User = get_user_model()
    shared_operators = Organisation.objects.bulk_create(
        [_org(f"{name} (benchmark)", Organisation.Kind.OPERATOR) for name in OPERATORS]
    )
    donors = Organisation.objects.bulk_create(
        [_org(f"{name} (benchmark)", Organisation.Kind.DONOR_STATE) for name in DONORS]
    )
    facilitator_org, secretariat_org, observer_org = Organisation.objects.bulk_create(
        [
            _org("GICHD (benchmark)", Organisation.Kind.FACILITATOR),
            _org("UNDP (benchmark)", Organisation.Kind.SECRETARIAT),
            _org("ICBL (benchmark)", Organisation.Kind.OTHER),
        ]
    )
    authorities = Organisation.objects.bulk_create(
        [
            _org(f"National authority {c:03} (benchmark)", Organisation.Kind.STATE_AUTHORITY)
            for c in range(coalitions)
        ]
    )
    coalition_rows = Coalition.objects.bulk_create(
        [
            Coalition(
                name=f"Coalition {c:03} (benchmark)",
                slug=f"bench-{c:03}",
                state_party="LB",
                national_authority=authorities[c],
                timezone=ZONES[c % len(ZONES)],
            )
            for c in range(coalitions)
        ]
    )
    Coalition.champions.through.objects.bulk_create(
        [
            Coalition.champions.through(coalition=coalition, organisation=donors[c % len(donors)])
            for c, coalition in enumerate(coalition_rows)
        ]
    )

    # Members: (role, organisation) in the same order in every coalition.
    def seats(c: int) -> list[tuple[str, Organisation]]:
        champion = donors[c % len(donors)]
        return [
            (Role.NATIONAL_AUTHORITY, authorities[c]),
            (Role.CHAMPION, champion),
            *[(Role.DONOR, d) for d in donors if d != champion],
            *[(Role.OPERATOR, o) for o in shared_operators],
            (Role.FACILITATOR, facilitator_org),
            (Role.SECRETARIAT, secretariat_org),
            (Role.OBSERVER, observer_org),
        ]

    seat_count = len(seats(0))
    people = User.objects.bulk_create(
        [
            User(
                email=f"p{c:03}-{k:02}@bench.example.net",
                name=f"Person {c:03}-{k:02}",
                password="!",
            )
            for c in range(coalitions)
            for k in range(seat_count)
        ],
        batch_size=BATCH,
    )
    memberships = [
        Membership(
            coalition=coalition, user=people[c * seat_count + k], organisation=org, role=role
        )
        for c, coalition in enumerate(coalition_rows)
        for k, (role, org) in enumerate(seats(c))
    ]
    # The operator who reads `/action-points/`: NPA's person in the first coalition, who also
    # represents NPA in the second.
    operator_seat = 2 + len(donors) - 1  # after the national authority, champion and donors
    operator = people[operator_seat]
    if coalitions > 1:
        memberships.append(
            Membership(
                coalition=coalition_rows[1],
                user=operator,
                organisation=shared_operators[0],
                role=Role.OPERATOR,
            )
        )
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    permission_ids = dict(
        Permission.objects.filter(
            content_type=ContentType.objects.get_for_model(Coalition)
        ).values_list("codename", "pk")
    )
    CoalitionUserObjectPermission.objects.bulk_create(
        [
            CoalitionUserObjectPermission(
                user_id=m.user_id, content_object=m.coalition, permission_id=permission_ids[perm]
            )
            for m in memberships
            for perm in sorted(ROLE_PERMISSIONS[m.role])
        ],
        batch_size=BATCH,
    )

    # Meetings: held every 90 days back from 70 days ago; planned in 50 and 230 days, so each
    # coalition is past the mid-term point between its last meeting and the next.
    meetings = []
    for c, coalition in enumerate(coalition_rows):
        authority = people[c * seat_count]
        for m in range(MEETINGS_HELD):
            starts = now - timedelta(days=70 + 90 * m)
            meetings.append(
                Meeting(
                    coalition=coalition,
                    title=f"Coalition meeting {MEETINGS_HELD - m} (benchmark)",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=4),
                    venue="Mine action centre, conference room",
                    status=Meeting.Status.HELD,
                    created_by=authority,
                    notes="General minutes of the meeting. " * 10,
                )
            )
        for m, days in enumerate([50, 230][:MEETINGS_PLANNED]):
            starts = now + timedelta(days=days)
            meetings.append(
                Meeting(
                    coalition=coalition,
                    title=f"Coalition meeting {MEETINGS_HELD + m + 1} (benchmark)",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=4),
                    venue="Mine action centre, conference room",
                    created_by=authority,
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    per_coalition = MEETINGS_HELD + MEETINGS_PLANNED

    def meetings_of(c: int) -> list[Meeting]:
        return meetings[c * per_coalition : (c + 1) * per_coalition]

    def agenda_size(index: int) -> int:
        if index == 0:
            return LARGE_MEETING_AGENDA
        if index == per_coalition - 1:
            return 2 * AGENDA_PER_MEETING - LARGE_MEETING_AGENDA
        return AGENDA_PER_MEETING

    topics = AgendaItem.Topic.values
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=n,
                title=f"Agenda item {n + 1}: land release in district {n + 1}",
                topic=topics[n % len(topics)],
                presenter=OPERATORS[n % len(OPERATORS)],
                minutes="Discussion of progress, figures and next steps. " * 6
                if meeting.status == Meeting.Status.HELD
                else "",
                visibility=Visibility.RESTRICTED if n % 10 == 9 else Visibility.MEMBERS,
            )
            for c in range(coalitions)
            for i, meeting in enumerate(meetings_of(c))
            for n in range(agenda_size(i))
        ],
        batch_size=BATCH,
    )
    first_item = {}
    for item in items:
        first_item.setdefault(item.meeting_id, item)
    Participant.objects.bulk_create(
        [
            Participant(
                meeting=meeting,
                user_id=m.user_id,
                organisation=m.organisation,
                attendance=Participant.Attendance.PRESENT
                if meeting.status == Meeting.Status.HELD
                else Participant.Attendance.INVITED,
            )
            for c in range(coalitions)
            for meeting in meetings_of(c)
            for m in memberships[c * seat_count : (c + 1) * seat_count]
        ],
        batch_size=BATCH,
    )
    Decision.objects.bulk_create(
        [
            Decision(
                meeting=meeting,
                agenda_item=first_item.get(meeting.pk),
                text=f"Decision {d + 1}: the coalition agrees on the plan.",
            )
            for meeting in meetings
            if meeting.status == Meeting.Status.HELD
            for d in range(DECISIONS_PER_HELD_MEETING)
        ],
        batch_size=BATCH,
    )

    # Action points: the first fifth come from the latest held meeting, the rest from the others.
    action_points = []
    for c, coalition in enumerate(coalition_rows):
        held = meetings_of(c)[:MEETINGS_HELD]
        owners = memberships[c * seat_count : (c + 1) * seat_count - 1]  # the observer owns none
        recorders = [people[c * seat_count], people[c * seat_count + seat_count - 3]]
        for i in range(per):
            owner = owners[i % len(owners)]
            created = now - timedelta(days=(i * 7) % 700, hours=i % 24)
            action_points.append(
                ActionPoint(
                    coalition=coalition,
                    meeting=held[0] if i < per // 5 else held[1 + i % (MEETINGS_HELD - 1)],
                    title=f"Action point {i + 1}: follow up on agenda item {i % 40 + 1}",
                    description="What is to be done, by whom and with what. " * 3,
                    owner_organisation=owner.organisation,
                    owner_id=owner.user_id if i % 2 == 0 else None,
                    due_date=today + timedelta(days=(i * 37) % 150 - 60),
                    status=STATUSES[i % len(STATUSES)],
                    visibility=Visibility.RESTRICTED if i % 10 == 7 else Visibility.MEMBERS,
                    recorded_by=recorders[i % 2],
                    created_at=created,
                    updated_at=created,
                )
            )
    ActionPoint.objects.bulk_create(action_points, batch_size=BATCH)
    # Updates: two on every fourth action point, one on two in four, none on the last: one each
    # on average.
    updates = []
    for i, point in enumerate(action_points):
        for u in range((2, 1, 1, 0)[i % 4]):
            updates.append(
                ActionUpdate(
                    action_point=point,
                    author_id=point.owner_id or point.recorded_by_id,
                    text=f"Update {u + 1}: work under way, figures to follow.",
                    old_status=ActionPoint.Status.OPEN,
                    new_status=point.status if u == 0 else "",
                    created_at=point.created_at + timedelta(days=3 + u),
                )
            )
    ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)

    # Obligations and progress: clearance (article 4) with three indicators and victim assistance
    # (article 5) with one, each with 24 monthly figures.
    entry_into_force = date(2011, 5, 1)
    obligations = Obligation.objects.bulk_create(
        [
            Obligation(
                coalition=coalition,
                article=article,
                entry_into_force=entry_into_force,
                original_deadline=original_deadline(
                    convention="ccm", article=article, entry_into_force=entry_into_force
                ),
                current_deadline=original_deadline(
                    convention="ccm", article=article, entry_into_force=entry_into_force
                ),
            )
            for coalition in coalition_rows
            for article in INDICATORS
        ]
    )
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                obligation=obligation,
                kind=kind,
                target=Decimal(10_000_000),
                is_headline=n == 0,
            )
            for obligation in obligations
            for n, kind in enumerate(INDICATORS[obligation.article])
        ],
        batch_size=BATCH,
    )
    months = [date(today.year, today.month, 1)]  # the months before this one, oldest first
    for _ in range(MONTHS_OF_PROGRESS):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    months.pop()
    reporter_of = {c.pk: people[n * seat_count] for n, c in enumerate(coalition_rows)}
    authority_of = {c.pk: c.national_authority_id for c in coalition_rows}
    coalition_of = {o.pk: o.coalition_id for o in obligations}
    ProgressEntry.objects.bulk_create(
        [
            ProgressEntry(
                indicator=indicator,
                period_start=month,
                period_end=_month_end(month),
                value=Decimal(90_000 + 1_000 * (m % 7)),
                source="Monthly operations report",
                reported_by=reporter_of[coalition_of[indicator.obligation_id]],
                reporting_organisation_id=authority_of[coalition_of[indicator.obligation_id]],
                validated_at=now,
                validated_by=reporter_of[coalition_of[indicator.obligation_id]],
            )
            for indicator in indicators
            for m, month in enumerate(months)
        ],
        batch_size=BATCH,
    )

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return Shape(
        coalitions=coalitions,
        per=per,
        made_at=now.isoformat(),
        counts={
            "coalitions": len(coalition_rows),
            "members": len(memberships),
            "action points": len(action_points),
            "meetings": len(meetings),
            "agenda items": len(items),
            "updates": len(updates),
            "progress figures": len(indicators) * len(months),
        },
        first_slug=coalition_rows[0].slug,
        large_meeting=meetings[0].pk,
        authority=people[0].pk,
        operator=operator.pk,
    )


def pages(shape: dict) -> list[tuple[str, str, str]]:
    """(key, reader, path) of each measured page: the first coalition's pages as its national
    authority sees them; `/action-points/` and the "mine" list as the operator sees them."""
    from django.urls import reverse

    slug = shape["first_slug"]
    return [
        ("action-points", "operator", reverse("actions:mine_everywhere")),
        ("meeting", "authority", reverse("meetings:detail", args=[slug, shape["large_meeting"]])),
        ("mine", "operator", reverse("actions:list", args=[slug]) + "?view=mine"),
        ("coalition-action-points", "authority", reverse("actions:list", args=[slug])),
        ("home", "authority", reverse("coalitions:detail", args=[slug])),
        ("obligations", "authority", reverse("obligations:dashboard", args=[slug])),
        ("meetings", "authority", reverse("meetings:list", args=[slug])),
    ]

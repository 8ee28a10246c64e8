"""A coalition with `rows` rows of every kind, for the page-size benchmark and the bound tests.

The people who act (one per role) are made through the services, as sign-up and invitations make
them; the many rows are bulk inserts, which is how a large coalition would look after years of use.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from actions.models import ActionPoint, ActionUpdate
from coalitions.models import Coalition, Invitation, Membership, Organisation, Role
from coalitions.services import coalition_create, membership_create
from concerns.models import Concern
from meetings import services as meeting_services
from meetings.models import AgendaItem, Decision, Meeting, Participant
from obligations import services as obligation_services
from obligations.models import Indicator, Need, Offer, ProgressEntry

BATCH = 2_000


@dataclass
class BulkCoalition:
    coalition: Coalition
    people: dict[str, object]  # one person per role
    meeting: Meeting  # the meeting with `rows` agenda items, participants and decisions
    action_point: ActionPoint  # the action point with `rows` updates
    obligation: object
    concern: Concern


def bulk_coalition(*, rows: int, slug: str) -> BulkCoalition:
    User = get_user_model()
    now = timezone.now().replace(microsecond=0)
    authority_org = Organisation.objects.create(
        name=f"{slug} national authority", kind=Organisation.Kind.STATE_AUTHORITY
    )
    coalition = coalition_create(
        name=f"Coalition {slug}",
        slug=slug,
        state_party="LB",
        timezone_name="Asia/Beirut",
        national_authority=authority_org,
        actor=None,
    )
    people = {}
    for role in Role.values:
        user = User.objects.create_user(email=f"{role}@{slug}.example.net", name=f"{role} {slug}")
        organisation = (
            authority_org
            if role == Role.NATIONAL_AUTHORITY
            else Organisation.objects.create(name=f"{slug} {role}", kind=Organisation.Kind.OTHER)
        )
        membership_create(
            coalition=coalition, user=user, organisation=organisation, role=role, actor=None
        )
        people[role] = user
    authority = people[Role.NATIONAL_AUTHORITY]

    organisations = Organisation.objects.bulk_create(
        [
            Organisation(name=f"{slug} organisation {i:05}", kind=Organisation.Kind.OPERATOR)
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    users = User.objects.bulk_create(
        [
            User(email=f"person{i}@{slug}.example.net", name=f"Person {i:05}", password="!")
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    memberships = Membership.objects.bulk_create(
        [
            Membership(
                coalition=coalition, user=user, organisation=organisation, role=Role.OBSERVER
            )
            for user, organisation in zip(users, organisations, strict=True)
        ],
        batch_size=BATCH,
    )

    meeting = meeting_services.meeting_create(
        coalition=coalition,
        actor=authority,
        kind=Meeting.Kind.COALITION,
        title="The large meeting",
        starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1) + timedelta(hours=3),
        venue="Beirut",
        send_invitations=False,
    )
    Meeting.objects.bulk_create(
        [
            Meeting(
                coalition=coalition,
                title=f"Meeting {i:05}",
                starts_at=now - timedelta(days=2 + i),
                ends_at=now - timedelta(days=2 + i) + timedelta(hours=2),
                venue="Beirut",
                status=Meeting.Status.HELD,
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=meeting, position=i, title=f"Agenda item {i:05}") for i in range(rows)],
        batch_size=BATCH,
    )
    Participant.objects.bulk_create(
        [
            Participant(meeting=meeting, user=m.user, organisation=m.organisation)
            for m in memberships
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    Decision.objects.bulk_create(
        [
            Decision(meeting=meeting, agenda_item=items[i % len(items)], text=f"Decision {i:05}")
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    action_points = ActionPoint.objects.bulk_create(
        [
            ActionPoint(
                coalition=coalition,
                meeting=meeting,
                title=f"Action point {i:05}",
                owner_organisation=organisations[i],
                owner=users[i],
                due_date=now.date() + timedelta(days=i % 90),
                recorded_by=authority,
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    ActionUpdate.objects.bulk_create(
        [
            ActionUpdate(
                action_point=action_points[0],
                author=authority,
                text=f"Update {i:05}",
                old_status=ActionPoint.Status.OPEN,
                new_status=ActionPoint.Status.OPEN,
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    Invitation.objects.bulk_create(
        [
            Invitation(
                coalition=coalition,
                email=f"invitee{i}@{slug}.example.net",
                role=Role.OBSERVER,
                organisation=organisations[i],
                invited_by=authority,
                expires_at=now + timedelta(days=14),
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )

    obligation = obligation_services.obligation_create(
        coalition=coalition, article=4, entry_into_force=date(2016, 1, 1), actor=authority
    )
    indicator = obligation_services.indicator_create(
        obligation=obligation,
        kind=Indicator.Kind.AREA_RELEASED,
        target=Decimal(rows) * 2,  # half done: the forecast lands some decades ahead
        actor=authority,
    )
    ProgressEntry.objects.bulk_create(
        [
            ProgressEntry(
                indicator=indicator,
                period_start=now.date() - timedelta(days=rows - i),
                period_end=now.date() - timedelta(days=rows - i),
                value=Decimal(1),
                reported_by=authority,
                reporting_organisation=authority_org,
                validated_at=now,
                validated_by=authority,
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    needs = Need.objects.bulk_create(
        [
            Need(
                coalition=coalition,
                obligation=obligation,
                activity=f"Need {i:05}",
                amount=Decimal(1000),
                currency="USD",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                posted_by=authority,
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    Offer.objects.bulk_create(
        [
            Offer(
                coalition=coalition,
                need=needs[i],
                donor=organisations[i],
                activity=f"Offer {i:05}",
                amount=Decimal(500),
                currency="USD",
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                posted_by=authority,
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    concerns = Concern.objects.bulk_create(
        [
            Concern(
                coalition=coalition,
                raised_by=people[Role.OPERATOR],
                subject=f"Concern {i:05}",
                text="A concern.",
            )
            for i in range(rows)
        ],
        batch_size=BATCH,
    )
    return BulkCoalition(
        coalition=coalition,
        people=people,
        meeting=meeting,
        action_point=action_points[0],
        obligation=obligation,
        concern=concerns[0],
    )


def coalition_pages(data: BulkCoalition) -> list[tuple[str, str, str]]:
    """(name, role of the reader, path) for every page of a coalition."""
    slug = data.coalition.slug
    meeting = [slug, data.meeting.pk]
    obligation = [slug, data.obligation.pk]
    point = [slug, data.action_point.pk]
    membership = data.coalition.memberships.get(user=data.people[Role.OPERATOR]).pk
    na, fac, op = Role.NATIONAL_AUTHORITY, Role.FACILITATOR, Role.OPERATOR
    return [
        ("coalition home", na, reverse("coalitions:detail", args=[slug])),
        ("members", na, reverse("coalitions:members", args=[slug])),
        ("invitations", na, reverse("coalitions:invitations", args=[slug])),
        ("new invitation", na, reverse("coalitions:invitation_new", args=[slug])),
        ("member edit", na, reverse("coalitions:member_edit", args=[slug, membership])),
        ("meetings", na, reverse("meetings:list", args=[slug])),
        ("new meeting", na, reverse("meetings:new", args=[slug])),
        ("meeting", na, reverse("meetings:detail", args=meeting)),
        ("meeting edit", na, reverse("meetings:edit", args=meeting)),
        ("attendance", na, reverse("meetings:attendance", args=meeting)),
        ("minutes", na, reverse("meetings:minutes", args=meeting)),
        ("meeting screen", fac, reverse("meetings:hold", args=meeting)),
        ("new decision", na, reverse("meetings:decision_new", args=meeting)),
        ("new agenda item", na, reverse("meetings:agenda_item_new", args=meeting)),
        ("summary publish", na, reverse("meetings:summary_publish", args=meeting)),
        ("meeting action points", na, reverse("actions:meeting_action_points", args=meeting)),
        ("action points", na, reverse("actions:list", args=[slug])),
        ("new action point", na, reverse("actions:new", args=[slug])),
        ("action point", na, reverse("actions:detail", args=point)),
        ("action point edit", na, reverse("actions:edit", args=point)),
        ("action point update", na, reverse("actions:update", args=point)),
        ("my action points", na, reverse("actions:mine_everywhere")),
        ("obligations", na, reverse("obligations:dashboard", args=[slug])),
        ("obligation", na, reverse("obligations:detail", args=obligation)),
        ("progress entry", na, reverse("obligations:progress_new", args=obligation)),
        ("needs board", na, reverse("obligations:needs", args=[slug])),
        ("new need", na, reverse("obligations:need_new", args=[slug])),
        ("new offer", Role.DONOR, reverse("obligations:offer_new", args=[slug])),
        ("concerns inbox", fac, reverse("concerns:inbox", args=[slug])),
        ("concern", fac, reverse("concerns:detail", args=[slug, data.concern.pk])),
        ("raise a concern", op, reverse("concerns:raise", args=[slug])),
        ("extension pack (PDF)", na, reverse("obligations:extension_pack", args=obligation)),
    ]

"""Demo action points for Lebanon (illustrative): owners, due dates around today, some overdue,
updates, recorded at the held spring meeting whose mid-term has come, so the reminders and the
digest show."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from meetings.demo import SPRING_MEETING
from meetings.models import Meeting

from .models import ActionPoint
from .selectors import coalition_today
from .services import action_point_create, action_update_post

# title, owner organisation, owner e-mail, due in days (negative: past), visibility, updates
ITEMS = [
    ("Share the updated national clearance priorities map", "LMAC", "authority@example.org", -12,
     "members", [("Draft map circulated internally; waiting for the regional offices.", "in_progress")]),
    ("Report non-technical survey results for the South", "NPA", "operator@example.org", 5,
     "members", [("Survey of 14 communities done; report being written.", "in_progress")]),
    ("Propose a joint risk education plan for returnees", "MAG", "operator.mag@example.org", -3,
     "members", []),
    ("Confirm the 2027 funding envelope for land release", "Norway", "champion@example.org", 30,
     "restricted", []),
    ("Circulate the minutes and the action point list", "UNDP", "secretariat@example.org", -20,
     "members", [("Minutes sent to all participants.", "done")]),
    ("Map victim assistance services by governorate", "Netherlands", "donor@example.org", 45,
     "members", []),
    ("Review the standard for cluster munition remnant survey", "LMAC", None, 10,
     "members", []),
]  # fmt: skip


def _demo_meeting(lebanon):
    """The held spring meeting from the meetings demo step, which runs before this one."""
    return Meeting.objects.get(coalition=lebanon, title=SPRING_MEETING)


def seed_action_points(*, coalitions, organisations, stdout) -> None:
    lebanon = coalitions.get("lebanon")
    if lebanon is None:
        return
    people = {u.email: u for u in get_user_model().objects.filter(email__endswith="@example.org")}
    facilitator = people.get("facilitator@example.org")
    meeting = _demo_meeting(lebanon)
    today = coalition_today(lebanon)
    created = 0
    for title, organisation, owner_email, due_in, visibility, updates in ITEMS:
        if ActionPoint.objects.filter(coalition=lebanon, title=title).exists():
            continue
        action_point = action_point_create(
            coalition=lebanon,
            actor=facilitator,
            title=title,
            owner_organisation=organisations[organisation],
            owner=people.get(owner_email) if owner_email else None,
            due_date=today + timedelta(days=due_in),
            visibility=visibility,
            meeting=meeting,
        )
        for text, status in updates:
            action_update_post(
                action_point=action_point,
                actor=people.get(owner_email) or facilitator,
                text=text,
                new_status=status,
            )
        created += 1
    stdout.write(f"Action points: {created} demo action points added in Lebanon.")


def date_action_points(*, coalitions: dict, since) -> None:
    """Action points this run recorded at a past meeting carry that meeting's end as their date."""
    now = timezone.now()
    recorded = ActionPoint.objects.filter(
        coalition__in=list(coalitions.values()), created_at__gte=since, meeting__ends_at__lt=now
    ).select_related("meeting")
    for action_point in recorded:
        # Only the recorded date moves, which no reminder reads: the sweep has nothing to redo.
        ActionPoint.objects.filter(pk=action_point.pk).update(
            created_at=action_point.meeting.ends_at
        )

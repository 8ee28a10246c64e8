"""Finding what is due: the mid-term periods under way, and the action points (with the people
to tell) whose due-soon, overdue or mid-term reminder is not recorded yet.

Every query here reads against each coalition's own today: one term per time zone in use, so the
number of terms stays small whatever the number of rows.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from coalitions.models import Coalition, Membership
from meetings.models import Meeting

from ..models import (
    ActionPoint,
    DigestSent,
    NotificationPreference,
    ReminderSent,
    ReminderSettings,
)

OVERDUE_WINDOW_DAYS = 30  # an overdue reminder is not sent for items that fell due long ago
MID_TERM_DIGEST_AFTER_DAYS = 7

TOPIC = NotificationPreference.Topic.ACTION_POINTS
HELD = (Meeting.Status.HELD, Meeting.Status.SUMMARY_PUBLISHED)


def mid_term_date(*, meeting_start: datetime, next_start: datetime, tz_name: str) -> date:
    """Halfway between two meetings' starts, as a date where the coalition is."""
    midpoint = meeting_start + (next_start - meeting_start) / 2
    return midpoint.astimezone(zoneinfo.ZoneInfo(tz_name)).date()


def local_today(tz_name: str, now: datetime) -> date:
    return now.astimezone(zoneinfo.ZoneInfo(tz_name)).date()


@dataclass(frozen=True)
class MidTerm:
    coalition_id: int
    meeting_id: int
    meeting_start: datetime
    request_date: date
    next_start: datetime

    @property
    def period(self) -> str:
        return f"meeting-{self.meeting_id}"

    @property
    def digest_date(self) -> date:
        return self.request_date + timedelta(days=MID_TERM_DIGEST_AFTER_DAYS)


def mid_terms_under_way(*, now: datetime) -> list[MidTerm]:
    """Per coalition: the last held coalition meeting before the next planned one, while that is
    ahead. Technical working groups and ad hoc meetings in between do not split the period.

    One query; the list has at most one entry per coalition, so the loop is bounded by coalitions.
    """
    coalition_meeting = Meeting.Kind.COALITION
    next_planned = Meeting.objects.filter(
        coalition=OuterRef("coalition"),
        kind=coalition_meeting,
        status=Meeting.Status.PLANNED,
        starts_at__gt=OuterRef("starts_at"),
    ).order_by("starts_at")
    later_held = Meeting.objects.filter(
        coalition=OuterRef("coalition"),
        kind=coalition_meeting,
        status__in=HELD,
        starts_at__gt=OuterRef("starts_at"),
        starts_at__lt=OuterRef("next_start"),
    )
    rows = (
        Meeting.objects.filter(kind=coalition_meeting, status__in=HELD, starts_at__lte=now)
        .exclude(coalition__reminder_settings__reminders_enabled=False)
        .annotate(next_start=Subquery(next_planned.values("starts_at")[:1]))
        .filter(next_start__gt=now)
        .filter(~Exists(later_held))
        .values_list("pk", "coalition_id", "starts_at", "next_start", "coalition__timezone")
    )
    return [
        MidTerm(
            coalition_id=coalition_id,
            meeting_id=pk,
            meeting_start=start,
            request_date=mid_term_date(meeting_start=start, next_start=nxt, tz_name=tz_name),
            next_start=nxt,
        )
        for pk, coalition_id, start, nxt, tz_name in rows
    ]


def todays(now: datetime) -> dict[str, date]:
    """Today in each time zone a coalition uses."""
    zones = Coalition.objects.values_list("timezone", flat=True).distinct()
    return {tz_name: local_today(tz_name, now) for tz_name in zones}


def owner_recipients(queryset):
    """(action point, person) pairs: the owner, or every member for the owner organisation."""
    preference = NotificationPreference.objects.filter(
        user=OuterRef("recipient_id"), coalition=OuterRef("coalition_id"), topic=TOPIC
    ).values("delivery")[:1]
    return (
        queryset.annotate(
            recipient_id=F("owner_organisation__memberships__user_id"),
            member_coalition_id=F("owner_organisation__memberships__coalition_id"),
        )
        .filter(member_coalition_id=F("coalition_id"))
        .filter(Q(owner__isnull=True) | Q(owner_id=F("recipient_id")))
        .annotate(delivery=Subquery(preference))
    )


def not_recorded(queryset, kind: str):
    recorded = ReminderSent.objects.filter(
        action_point=OuterRef("pk"),
        recipient=OuterRef("recipient_id"),
        kind=kind,
        period=OuterRef("period"),
    )
    return queryset.filter(~Exists(recorded))


def active_with_reminders():
    return ActionPoint.objects.filter(status__in=ActionPoint.ACTIVE).exclude(
        coalition__reminder_settings__reminders_enabled=False
    )


def due_soon_candidates(*, now: datetime):
    """Open items due within each coalition's window, read against each coalition's today.

    One OR term per (time zone, window length) in use: a handful, whatever the number of rows.
    """
    lengths = set(ReminderSettings.objects.values_list("due_soon_days", flat=True).distinct())
    lengths.add(ReminderSettings.DEFAULT_DUE_SOON_DAYS)
    window = Q(pk__in=[])
    for tz_name, today in todays(now).items():
        for days in sorted(lengths):
            window |= Q(
                coalition__timezone=tz_name,
                soon_days=days,
                due_date__gte=today,
                due_date__lte=today + timedelta(days=days),
            )
    queryset = (
        active_with_reminders()
        .annotate(
            soon_days=Coalesce(
                F("coalition__reminder_settings__due_soon_days"),
                Value(ReminderSettings.DEFAULT_DUE_SOON_DAYS),
            )
        )
        .filter(window)
    )
    queryset = queryset.annotate(period=Cast("due_date", CharField()))
    return not_recorded(owner_recipients(queryset), ReminderSent.Kind.DUE_SOON)


def overdue_candidates(*, now: datetime):
    window = Q(pk__in=[])
    for tz_name, today in todays(now).items():
        window |= Q(
            coalition__timezone=tz_name,
            due_date__lt=today,
            due_date__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
        )
    queryset = active_with_reminders().filter(window)
    queryset = queryset.annotate(period=Cast("due_date", CharField()))
    return not_recorded(owner_recipients(queryset), ReminderSent.Kind.OVERDUE)


def mid_terms_due(*, now: datetime, mid_terms: list[MidTerm], on: str) -> list[MidTerm]:
    """The mid-terms whose `on` date ("request_date" or "digest_date") has come where the
    coalition is."""
    today = todays(now)
    zones = dict(
        Coalition.objects.filter(pk__in=[m.coalition_id for m in mid_terms]).values_list(
            "pk", "timezone"
        )
    )
    return [m for m in mid_terms if today[zones[m.coalition_id]] >= getattr(m, on)]


def _period_of(due: list[MidTerm]) -> Case:
    return Case(
        *[When(coalition_id=m.coalition_id, then=Value(m.period)) for m in due],
        output_field=CharField(),
    )


def mid_term_request_candidates(*, now: datetime, mid_terms: list[MidTerm]):
    due = mid_terms_due(now=now, mid_terms=mid_terms, on="request_date")
    if not due:
        return None
    queryset = active_with_reminders().filter(coalition_id__in=[m.coalition_id for m in due])
    queryset = queryset.annotate(period=_period_of(due))
    return not_recorded(owner_recipients(queryset), ReminderSent.Kind.MID_TERM_REQUEST)


def mid_term_digest_candidates(*, now: datetime, mid_terms: list[MidTerm]):
    """Every member of a coalition whose mid-term digest is due and not recorded for them."""
    due = mid_terms_due(now=now, mid_terms=mid_terms, on="digest_date")
    if not due:
        return None
    preference = NotificationPreference.objects.filter(
        user=OuterRef("user_id"), coalition=OuterRef("coalition_id"), topic=TOPIC
    ).values("delivery")[:1]
    recorded = DigestSent.objects.filter(
        recipient=OuterRef("user_id"),
        coalition=OuterRef("coalition_id"),
        kind=DigestSent.Kind.MID_TERM,
        period=OuterRef("period"),
    )
    return (
        Membership.objects.filter(coalition_id__in=[m.coalition_id for m in due])
        .annotate(period=_period_of(due), delivery=Subquery(preference))
        .filter(~Exists(recorded))
    )


def new_action_point_candidates(*, action_point_id: int):
    """The people to tell about a new action point who have not been told."""
    queryset = owner_recipients(
        ActionPoint.objects.filter(pk=action_point_id, status__in=ActionPoint.ACTIVE)
    ).annotate(period=Value("assigned", output_field=CharField()))
    return not_recorded(queryset, ReminderSent.Kind.ASSIGNED)

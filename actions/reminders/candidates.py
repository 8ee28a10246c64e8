"""Finding what is due: the mid-term periods under way, and the action points (with the people
to tell) whose due-soon, overdue or mid-term reminder is not recorded yet.

Every query here reads against each coalition's own today: one term per time zone (and due-soon
window) in use, so the number of terms stays small whatever the number of rows. Each kind first
narrows the action points by an index; which of the pairs are recorded already is left to the
records' unique key when they are inserted (marks.py keeps the sweep from reading them again).
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Subquery, Value, When
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
    tz_name: str

    @property
    def period(self) -> str:
        return f"meeting-{self.meeting_id}"

    @property
    def digest_date(self) -> date:
        return self.request_date + timedelta(days=MID_TERM_DIGEST_AFTER_DAYS)


def mid_terms_under_way(*, now: datetime) -> list[MidTerm]:
    """Per coalition: the last held coalition meeting before the next planned one, while that is
    ahead. Technical working groups and ad hoc meetings in between do not split the period.

    The next one counts once its invitations are sent: a draft may never be held on its date
    (and is seen by its conveners only), and a cancelled meeting is not planned. Sending the
    invitations changes the mid-term, so the sweep's digest of it moves (marks.py).

    One query; the list has at most one entry per coalition, so the loop is bounded by coalitions.
    """
    coalition_meeting = Meeting.Kind.COALITION
    next_planned = Meeting.objects.filter(
        coalition=OuterRef("coalition"),
        kind=coalition_meeting,
        status=Meeting.Status.PLANNED,
        invitations_sent_at__isnull=False,
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
        Meeting.objects.filter(
            kind=coalition_meeting,
            status__in=HELD,
            starts_at__lte=now,
            coalition__archived_at__isnull=True,
        )
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
            tz_name=tz_name,
        )
        for pk, coalition_id, start, nxt, tz_name in rows
    ]


@dataclass(frozen=True)
class CoalitionState:
    """What the sweep reads of one coalition: its zone, due-soon window and whether it sends."""

    pk: int
    timezone: str
    due_soon_days: int
    sends: bool  # reminders on and not archived


@dataclass(frozen=True)
class Today:
    """What one round of the sweep reads against, in two queries: each coalition's today (per time
    zone and due-soon window in use) and the mid-terms under way."""

    now: datetime
    # (time zone, due-soon days) in use -> that zone's today
    windows: dict[tuple[str, int], date]
    mid_terms: list[MidTerm]
    coalitions: tuple[CoalitionState, ...] = ()

    @classmethod
    def at(cls, now: datetime) -> "Today":
        coalitions = tuple(
            CoalitionState(
                pk=pk,
                timezone=tz_name,
                due_soon_days=days or ReminderSettings.DEFAULT_DUE_SOON_DAYS,
                sends=archived_at is None and enabled is not False,
            )
            for pk, tz_name, days, enabled, archived_at in Coalition.objects.order_by(
                "pk"
            ).values_list(
                "pk",
                "timezone",
                "reminder_settings__due_soon_days",
                "reminder_settings__reminders_enabled",
                "archived_at",
            )
        )
        windows = {(c.timezone, c.due_soon_days): local_today(c.timezone, now) for c in coalitions}
        return cls(
            now=now,
            windows=windows,
            mid_terms=mid_terms_under_way(now=now),
            coalitions=coalitions,
        )

    @property
    def zones(self) -> dict[str, date]:
        return {tz_name: today for (tz_name, _days), today in self.windows.items()}

    def mid_terms_on(self, on: str) -> list[MidTerm]:
        """The mid-terms whose `on` date ("request_date" or "digest_date") has come where the
        coalition is."""
        return [m for m in self.mid_terms if local_today(m.tz_name, self.now) >= getattr(m, on)]


def owner_recipients(queryset):
    """(action point, person) pairs: the owner, or every member for the owner organisation."""
    return (
        queryset.annotate(
            recipient_id=F("owner_organisation__memberships__user_id"),
            member_coalition_id=F("owner_organisation__memberships__coalition_id"),
        )
        .filter(member_coalition_id=F("coalition_id"))
        .filter(Q(owner__isnull=True) | Q(owner_id=F("recipient_id")))
    )


def with_cadence(queryset):
    """Each pair with the person's choice for the coalition's mails (None: each as it happens).
    Read only for the rows a batch takes, never while counting."""
    preference = NotificationPreference.objects.filter(
        user=OuterRef("recipient_id"), coalition=OuterRef("coalition_id"), topic=TOPIC
    ).values("cadence")[:1]
    return queryset.annotate(cadence=Subquery(preference))


def not_recorded(queryset, kind: str):
    """Pairs (with their `period`) without a record of `kind` for it: looked up by the record's
    whole unique key."""
    recorded = ReminderSent.objects.filter(
        period=OuterRef("period"),
        action_point=OuterRef("pk"),
        recipient=OuterRef("recipient_id"),
        kind=kind,
    )
    return queryset.filter(~Exists(recorded))


def active_with_reminders():
    """Open items of coalitions that send reminders (not switched off, not archived)."""
    turned_off = ReminderSettings.objects.filter(reminders_enabled=False).values("coalition_id")
    archived = Coalition.objects.filter(archived_at__isnull=False).values("pk")
    return (
        ActionPoint.objects.filter(status__in=ActionPoint.ACTIVE)
        .exclude(coalition_id__in=turned_off)
        .exclude(coalition_id__in=archived)
    )


def _dated(queryset, window: Q, first: date, last: date):
    """The bounds common to every zone's term let an index on the due date narrow the rows."""
    queryset = queryset.filter(window, due_date__gte=first, due_date__lte=last)
    queryset = queryset.annotate(period=Cast("due_date", CharField()))
    return owner_recipients(queryset)


def due_soon_candidates(*, today: Today):
    """Open items due within each coalition's window, read against each coalition's today."""
    window = Q(pk__in=[])
    for (tz_name, days), local in today.windows.items():
        window |= Q(
            coalition__timezone=tz_name,
            soon_days=days,
            due_date__gte=local,
            due_date__lte=local + timedelta(days=days),
        )
    queryset = active_with_reminders().annotate(
        soon_days=Coalesce(
            F("coalition__reminder_settings__due_soon_days"),
            Value(ReminderSettings.DEFAULT_DUE_SOON_DAYS),
        )
    )
    first = min(today.windows.values(), default=today.now.date())
    last = max(
        (local + timedelta(days=days) for (_tz, days), local in today.windows.items()),
        default=first,
    )
    return _dated(queryset, window, first, last)


def overdue_candidates(*, today: Today):
    window = Q(pk__in=[])
    for tz_name, local in today.zones.items():
        window |= Q(
            coalition__timezone=tz_name,
            due_date__lt=local,
            due_date__gte=local - timedelta(days=OVERDUE_WINDOW_DAYS),
        )
    days = today.zones.values()
    first = min(days, default=today.now.date()) - timedelta(days=OVERDUE_WINDOW_DAYS)
    last = max(days, default=today.now.date())
    return _dated(active_with_reminders(), window, first, last)


def mid_term_request_candidates(*, today: Today):
    """Open items of the coalitions whose mid-term request date has come. Their rows' period is
    each coalition's mid-term (`mid_term_periods`), filled in when they are recorded."""
    due = today.mid_terms_on("request_date")
    if not due:
        return None
    queryset = active_with_reminders().filter(coalition_id__in=[m.coalition_id for m in due])
    return owner_recipients(queryset)


def with_period(queryset, kind: str, today: Today, coalition_ids: list[int]):
    """The candidates of `coalition_ids` with each row's period: the due date (already there),
    or the coalition's mid-term, spelled out for those coalitions only."""
    if kind != ReminderSent.Kind.MID_TERM_REQUEST:
        return queryset
    window = set(coalition_ids)
    periods = [
        When(coalition_id=m.coalition_id, then=Value(m.period))
        for m in today.mid_terms
        if m.coalition_id in window
    ]
    return queryset.annotate(period=Case(*periods, output_field=CharField()))


def mid_term_periods(today: Today) -> dict[int, str]:
    return {m.coalition_id: m.period for m in today.mid_terms}


def reminder_candidates(*, today: Today) -> dict:
    """Each kind of reminder the sweep sends, with its candidates (None: none can be due): every
    (action point, person) pair that is due, recorded or not. The sweep reads them only where
    something moved (marks.py), and the records' unique key leaves out those recorded already;
    `not_recorded` says which those are, for the sweep's walk through one large coalition."""
    return {
        ReminderSent.Kind.MID_TERM_REQUEST: mid_term_request_candidates(today=today),
        ReminderSent.Kind.DUE_SOON: due_soon_candidates(today=today),
        ReminderSent.Kind.OVERDUE: overdue_candidates(today=today),
    }


def mid_term_digest_candidates(*, today: Today):
    """Every member of a coalition whose mid-term digest is due and not recorded for them (the
    period of each is its coalition's mid-term, as for the requests)."""
    due = today.mid_terms_on("digest_date")
    if not due:
        return None
    preference = NotificationPreference.objects.filter(
        user=OuterRef("user_id"), coalition=OuterRef("coalition_id"), topic=TOPIC
    ).values("cadence")[:1]
    recorded = DigestSent.objects.filter(
        recipient=OuterRef("user_id"),
        coalition=OuterRef("coalition_id"),
        kind=DigestSent.Kind.MID_TERM,
        period__in=[m.period for m in due],
    )
    return (
        Membership.objects.filter(coalition_id__in=[m.coalition_id for m in due])
        .filter(~Exists(recorded))
        .annotate(cadence=Subquery(preference))
    )


def new_action_point_candidates(*, action_point_id: int):
    """The people to tell about a new action point who have not been told."""
    queryset = owner_recipients(
        ActionPoint.objects.filter(pk=action_point_id, status__in=ActionPoint.ACTIVE)
    ).annotate(period=Value("assigned", output_field=CharField()))
    return with_cadence(not_recorded(queryset, ReminderSent.Kind.ASSIGNED))

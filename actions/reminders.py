"""The schedule: reminders and digests found by query, recorded before sending, sent once.

Every mail starts life as a row (ReminderSent, DigestSent) whose unique key says what it is and for
which period. Sweeps insert the rows they find due with ON CONFLICT DO NOTHING, so two sweeps at
once, or a sweep repeated after a crash, cannot record (and so cannot send) the same mail twice.
Sending goes through the mail pipeline (mail/pipeline.py): claimed, sent, marked; failures back
off, and the dispatcher brings back whatever waits.
"""

import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
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
from django.urls import reverse
from django.utils import timezone

from coalitions import permissions as perms
from coalitions.models import Coalition, Membership
from config.mail import build_mail
from mail import pipeline
from mail.models import MailStatus
from meetings.models import Meeting

from .models import (
    ActionPoint,
    ActionUpdate,
    DigestSent,
    NotificationPreference,
    ReminderSent,
    ReminderSettings,
)
from .unsubscribe import unsubscribe_token

SWEEP_BATCH_SIZE = 1000
DIGEST_BATCH_SIZE = 500
OVERDUE_WINDOW_DAYS = 30  # an overdue reminder is not sent for items that fell due long ago
MID_TERM_DIGEST_AFTER_DAYS = 7
DIGEST_LOCAL_HOUR = 7  # digests go out from seven in the morning, the reader's time
MAIL_LIST_LIMIT = 50
# The tasks by name: they call into this module, which queues them without importing them.
SEND_REMINDERS = "actions.tasks.send_reminders_task"
SEND_DIGEST = "actions.tasks.send_digest_task"

Cadence = NotificationPreference.Cadence
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
            request_date=mid_term_date(meeting_start=start, next_start=nxt, tz_name=tz_name),
            next_start=nxt,
        )
        for pk, coalition_id, start, nxt, tz_name in rows
    ]


def _todays(now: datetime) -> dict[str, date]:
    zones = Coalition.objects.values_list("timezone", flat=True).distinct()
    return {tz_name: local_today(tz_name, now) for tz_name in zones}


def _owner_recipients(queryset):
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


def _not_recorded(queryset, kind: str):
    recorded = ReminderSent.objects.filter(
        action_point=OuterRef("pk"),
        recipient=OuterRef("recipient_id"),
        kind=kind,
        period=OuterRef("period"),
    )
    return queryset.filter(~Exists(recorded))


def _active_with_reminders():
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
    for tz_name, today in _todays(now).items():
        for days in sorted(lengths):
            window |= Q(
                coalition__timezone=tz_name,
                soon_days=days,
                due_date__gte=today,
                due_date__lte=today + timedelta(days=days),
            )
    queryset = (
        _active_with_reminders()
        .annotate(
            soon_days=Coalesce(
                F("coalition__reminder_settings__due_soon_days"),
                Value(ReminderSettings.DEFAULT_DUE_SOON_DAYS),
            )
        )
        .filter(window)
    )
    queryset = queryset.annotate(period=Cast("due_date", CharField()))
    return _not_recorded(_owner_recipients(queryset), ReminderSent.Kind.DUE_SOON)


def overdue_candidates(*, now: datetime):
    window = Q(pk__in=[])
    for tz_name, today in _todays(now).items():
        window |= Q(
            coalition__timezone=tz_name,
            due_date__lt=today,
            due_date__gte=today - timedelta(days=OVERDUE_WINDOW_DAYS),
        )
    queryset = _active_with_reminders().filter(window)
    queryset = queryset.annotate(period=Cast("due_date", CharField()))
    return _not_recorded(_owner_recipients(queryset), ReminderSent.Kind.OVERDUE)


def mid_term_request_candidates(*, now: datetime, mid_terms: list[MidTerm]):
    todays = _todays(now)
    zones = dict(
        Coalition.objects.filter(pk__in=[m.coalition_id for m in mid_terms]).values_list(
            "pk", "timezone"
        )
    )
    due = [m for m in mid_terms if todays[zones[m.coalition_id]] >= m.request_date]
    if not due:
        return None
    period = Case(
        *[When(coalition_id=m.coalition_id, then=Value(m.period)) for m in due],
        output_field=CharField(),
    )
    queryset = _active_with_reminders().filter(coalition_id__in=[m.coalition_id for m in due])
    queryset = queryset.annotate(period=period)
    return _not_recorded(_owner_recipients(queryset), ReminderSent.Kind.MID_TERM_REQUEST)


def notify_new_action_point(*, action_point_id: int) -> int:
    """Tells the owner (or the owner organisation's members) about a new action point, once."""
    candidates = _owner_recipients(
        ActionPoint.objects.filter(pk=action_point_id, status__in=ActionPoint.ACTIVE)
    ).annotate(period=Value("assigned", output_field=CharField()))
    candidates = _not_recorded(candidates, ReminderSent.Kind.ASSIGNED)
    found, _after = _record_reminders(candidates, ReminderSent.Kind.ASSIGNED, SWEEP_BATCH_SIZE, 0)
    return found


def _status_for(delivery: str | None) -> str:
    if delivery in (Cadence.DAILY, Cadence.WEEKLY):
        return MailStatus.IN_DIGEST
    if delivery == Cadence.NONE:
        return MailStatus.SKIPPED
    return MailStatus.PENDING


def _record_reminders(candidates, kind: str, batch_size: int, after: int) -> tuple[int, int | None]:
    """Records one batch, coalition by coalition from `after`; queues the mails for the rows this
    call inserted. Returns (rows found, where the next round starts or None when done).

    A person's reminders of one kind stay in one batch (so in one mail) unless they alone exceed it.
    """
    if candidates is None:
        return 0, None
    rows = list(
        candidates.filter(coalition_id__gte=after)
        .order_by("coalition_id", "recipient_id", "pk")
        .values_list("pk", "recipient_id", "coalition_id", "period", "delivery")[: batch_size + 1]
    )
    if not rows:
        return 0, None
    next_after = None
    if len(rows) > batch_size:
        overflow, rows = rows[batch_size], rows[:batch_size]
        split = (overflow[2], overflow[1])
        kept = [row for row in rows if (row[2], row[1]) != split]
        rows = kept or rows
        next_after = rows[-1][2]
    claim = uuid.uuid4()
    with transaction.atomic():
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(
                    action_point_id=pk,
                    recipient_id=recipient_id,
                    coalition_id=coalition_id,
                    kind=kind,
                    period=period,
                    status=_status_for(delivery),
                    claim=claim,
                )
                for pk, recipient_id, coalition_id, period, delivery in rows
            ],
            ignore_conflicts=True,
        )
        _queue_reminder_mails(ReminderSent.objects.filter(claim=claim, status=MailStatus.PENDING))
    return len(rows), next_after


def _queue_reminder_mails(rows) -> None:
    groups = rows.order_by().values_list("recipient_id", "coalition_id", "kind").distinct()
    for recipient_id, coalition_id, kind in groups:
        pipeline.publish_on_commit(SEND_REMINDERS, recipient_id, coalition_id, kind)


def queue_reminders(ids: list[int]) -> None:
    """The dispatcher's door: one task per person, coalition and kind among `ids`."""
    groups = (
        ReminderSent.objects.filter(pk__in=ids)
        .order_by()
        .values_list("recipient_id", "coalition_id", "kind")
        .distinct()
    )
    for recipient_id, coalition_id, kind in groups:
        pipeline.publish(SEND_REMINDERS, recipient_id, coalition_id, kind)


def queue_digests(ids: list[int]) -> None:
    for pk in ids:
        pipeline.publish(SEND_DIGEST, pk)


def _record_mid_term_digests(
    *, now: datetime, mid_terms: list[MidTerm], batch_size: int, after: int
) -> tuple[int, int | None]:
    todays = _todays(now)
    zones = dict(
        Coalition.objects.filter(pk__in=[m.coalition_id for m in mid_terms]).values_list(
            "pk", "timezone"
        )
    )
    due = [m for m in mid_terms if todays[zones[m.coalition_id]] >= m.digest_date]
    if not due:
        return 0, None
    period = Case(
        *[When(coalition_id=m.coalition_id, then=Value(m.period)) for m in due],
        output_field=CharField(),
    )
    starts = dict(
        Meeting.objects.filter(pk__in=[m.meeting_id for m in due]).values_list(
            "coalition_id", "starts_at"
        )
    )
    preference = NotificationPreference.objects.filter(
        user=OuterRef("user_id"), coalition=OuterRef("coalition_id"), topic=TOPIC
    ).values("delivery")[:1]
    recorded = DigestSent.objects.filter(
        recipient=OuterRef("user_id"),
        coalition=OuterRef("coalition_id"),
        kind=DigestSent.Kind.MID_TERM,
        period=OuterRef("period"),
    )
    rows = list(
        Membership.objects.filter(coalition_id__in=[m.coalition_id for m in due])
        .annotate(period=period, delivery=Subquery(preference))
        .filter(~Exists(recorded), pk__gt=after)
        .order_by("pk")
        .values_list("pk", "user_id", "coalition_id", "period", "delivery")[:batch_size]
    )
    if not rows:
        return 0, None
    _insert_digests(
        [
            DigestSent(
                recipient_id=user_id,
                coalition_id=coalition_id,
                kind=DigestSent.Kind.MID_TERM,
                period=period,
                since=starts[coalition_id],
                status=MailStatus.SKIPPED if delivery == Cadence.NONE else MailStatus.PENDING,
            )
            for _pk, user_id, coalition_id, period, delivery in rows
        ]
    )
    return len(rows), rows[-1][0] if len(rows) == batch_size else None


def _insert_digests(digests: list[DigestSent]) -> None:
    claim = uuid.uuid4()
    for digest in digests:
        digest.claim = claim
    with transaction.atomic():
        DigestSent.objects.bulk_create(digests, ignore_conflicts=True)
        for pk in DigestSent.objects.filter(claim=claim, status=MailStatus.PENDING).values_list(
            "pk", flat=True
        ):
            pipeline.publish_on_commit(SEND_DIGEST, pk)


@dataclass
class SweepResult:
    found: dict
    cursor: dict  # where each kind's next round starts; empty when everything due is recorded

    @property
    def more(self) -> bool:
        return bool(self.cursor)


def reminder_sweep(
    *, now: datetime | None = None, batch_size: int = SWEEP_BATCH_SIZE, cursor: dict | None = None
) -> SweepResult:
    """One batch of each kind of due reminder. A chain of rounds passes `cursor` on, so each round
    starts where the last stopped; a fresh run (cursor None) starts at the beginning, and the
    NOT EXISTS on the records skips whatever is already recorded."""
    now = now or timezone.now()
    cursor = cursor or {}
    mid_terms = mid_terms_under_way(now=now)
    kinds = {
        ReminderSent.Kind.MID_TERM_REQUEST: mid_term_request_candidates(
            now=now, mid_terms=mid_terms
        )
        if mid_terms
        else None,
        ReminderSent.Kind.DUE_SOON: due_soon_candidates(now=now),
        ReminderSent.Kind.OVERDUE: overdue_candidates(now=now),
    }
    found, next_cursor = {}, {}
    for kind, candidates in kinds.items():
        if cursor and kind not in cursor:
            found[kind] = 0  # finished in an earlier round of this chain
            continue
        found[kind], after = _record_reminders(candidates, kind, batch_size, cursor.get(kind, 0))
        if after is not None:
            next_cursor[kind] = after
    digest_kind = DigestSent.Kind.MID_TERM
    if mid_terms and (not cursor or digest_kind in cursor):
        found[digest_kind], after = _record_mid_term_digests(
            now=now, mid_terms=mid_terms, batch_size=batch_size, after=cursor.get(digest_kind, 0)
        )
        if after is not None:
            next_cursor[digest_kind] = after
    else:
        found[digest_kind] = 0
    return SweepResult(found=found, cursor={str(k): v for k, v in next_cursor.items()})


# Daily and weekly digests -----------------------------------------------------------------------


def digest_periods(*, now: datetime, tz_name: str) -> dict[str, str]:
    """The digest periods that have begun for a reader in `tz_name` (after their local morning)."""
    local = now.astimezone(zoneinfo.ZoneInfo(tz_name))
    periods = {}
    if local.hour >= DIGEST_LOCAL_HOUR:
        periods[DigestSent.Kind.DAILY] = local.date().isoformat()
    if local.weekday() > 0 or local.hour >= DIGEST_LOCAL_HOUR:
        year, week, _day = local.isocalendar()
        periods[DigestSent.Kind.WEEKLY] = f"{year}-W{week:02d}"
    return periods


def digest_run(*, now: datetime | None = None, batch_size: int = DIGEST_BATCH_SIZE) -> int:
    """Records (and queues) the daily and weekly digests whose time has come; returns how many."""
    now = now or timezone.now()
    chosen = (Cadence.DAILY, Cadence.WEEKLY)
    zones = (
        NotificationPreference.objects.filter(topic=TOPIC, delivery__in=chosen)
        .values_list("user__timezone", flat=True)
        .distinct()
    )
    recorded_total = 0
    for tz_name in list(zones):
        for kind, period in digest_periods(now=now, tz_name=tz_name).items():
            since = now - (
                timedelta(days=1) if kind == DigestSent.Kind.DAILY else timedelta(days=7)
            )
            recorded = DigestSent.objects.filter(
                recipient=OuterRef("user_id"),
                coalition=OuterRef("coalition_id"),
                kind=kind,
                period=period,
            )
            still_member = Membership.objects.filter(
                user=OuterRef("user_id"), coalition=OuterRef("coalition_id")
            )
            candidates = NotificationPreference.objects.filter(
                Exists(still_member),
                ~Exists(recorded),
                topic=TOPIC,
                delivery=kind,
                user__timezone=tz_name,
            ).order_by("pk")
            while True:
                rows = list(candidates.values_list("user_id", "coalition_id")[:batch_size])
                if not rows:
                    break
                _insert_digests(
                    [
                        DigestSent(
                            recipient_id=user_id,
                            coalition_id=coalition_id,
                            kind=kind,
                            period=period,
                            since=since,
                        )
                        for user_id, coalition_id in rows
                    ]
                )
                recorded_total += len(rows)
                if len(rows) < batch_size:
                    break
    return recorded_total


# Sending -----------------------------------------------------------------------------------------


def _links(*, user, coalition: Coalition) -> dict:
    token = unsubscribe_token(user_id=user.pk, coalition_id=coalition.pk)
    unsubscribe_url = settings.SITE_URL + reverse("actions:unsubscribe", args=[token])
    return {
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": settings.SITE_URL
        + reverse("actions:preferences", args=[coalition.slug]),
        "list_url": settings.SITE_URL + reverse("actions:list", args=[coalition.slug]),
    }


def _unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _absolute(coalition: Coalition, action_point_id: int, name: str = "actions:detail") -> str:
    return settings.SITE_URL + reverse(name, args=[coalition.slug, action_point_id])


def send_reminders(*, recipient_id: int, coalition_id: int, kind: str) -> list[int]:
    """Sends one mail listing every pending reminder of `kind` for this person; returns row ids.

    On any error the rows go back to wait for their next attempt and the error propagates.
    """

    ids = pipeline.claim(
        ReminderSent.objects.filter(recipient_id=recipient_id, coalition_id=coalition_id, kind=kind)
    )
    if not ids:
        return []
    try:
        return _send_reminders(ids, recipient_id=recipient_id, coalition_id=coalition_id, kind=kind)
    except BaseException as exc:
        # Whatever stopped the mail (the server, the database, a time limit), the rows wait for
        # their next attempt instead of staying claimed.
        pipeline.mark_failed(ReminderSent, ids, error=pipeline.error_text(exc))
        raise


def _send_reminders(ids: list[int], *, recipient_id: int, coalition_id: int, kind: str):
    user = get_user_model().objects.get(pk=recipient_id)
    coalition = Coalition.objects.get(pk=coalition_id)
    visible = perms.visibilities_for(
        perms.perms_by_user(coalition_id=coalition.pk, user_ids=[user.pk])[user.pk]
    )
    items = list(
        ActionPoint.objects.filter(
            reminders__pk__in=ids,
            status__in=ActionPoint.ACTIVE,
            visibility__in=visible,
        )
        .select_related("owner_organisation", "owner", "meeting", "recorded_by")
        .order_by("due_date", "id")
        .distinct()
    )
    if not items:
        # Done, dropped or no longer visible since it fell due: nothing to ask for.
        pipeline.mark_done(ReminderSent, ids, status=MailStatus.NOTHING)
        return ids
    for item in items:
        item.update_url = _absolute(coalition, item.pk, "actions:update")
    links = _links(user=user, coalition=coalition)
    context = {
        "person": user,
        "coalition": coalition,
        "kind": kind,
        "items": items,
        "today": local_today(coalition.timezone, timezone.now()),
        **links,
    }
    template = {
        ReminderSent.Kind.ASSIGNED: "action_assigned",
        ReminderSent.Kind.MID_TERM_REQUEST: "action_mid_term_request",
        ReminderSent.Kind.DUE_SOON: "action_due_soon",
        ReminderSent.Kind.OVERDUE: "action_overdue",
    }[kind]
    message = build_mail(
        to=user.email,
        template=template,
        context=context,
        language=user.preferred_language,
        headers={
            **_unsubscribe_headers(links["unsubscribe_url"]),
            "Message-ID": pipeline.message_id("reminder", min(ids)),
        },
    )
    message.send()
    pipeline.mark_sent(ReminderSent, ids)
    return ids


def digest_content(*, digest: DigestSent, now: datetime) -> dict:
    """What one person's digest holds, filtered by what their role may see in the coalition."""
    coalition = digest.coalition
    held = perms.perms_by_user(coalition_id=coalition.pk, user_ids=[digest.recipient_id])[
        digest.recipient_id
    ]
    visible = perms.visibilities_for(held)
    today = local_today(coalition.timezone, now)
    in_coalition = ActionPoint.objects.filter(coalition=coalition, visibility__in=visible)
    active = in_coalition.filter(status__in=ActionPoint.ACTIVE)
    moved = list(
        ActionUpdate.objects.filter(
            action_point__in=in_coalition, created_at__gte=digest.since, created_at__lte=now
        )
        .select_related("action_point__owner_organisation", "author")
        .order_by("action_point_id", "created_at")[:MAIL_LIST_LIMIT]
    )
    overdue = active.filter(due_date__lt=today).select_related("owner_organisation", "owner")
    content = {
        "moved": moved,
        "overdue": list(overdue.order_by("due_date", "id")[:MAIL_LIST_LIMIT]),
        "overdue_count": overdue.count(),
        "no_update": [],
        "mine": [],
        "today": today,
    }
    if digest.kind == DigestSent.Kind.MID_TERM:
        silent = active.filter(
            ~Exists(
                ActionUpdate.objects.filter(
                    action_point=OuterRef("pk"), created_at__gte=digest.since
                )
            )
        ).select_related("owner_organisation", "owner")
        content["no_update"] = list(silent.order_by("due_date", "id")[:MAIL_LIST_LIMIT])
        content["no_update_count"] = silent.count()
    else:
        waiting = ReminderSent.objects.filter(
            recipient=digest.recipient, coalition=coalition, status=MailStatus.IN_DIGEST
        )
        content["reminder_ids"] = list(waiting.values_list("pk", flat=True))
        content["mine"] = list(
            active.filter(reminders__pk__in=content["reminder_ids"])
            .select_related("owner_organisation", "owner")
            .distinct()
            .order_by("due_date", "id")
        )
    for group in ("overdue", "no_update", "mine"):
        for item in content[group]:
            item.url = _absolute(coalition, item.pk)
            item.update_url = _absolute(coalition, item.pk, "actions:update")
    for update in moved:
        update.url = _absolute(coalition, update.action_point_id)
    content["is_empty"] = not (
        content["moved"] or content["overdue"] or content["mine"] or content["no_update"]
    )
    return content


def send_digest(*, digest_id: int, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if not pipeline.claim(DigestSent.objects.filter(pk=digest_id)):
        return False
    try:
        return _send_digest(digest_id, now=now)
    except BaseException as exc:
        pipeline.mark_failed(DigestSent, [digest_id], error=pipeline.error_text(exc))
        raise


def _send_digest(digest_id: int, *, now: datetime) -> bool:
    from config.mail import build_mail

    digest = DigestSent.objects.select_related("coalition", "recipient").get(pk=digest_id)
    content = digest_content(digest=digest, now=now)
    reminder_ids = content.get("reminder_ids", [])
    if content["is_empty"] and digest.kind != DigestSent.Kind.MID_TERM:
        pipeline.mark_done(DigestSent, [digest_id], status=MailStatus.NOTHING)
        return False
    links = _links(user=digest.recipient, coalition=digest.coalition)
    message = build_mail(
        to=digest.recipient.email,
        template="action_digest",
        context={
            "digest": digest,
            "person": digest.recipient,
            "coalition": digest.coalition,
            **content,
            **links,
        },
        language=digest.recipient.preferred_language,
        headers={
            **_unsubscribe_headers(links["unsubscribe_url"]),
            "Message-ID": pipeline.message_id("digest", digest_id),
        },
    )
    message.send()
    pipeline.mark_sent(DigestSent, [digest_id])
    if reminder_ids:
        ReminderSent.objects.filter(pk__in=reminder_ids).update(
            status=MailStatus.DIGESTED, sent_at=timezone.now()
        )
    return True

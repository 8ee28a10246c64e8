"""Daily and weekly digests: which are due (from the reader's local morning), recorded in rounds
that the task chain re-queues. What a digest holds is read when it is sent (sending.py)."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.utils import timezone

from coalitions.models import Membership

from ..models import DigestSent, NotificationPreference
from .candidates import TOPIC
from .recording import record_digests

DIGEST_BATCH_SIZE = 500
DIGEST_LOCAL_HOUR = 7  # digests go out from seven in the morning, the reader's time

Cadence = NotificationPreference.Cadence
CHOSEN = (Cadence.DAILY, Cadence.WEEKLY)  # the same values as the digest kinds
SINCE = {DigestSent.Kind.DAILY: timedelta(days=1), DigestSent.Kind.WEEKLY: timedelta(days=7)}


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


@dataclass
class DigestRound:
    found: int
    after: int | None  # the preference the next round starts after; None when all are recorded

    @property
    def more(self) -> bool:
        return self.after is not None


def digest_round(
    *, now: datetime, batch_size: int = DIGEST_BATCH_SIZE, after: int = 0
) -> DigestRound:
    """Records (and queues) one batch of the daily and weekly digests whose time has come, walking
    the readers' preferences in id order from `after`."""
    zones = (
        NotificationPreference.objects.filter(topic=TOPIC, cadence__in=CHOSEN)
        .values_list("user__timezone", flat=True)
        .distinct()
    )
    begun = [
        When(user__timezone=tz_name, cadence=kind, then=Value(period))
        for tz_name in list(zones)
        for kind, period in digest_periods(now=now, tz_name=tz_name).items()
    ]
    if not begun:
        return DigestRound(found=0, after=None)
    recorded = DigestSent.objects.filter(
        recipient=OuterRef("user_id"),
        coalition=OuterRef("coalition_id"),
        kind=OuterRef("cadence"),
        period=OuterRef("period"),
    )
    still_member = Membership.objects.filter(
        user=OuterRef("user_id"),
        coalition=OuterRef("coalition_id"),
        coalition__archived_at__isnull=True,
    )
    rows = list(
        NotificationPreference.objects.filter(topic=TOPIC, cadence__in=CHOSEN, pk__gt=after)
        .annotate(period=Case(*begun, output_field=CharField()))
        .filter(period__isnull=False)
        .filter(Exists(still_member), ~Exists(recorded))
        .order_by("pk")
        .values_list("pk", "user_id", "coalition_id", "cadence", "period")[:batch_size]
    )
    if rows:
        record_digests(
            [
                DigestSent(
                    recipient_id=user_id,
                    coalition_id=coalition_id,
                    kind=kind,
                    period=period,
                    since=now - SINCE[kind],
                )
                for _pk, user_id, coalition_id, kind, period in rows
            ]
        )
    return DigestRound(found=len(rows), after=rows[-1][0] if len(rows) == batch_size else None)


def digest_run(*, now: datetime | None = None, batch_size: int = DIGEST_BATCH_SIZE) -> int:
    """Every round of one digest run in this process (the management command); the beat task
    runs one round per task instead. Returns how many digests it recorded."""
    now = now or timezone.now()
    recorded, after = 0, 0
    while after is not None:
        result = digest_round(now=now, batch_size=batch_size, after=after)
        recorded += result.found
        after = result.after
    return recorded

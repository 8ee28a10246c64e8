"""Recording what is due, in batches: each reminder and digest becomes a row before any mail.

A row's unique key says what the mail is and for which period; rows go in with ON CONFLICT DO
NOTHING, so two sweeps at once, or a sweep repeated after a crash, cannot record (and so cannot
send) the same mail twice. The mails of the rows one batch inserted are queued when it commits.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mail.models import MailStatus

from ..models import DigestSent, NotificationPreference, ReminderSent
from . import candidates, sending

SWEEP_BATCH_SIZE = 1000

Cadence = NotificationPreference.Cadence


def _status_for(delivery: str | None) -> str:
    if delivery in (Cadence.DAILY, Cadence.WEEKLY):
        return MailStatus.IN_DIGEST
    if delivery == Cadence.NONE:
        return MailStatus.SKIPPED
    return MailStatus.PENDING


def notify_new_action_point(*, action_point_id: int) -> int:
    """Tells the owner (or the owner organisation's members) about a new action point, once."""
    found, _after = _record_reminders(
        candidates.new_action_point_candidates(action_point_id=action_point_id),
        ReminderSent.Kind.ASSIGNED,
        SWEEP_BATCH_SIZE,
        0,
    )
    return found


def _record_reminders(rows, kind: str, batch_size: int, after: int) -> tuple[int, int | None]:
    """Records one batch, coalition by coalition from `after`; queues the mails for the rows this
    call inserted. Returns (rows found, where the next round starts or None when done).

    A person's reminders of one kind stay in one batch (so in one mail) unless they alone exceed it.
    """
    if rows is None:
        return 0, None
    rows = list(
        rows.filter(coalition_id__gte=after)
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
        sending.queue_reminders_on_commit(
            ReminderSent.objects.filter(claim=claim, status=MailStatus.PENDING)
        )
    return len(rows), next_after


def record_digests(digests: list[DigestSent]) -> None:
    """Inserts digest rows (those recorded already are left as they are) and queues the mails of
    the new ones that are to be sent."""
    claim = uuid.uuid4()
    for digest in digests:
        digest.claim = claim
    with transaction.atomic():
        DigestSent.objects.bulk_create(digests, ignore_conflicts=True)
        sending.queue_digests_on_commit(
            DigestSent.objects.filter(claim=claim, status=MailStatus.PENDING)
        )


def _record_mid_term_digests(
    *, now: datetime, mid_terms: list[candidates.MidTerm], batch_size: int, after: int
) -> tuple[int, int | None]:
    members = candidates.mid_term_digest_candidates(now=now, mid_terms=mid_terms)
    if members is None:
        return 0, None
    rows = list(
        members.filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", "user_id", "coalition_id", "period", "delivery")[:batch_size]
    )
    if not rows:
        return 0, None
    starts = {m.coalition_id: m.meeting_start for m in mid_terms}
    record_digests(
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
    mid_terms = candidates.mid_terms_under_way(now=now)
    kinds = {
        ReminderSent.Kind.MID_TERM_REQUEST: candidates.mid_term_request_candidates(
            now=now, mid_terms=mid_terms
        )
        if mid_terms
        else None,
        ReminderSent.Kind.DUE_SOON: candidates.due_soon_candidates(now=now),
        ReminderSent.Kind.OVERDUE: candidates.overdue_candidates(now=now),
    }
    found, next_cursor = {}, {}
    for kind, rows in kinds.items():
        if cursor and kind not in cursor:
            found[kind] = 0  # finished in an earlier round of this chain
            continue
        found[kind], after = _record_reminders(rows, kind, batch_size, cursor.get(kind, 0))
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

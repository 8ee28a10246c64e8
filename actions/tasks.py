"""Thin doors into actions.reminders: ids in, batches re-queued. A mail that fails waits in its row
with a back-off and the mail dispatcher queues it again (mail/pipeline.py): no retry here."""

import logging
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from mail.pipeline import MAIL_ERRORS

from .reminders import digests, recording, sending

logger = logging.getLogger(__name__)

# One chain of re-queued rounds stops here; the next beat run carries on where it left off.
MAX_SWEEP_ROUNDS = 200
MAX_DIGEST_ROUNDS = 200


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def reminder_sweep_task(self, round_number: int = 1, cursor: dict | None = None) -> dict:
    result = recording.reminder_sweep(cursor=cursor)
    if result.more and round_number < MAX_SWEEP_ROUNDS:
        reminder_sweep_task.apply_async(
            kwargs={"round_number": round_number + 1, "cursor": result.cursor}
        )
    return {str(key): value for key, value in result.found.items()}


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def digest_run_task(self, round_number: int = 1, after: int = 0, now: str | None = None) -> int:
    """One round of the daily and weekly digests; the rounds of one run share its time, so they
    agree on which periods have begun."""
    at = datetime.fromisoformat(now) if now else timezone.now()
    result = digests.digest_round(now=at, after=after)
    if result.more and round_number < MAX_DIGEST_ROUNDS:
        digest_run_task.apply_async(
            kwargs={"round_number": round_number + 1, "after": result.after, "now": at.isoformat()}
        )
    return result.found


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_reminders_task(self, recipient_id: int, coalition_id: int, kind: str) -> int:
    try:
        return len(
            sending.send_reminders(recipient_id=recipient_id, coalition_id=coalition_id, kind=kind)
        )
    except MAIL_ERRORS:
        return 0  # recorded on the rows, which wait for their next attempt


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_digest_task(self, digest_id: int) -> bool:
    try:
        return sending.send_digest(digest_id=digest_id)
    except MAIL_ERRORS:
        return False


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90)
def notify_new_action_point_task(self, action_point_id: int) -> int:
    return recording.notify_new_action_point(action_point_id=action_point_id)

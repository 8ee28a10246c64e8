"""Thin doors into actions.reminders: ids in, batches re-queued. A mail that fails waits in its row
with a back-off and the mail dispatcher queues it again (mail/pipeline.py): no retry here."""

import logging

from celery import shared_task

from mail.pipeline import MAIL_ERRORS

from . import reminders

logger = logging.getLogger(__name__)

MAX_SWEEP_ROUNDS = 200  # one chain of re-queued sweeps stops here; the next beat run carries on


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def reminder_sweep_task(self, round_number: int = 1, cursor: dict | None = None) -> dict:
    result = reminders.reminder_sweep(cursor=cursor)
    if result.more and round_number < MAX_SWEEP_ROUNDS:
        reminder_sweep_task.apply_async(
            kwargs={"round_number": round_number + 1, "cursor": result.cursor}
        )
    return {str(key): value for key, value in result.found.items()}


@shared_task(bind=True, soft_time_limit=300, time_limit=360)
def digest_run_task(self) -> int:
    return reminders.digest_run()


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_reminders_task(self, recipient_id: int, coalition_id: int, kind: str) -> int:
    try:
        return len(
            reminders.send_reminders(
                recipient_id=recipient_id, coalition_id=coalition_id, kind=kind
            )
        )
    except MAIL_ERRORS:
        return 0  # recorded on the rows, which wait for their next attempt


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_digest_task(self, digest_id: int) -> bool:
    try:
        return reminders.send_digest(digest_id=digest_id)
    except MAIL_ERRORS:
        return False


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90)
def notify_new_action_point_task(self, action_point_id: int) -> int:
    return reminders.notify_new_action_point(action_point_id=action_point_id)

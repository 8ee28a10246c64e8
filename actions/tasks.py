"""Thin doors into actions.reminders: ids in, bounded retries with back-off, batches re-queued."""

import logging

from celery import shared_task

from coalitions.tasks import MAIL_ERRORS

from . import reminders
from .models import DigestSent, ReminderSent

logger = logging.getLogger(__name__)

MAX_SWEEP_ROUNDS = 200  # one chain of re-queued sweeps stops here; the next beat run carries on


@shared_task(bind=True, soft_time_limit=120, time_limit=180, acks_late=True)
def reminder_sweep_task(self, round_number: int = 1, cursor: dict | None = None) -> dict:
    result = reminders.reminder_sweep(cursor=cursor)
    if result.more and round_number < MAX_SWEEP_ROUNDS:
        reminder_sweep_task.apply_async(
            kwargs={"round_number": round_number + 1, "cursor": result.cursor}
        )
    return {str(key): value for key, value in result.found.items()}


@shared_task(bind=True, soft_time_limit=300, time_limit=360, acks_late=True)
def digest_run_task(self) -> int:
    return reminders.digest_run()


def _retry(task, model, exc, **filters):
    final = task.request.retries >= task.max_retries
    error = str(exc) or exc.__class__.__name__
    reminders.record_failure(
        model, error=error if final else f"retrying: {error}", final=final, **filters
    )
    if final:
        logger.error("%s %s could not be sent: %s", model.__name__, filters, exc)
        raise exc
    raise task.retry(exc=exc, countdown=30 * 2**task.request.retries)


@shared_task(bind=True, max_retries=5, soft_time_limit=60, time_limit=90, acks_late=True)
def send_reminders_task(self, recipient_id: int, coalition_id: int, kind: str) -> int:
    try:
        return len(
            reminders.send_reminders(
                recipient_id=recipient_id, coalition_id=coalition_id, kind=kind
            )
        )
    except MAIL_ERRORS as exc:
        _retry(
            self, ReminderSent, exc, recipient_id=recipient_id, coalition_id=coalition_id, kind=kind
        )


@shared_task(bind=True, max_retries=5, soft_time_limit=60, time_limit=90, acks_late=True)
def send_digest_task(self, digest_id: int) -> bool:
    try:
        return reminders.send_digest(digest_id=digest_id)
    except MAIL_ERRORS as exc:
        _retry(self, DigestSent, exc, pk=digest_id)


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90, acks_late=True)
def notify_new_action_point_task(self, action_point_id: int) -> int:
    return reminders.notify_new_action_point(action_point_id=action_point_id)

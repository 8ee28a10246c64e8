"""Thin doors into meetings.summary: ids in, bounded retries with back-off, failures recorded."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings

from config.mail import open_connection

from .models import Delivery, Summary
from .summary import (
    deliver_pending,
    deliveries_mark_failed,
    deliveries_record_attempt,
    summary_render,
    summary_set_state,
)

logger = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError, ConnectionError)
MAX_RETRIES = 5


def _countdown(retries: int) -> int:
    return getattr(settings, "MEETINGS_RETRY_BASE_SECONDS", 30) * 2**retries


def _send(meeting_id: int, kind: str, sequence: int) -> tuple[int, int]:
    connection = open_connection()
    connection.open()
    try:
        return deliver_pending(
            meeting_id=meeting_id, kind=kind, sequence=sequence, connection=connection
        )
    finally:
        connection.close()


@shared_task(
    bind=True, max_retries=MAX_RETRIES, soft_time_limit=300, time_limit=360, acks_late=True
)
def send_meeting_mail_task(self, meeting_id: int, kind: str, sequence: int) -> int:
    """Invitations, updates and cancellations, with the .ics attached."""
    try:
        sent, _skipped = _send(meeting_id, kind, sequence)
    except MAIL_ERRORS as exc:
        deliveries_record_attempt(
            meeting_id=meeting_id, kind=kind, error=str(exc) or exc.__class__.__name__
        )
        if self.request.retries >= self.max_retries:
            failed = deliveries_mark_failed(
                meeting_id=meeting_id, kind=kind, error=str(exc) or exc.__class__.__name__
            )
            logger.error(
                "Meeting %s: %s mail failed for %s people: %s", meeting_id, kind, failed, exc
            )
            return 0
        raise self.retry(exc=exc, countdown=_countdown(self.request.retries)) from exc
    return sent


@shared_task(
    bind=True, max_retries=MAX_RETRIES, soft_time_limit=600, time_limit=660, acks_late=True
)
def publish_summary_task(self, meeting_id: int) -> str:
    """Renders the summary PDF (once) and mails every participant who has not had it yet."""
    if not Summary.objects.filter(meeting_id=meeting_id).exists():
        return "no summary"
    try:
        summary_render(meeting_id=meeting_id)
    except Exception as exc:  # any renderer or storage failure is retried, then shown on the page
        return _retry_or_fail(self, meeting_id, exc, "The PDF could not be rendered")
    summary_set_state(meeting_id=meeting_id, state=Summary.State.SENDING)
    try:
        _send(meeting_id, Delivery.Kind.SUMMARY, 0)
    except MAIL_ERRORS as exc:
        return _retry_or_fail(self, meeting_id, exc, "The mail server refused or was unreachable")
    failed = Delivery.objects.filter(
        meeting_id=meeting_id, kind=Delivery.Kind.SUMMARY, state=Delivery.State.FAILED
    ).count()
    if failed:
        summary_set_state(
            meeting_id=meeting_id,
            state=Summary.State.FAILED,
            error=f"{failed} mail(s) could not be delivered",
        )
        return "failed"
    summary_set_state(meeting_id=meeting_id, state=Summary.State.SENT)
    return "sent"


def _retry_or_fail(task, meeting_id: int, exc: Exception, what: str) -> str:
    reason = f"{what}: {exc or exc.__class__.__name__}"
    deliveries_record_attempt(meeting_id=meeting_id, kind=Delivery.Kind.SUMMARY, error=reason)
    if task.request.retries >= task.max_retries:
        deliveries_mark_failed(meeting_id=meeting_id, kind=Delivery.Kind.SUMMARY, error=reason)
        summary_set_state(meeting_id=meeting_id, state=Summary.State.FAILED, error=reason)
        logger.error("Meeting %s: summary failed: %s", meeting_id, reason)
        return "failed"
    summary_set_state(
        meeting_id=meeting_id,
        state=Summary.State.QUEUED,
        error=f"retry {task.request.retries + 1} of {task.max_retries}: {reason}",
    )
    raise task.retry(exc=exc, countdown=_countdown(task.request.retries)) from exc

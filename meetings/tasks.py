"""Thin doors into meetings.summary: ids in, one batch of mails per run, the rest re-queued. A mail
that fails waits in its row with a back-off and the mail dispatcher queues it again
(mail/pipeline.py): no retry here."""

import logging

from celery import shared_task

from mail import pipeline
from mail.models import UNSENT
from mail.pipeline import MAIL_ERRORS

from .models import Delivery, Summary
from .summary import deliver_batch, summary_refresh_state, summary_render, summary_set_state

logger = logging.getLogger(__name__)

SEND_MEETING_MAIL = "meetings.tasks.send_meeting_mail_task"


def _send_batch(meeting_id: int, kind: str, sequence: int) -> int:
    if kind == Delivery.Kind.SUMMARY and not _summary_ready(meeting_id):
        return 0
    try:
        sent, more = deliver_batch(meeting_id=meeting_id, kind=kind, sequence=sequence)
    except MAIL_ERRORS:
        sent, more = 0, False  # recorded on the rows, which wait for their next attempt
    if more:
        pipeline.publish(SEND_MEETING_MAIL, meeting_id, kind, sequence)
    if kind == Delivery.Kind.SUMMARY:
        summary_refresh_state(meeting_id=meeting_id, revision=sequence)
    return sent


def _summary_ready(meeting_id: int) -> bool:
    """The PDF is rendered (once per publication) before any summary mail goes."""
    if not Summary.objects.filter(meeting_id=meeting_id).exists():
        return False
    try:
        summary_render(meeting_id=meeting_id)
    except Exception as exc:  # any renderer or storage failure: shown, and tried again later
        reason = f"The PDF could not be rendered: {pipeline.error_text(exc)}"
        summary_set_state(meeting_id=meeting_id, state=Summary.State.FAILED, error=reason)
        Delivery.objects.filter(
            meeting_id=meeting_id, kind=Delivery.Kind.SUMMARY, status__in=UNSENT
        ).update(last_error=reason[:500])
        logger.error("Meeting %s: %s", meeting_id, reason)
        return False
    return True


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def send_meeting_mail_task(self, meeting_id: int, kind: str, sequence: int) -> int:
    """Invitations, updates and cancellations (with the .ics attached), and summaries."""
    return _send_batch(meeting_id, kind, sequence)


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def publish_summary_task(self, meeting_id: int, revision: int = 0) -> int:
    """Renders the summary PDF (once per revision) and mails the first batch of participants."""
    return _send_batch(meeting_id, Delivery.Kind.SUMMARY, revision)


def queue_deliveries(ids: list[int]) -> None:
    """The dispatcher's door: one task per meeting, kind and sequence among `ids`."""
    groups = (
        Delivery.objects.filter(pk__in=ids)
        .order_by()
        .values_list("meeting_id", "kind", "sequence")
        .distinct()
    )
    for meeting_id, kind, sequence in groups:
        pipeline.publish(SEND_MEETING_MAIL, meeting_id, kind, sequence)

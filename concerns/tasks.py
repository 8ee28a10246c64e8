"""A thin door into concerns.services: ids in, bounded retries with back-off."""

import logging

from celery import shared_task

from coalitions.tasks import MAIL_ERRORS

from .services import concern_notice_record_failure, concern_notice_send

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, soft_time_limit=60, time_limit=90, acks_late=True)
def send_concern_notice_task(self, notice_id: int) -> bool:
    try:
        return concern_notice_send(notice_id=notice_id)
    except MAIL_ERRORS as exc:
        error = str(exc) or exc.__class__.__name__
        if self.request.retries >= self.max_retries:
            concern_notice_record_failure(notice_id=notice_id, error=error)
            logger.error("Concern notice %s could not be sent: %s", notice_id, exc)
            raise
        concern_notice_record_failure(notice_id=notice_id, error=f"retrying: {error}")
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc

"""A thin door into concerns.services. A mail that fails waits in its row with a back-off and the
mail dispatcher queues it again (mail/pipeline.py): no retry here."""

from celery import shared_task

from mail.pipeline import MAIL_ERRORS

from .services import concern_notice_send


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_concern_notice_task(self, notice_id: int) -> bool:
    try:
        return concern_notice_send(notice_id=notice_id)
    except MAIL_ERRORS:
        return False

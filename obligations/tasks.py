"""Thin doors into obligations.article7.services. A mail that fails waits in its row with a back-off
and the mail dispatcher queues it again (mail/pipeline.py): no retry here."""

from celery import shared_task
from django.utils import timezone

from mail.pipeline import MAIL_ERRORS

from .article7 import services as article7


@shared_task(bind=True, soft_time_limit=120, time_limit=180)
def transparency_reminders_task(self) -> int:
    return article7.reminders_record(today=timezone.localdate())


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_transparency_reminder_task(self, reminder_id: int) -> bool:
    try:
        return article7.reminder_send(reminder_id=reminder_id)
    except MAIL_ERRORS:
        return False

import logging
import smtplib

from celery import shared_task

from .services import invitation_record_send_failure, invitation_send_mail

logger = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError, ConnectionError)


@shared_task(bind=True, max_retries=5, soft_time_limit=60, time_limit=90, acks_late=True)
def send_invitation_email_task(self, invitation_id: int, nonce: str) -> bool:
    try:
        return invitation_send_mail(invitation_id=invitation_id, nonce=nonce)
    except MAIL_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            invitation_record_send_failure(
                invitation_id=invitation_id, error=str(exc) or exc.__class__.__name__
            )
            logger.error("Invitation %s could not be sent: %s", invitation_id, exc)
            raise
        invitation_record_send_failure(
            invitation_id=invitation_id, error=f"retrying: {exc or exc.__class__.__name__}"
        )
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc

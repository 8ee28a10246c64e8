"""A thin door into coalitions.services. A mail that fails waits in its row with a back-off and
the mail dispatcher queues it again (mail/pipeline.py): no retry here."""

from celery import shared_task

from mail.pipeline import MAIL_ERRORS

from .services import hand_over_send_mail, invitation_send_mail


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_invitation_email_task(self, invitation_id: int, nonce: str = "") -> bool:
    # `nonce` is what older queued messages carry; the row's own nonce is what is sent.
    try:
        return invitation_send_mail(invitation_id=invitation_id)
    except MAIL_ERRORS:
        return False


@shared_task(bind=True, soft_time_limit=60, time_limit=90)
def send_hand_over_email_task(self, hand_over_id: int) -> bool:
    try:
        return hand_over_send_mail(hand_over_id=hand_over_id)
    except MAIL_ERRORS:
        return False

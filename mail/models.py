"""The sending state every outgoing mail row carries, whichever change caused the mail.

Each app keeps the row that says *what* the mail is (its unique key makes a second row for the
same mail impossible, and it is written in the transaction of the change that causes it); the
state below says where its sending stands, and `mail.pipeline` is the one code that moves it.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    # Still retried, at longer intervals: failing, never given up.
    FAILED = "failed", _("Failed")
    IN_DIGEST = "in_digest", _("Waiting for the person's digest")
    DIGESTED = "digested", _("Sent in a digest")
    SKIPPED = "skipped", _("Not sent (the person chose no mails)")
    NOTHING = "nothing", _("Not sent (nothing to report)")
    NOT_MEMBER = "not_member", _("Not sent (no longer a member)")


# How each status is shown in the mail logs: sent, failing, or on its way; the settled rest (in or
# sent with a digest, not sent by choice or for want of news or of membership) asks nothing of anyone.
MAIL_STATUS_CSS = {
    MailStatus.PENDING: "status-warn",
    MailStatus.SENDING: "status-warn",
    MailStatus.SENT: "status-ok",
    MailStatus.FAILED: "status-bad",
    MailStatus.IN_DIGEST: "",
    MailStatus.DIGESTED: "",
    MailStatus.SKIPPED: "",
    MailStatus.NOTHING: "",
    MailStatus.NOT_MEMBER: "",
}

# Rows the pipeline may still send.
UNSENT = (MailStatus.PENDING, MailStatus.FAILED)


class MailRecord(models.Model):
    status = models.CharField(max_length=12, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When the dispatcher may queue the row (again): its creation, then each back-off.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # When a worker claimed it; a row left "sending" longer than the stale limit is claimed again.
    locked_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_failing(self) -> bool:
        return self.status == MailStatus.FAILED

    @property
    def status_css(self) -> str:
        return MAIL_STATUS_CSS[self.status]

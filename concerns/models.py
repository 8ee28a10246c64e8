from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from coalitions.models import Coalition, Organisation
from coalitions.text_limits import TEXT_MAX_LENGTH, BoundedTextField
from mail.models import MailRecord

SUBJECT_MAX_LENGTH = 200


class Concern(models.Model):
    """A confidential message from a member to the coalition's facilitators, and nobody else."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        ON_AGENDA = "on_agenda", _("Brought to the agenda")
        CLOSED = "closed", _("Closed")

    coalition = models.ForeignKey(Coalition, on_delete=models.CASCADE, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_by_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    text = BoundedTextField(_("concern"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    facilitator_note = BoundedTextField(_("private note"), blank=True, max_length=TEXT_MAX_LENGTH)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        verbose_name=_("agenda item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    # The history carries the sender too; only site staff read it (through the admin).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["coalition", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="concern_closed_has_date",
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="concern_subject_not_empty"),
        ]

    def __str__(self) -> str:
        return self.subject


class ConcernNotice(MailRecord):
    """The notice to one facilitator that a concern arrived: one row each, so a retried task
    never mails twice; its sending state is the mail pipeline's (mail/models.py)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(MailRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "recipient"], name="concern_notice_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.concern_id} → {self.recipient_id}"

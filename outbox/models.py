from email import message_from_bytes, policy

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """A mail that the local backend kept instead of sending, readable by staff in the browser."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=320)
    to = models.TextField(help_text="Recipients, one per line.")
    raw = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return [r for r in self.to.splitlines() if r]

    def parsed(self):
        return message_from_bytes(bytes(self.raw), policy=policy.default)

    def text_body(self) -> str:
        part = self.parsed().get_body(preferencelist=("plain",))
        return part.get_content() if part else ""

    def html_body(self) -> str:
        part = self.parsed().get_body(preferencelist=("html",))
        return part.get_content() if part else ""

    def attachments(self) -> list[tuple[str, str, bytes]]:
        return [
            (
                part.get_filename() or "attachment",
                part.get_content_type(),
                part.get_payload(decode=True),
            )
            for part in self.parsed().iter_attachments()
        ]

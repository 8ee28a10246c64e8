from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxMessage


class OutboxBackend(BaseEmailBackend):
    """Keeps every mail in the database (the local outbox) instead of sending it."""

    def send_messages(self, email_messages):
        rows = [
            OutboxMessage(
                subject=str(message.subject)[:998],
                from_email=message.from_email,
                to="\n".join(message.recipients()),
                raw=message.message().as_bytes(linesep="\n"),
            )
            for message in email_messages
            if message.recipients()
        ]
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)

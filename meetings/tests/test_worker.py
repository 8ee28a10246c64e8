"""The summary job on a real Celery worker consuming from Redis, as in production."""

import pytest

from coalitions.models import Role
from mail.models import MailStatus
from meetings import services
from meetings.models import Delivery, Summary
from meetings.tests.factories import held_meeting_with_record
from tests.fixtures import wait_for


@pytest.mark.django_db(transaction=True)
def test_worker_renders_and_mails_the_summary_end_to_end(
    celery_worker, coalition, members, outbox_messages
):
    meeting = held_meeting_with_record(coalition, members)
    # A real commit: the task is queued on Redis by transaction.on_commit and run by the worker.
    services.summary_publish(meeting=meeting, actor=members[Role.FACILITATOR])

    assert wait_for(
        lambda: (
            Summary.objects.get(meeting=meeting).state in (Summary.State.SENT, Summary.State.FAILED)
        ),
        timeout=60,
        what="the summary to be sent or to fail",
    )
    summary = Summary.objects.get(meeting=meeting)
    assert summary.state == Summary.State.SENT, summary.error
    assert summary.pdf_full.read().startswith(b"%PDF")
    assert outbox_messages.count() == len(members)
    assert set(
        Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.SUMMARY).values_list(
            "status", flat=True
        )
    ) == {MailStatus.SENT}
    message = outbox_messages.first()
    [(filename, content_type, data)] = message.attachments()
    assert content_type == "application/pdf" and data.startswith(b"%PDF")

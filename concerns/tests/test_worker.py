"""The notice travels through Redis to a real Celery worker and lands in the outbox."""

import pytest

from coalitions.models import Role
from concerns import services
from concerns.models import ConcernNotice
from tests.fixtures import wait_for


@pytest.mark.django_db(transaction=True)
def test_worker_mails_the_notice_after_commit(celery_worker, coalition, members, outbox_messages):
    sender = members[Role.OPERATOR]
    concern = services.concern_raise(
        coalition=coalition,
        actor=sender,
        organisation=sender.memberships.get().organisation,
        subject="Access",
        text="Waits at checkpoints",
    )
    # The worker writes the mail, then records the notice as sent: wait for the whole job.
    wait_for(
        lambda: ConcernNotice.objects.filter(concern=concern, sent_at__isnull=False).exists(),
        timeout=20,
        what="the notice sent and recorded",
        every=0.1,
    )
    [message] = list(outbox_messages)
    assert message.recipients == [members[Role.FACILITATOR].email]
    assert "Waits at checkpoints" not in message.text_body()
    assert ConcernNotice.objects.get(concern=concern).sent_at is not None

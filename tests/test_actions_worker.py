"""End to end: the beat task on a real Celery worker and Redis, mail through a real SMTP server."""

import socket
import time
from datetime import timedelta

import pytest


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    class Collect(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_beat_sweep_on_a_real_worker_sends_through_smtp_once(celery_worker, smtp_server, settings):
    from actions.models import ReminderSent
    from actions.selectors import coalition_today
    from actions.tasks import reminder_sweep_task
    from actions.tests.factories import make_action_point
    from coalitions.models import Role
    from coalitions.tests.factories import CoalitionFactory, add_member
    from mail.models import MailStatus

    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False

    coalition = CoalitionFactory(timezone_name="Asia/Beirut")
    owner = add_member(coalition, Role.OPERATOR)
    make_action_point(
        coalition,
        owner=owner,
        title="Report the survey",
        due_date=coalition_today(coalition) - timedelta(days=1),
    )
    assert (
        settings.CELERY_BEAT_SCHEDULE["actions-reminder-sweep"]["task"] == reminder_sweep_task.name
    )

    # Recording it told the owner at once (a task queued on commit, run by the worker).
    assert wait_for(lambda: len(handler.messages) == 1)
    assert "new action point" in handler.messages[0]["Subject"]

    reminder_sweep_task.delay().get(timeout=30)
    assert wait_for(lambda: len(handler.messages) == 2)
    assert wait_for(
        lambda: ReminderSent.objects.filter(kind="overdue", status=MailStatus.SENT).count() == 1
    )
    message = handler.messages[1]
    assert message["To"] == owner.email
    assert "overdue" in message["Subject"]
    assert message["List-Unsubscribe"].strip().startswith("<http")
    text = next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    assert "Report the survey" in text and "/update/" in text

    reminder_sweep_task.delay().get(timeout=30)
    time.sleep(1)
    assert len(handler.messages) == 2

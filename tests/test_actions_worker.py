"""End to end: the beat task on a real Celery worker and Redis, mail through a real SMTP server."""

from datetime import timedelta
from email import message_from_bytes

from tests.fixtures import wait_for


def sweep_on_the_worker() -> None:
    """Queues the beat's sweep and waits until the worker has finished it (the app keeps no task
    results, so the worker's own count of finished tasks tells)."""
    from celery.worker import state

    from actions.tasks import reminder_sweep_task

    done = state.total_count[reminder_sweep_task.name]
    reminder_sweep_task.delay()
    wait_for(
        lambda: state.total_count[reminder_sweep_task.name] > done,
        what="the worker to finish the sweep",
    )


def test_beat_sweep_on_a_real_worker_sends_through_smtp_once(celery_worker, smtp_server, settings):
    from actions.models import DigestSent, ReminderSent
    from actions.selectors import coalition_today
    from actions.tasks import reminder_sweep_task
    from actions.tests.factories import make_action_point
    from coalitions.models import Role
    from coalitions.tests.factories import CoalitionFactory, add_member
    from mail.models import MailStatus

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
    assert wait_for(lambda: len(smtp_server.messages) == 1, what="the new action point notice")
    assert "new action point" in message_from_bytes(smtp_server.messages[0][1])["Subject"]

    sweep_on_the_worker()
    assert wait_for(lambda: len(smtp_server.messages) == 2, what="the overdue reminder")
    assert wait_for(
        lambda: ReminderSent.objects.filter(kind="overdue", status=MailStatus.SENT).count() == 1,
        what="the overdue reminder recorded as sent",
    )
    rcpt_tos, raw = smtp_server.messages[1]
    message = message_from_bytes(raw)
    assert message["To"] == owner.email
    assert "overdue" in message["Subject"]
    assert message["List-Unsubscribe"].strip().startswith("<http")
    text = next(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    )
    assert "Report the survey" in text and "/update/" in text

    # A mail goes out only for a row recorded as pending, and a sweep's rows are committed (and
    # their mails queued) before the worker counts it done: a second sweep that records nothing and
    # leaves every row sent cannot send a third mail, however long one waits for it.
    rows = list(ReminderSent.objects.order_by("pk").values_list("pk", "kind", "status"))
    assert [(kind, status) for _pk, kind, status in rows] == [
        ("assigned", MailStatus.SENT),
        ("overdue", MailStatus.SENT),
    ]
    sweep_on_the_worker()
    assert list(ReminderSent.objects.order_by("pk").values_list("pk", "kind", "status")) == rows
    assert not DigestSent.objects.exists()
    assert len(smtp_server.messages) == len(rows)

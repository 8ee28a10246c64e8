"""Two sweeps at once, each on its own PostgreSQL connection, send every reminder exactly once."""

import re
import threading
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from actions.models import ReminderSent
from actions.reminders.recording import reminder_sweep
from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from mail.models import MailStatus


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(outbox_messages):
    from tests.fixtures import require_service

    require_service(
        "PostgreSQL", connection.vendor == "postgresql", "row locks need DATABASE_URL=postgres://"
    )
    coalition = CoalitionFactory()
    owners = [add_member(coalition, role) for role in (Role.OPERATOR, Role.DONOR, Role.CHAMPION)]
    for n in range(90):
        make_action_point(
            coalition, owner=owners[n % 3], title=f"Item {n:03d}", due_date=date(2026, 6, 1)
        )
    now = datetime(2026, 6, 2, 9, tzinfo=UTC)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            while reminder_sweep(now=now, batch_size=20).more:
                pass
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    overdue = ReminderSent.objects.filter(kind="overdue")
    assert overdue.count() == 90
    assert set(overdue.values_list("status", flat=True)) == {MailStatus.SENT}
    mentioned = []
    for message in outbox_messages.filter(subject__contains="overdue"):
        mentioned += re.findall(r"\* (Item \d{3})", message.text_body())
    assert sorted(mentioned) == [f"Item {n:03d}" for n in range(90)]

"""The sweep and the digest run in rounds: what each round reads, records and leaves to the next."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import DigestSent, ReminderMark, ReminderSent
from actions.reminders.digests import digest_round
from actions.reminders.recording import reminder_sweep
from actions.services import notification_preference_set
from actions.tests.factories import make_action_point
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 2, 9, tzinfo=UTC)


def overdue_items(coalitions: int, per_coalition: int) -> list:
    owners = []
    for _ in range(coalitions):
        coalition = CoalitionFactory(timezone_name="UTC")
        owner = add_member(coalition, Role.OPERATOR)
        for n in range(per_coalition):
            make_action_point(coalition, owner=owner, title=f"Item {n}", due_date=date(2026, 6, 1))
        owners.append(owner)
    return owners


def run(batch_size: int, django_capture_on_commit_callbacks) -> list:
    """A whole run as the task chain runs it: (found, queries) of each round."""
    rounds, cursor = [], None
    while True:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            result = reminder_sweep(now=NOW, batch_size=batch_size, cursor=cursor)
        rounds.append((result.found[ReminderSent.Kind.OVERDUE], len(queries)))
        cursor = result.cursor
        if not result.more:
            return rounds


def test_a_round_records_whole_coalitions_and_the_first_plans_the_rest(
    outbox_messages, django_capture_on_commit_callbacks
):
    owners = overdue_items(coalitions=4, per_coalition=3)
    rounds = run(4, django_capture_on_commit_callbacks)
    # Two coalitions of three do not fit a batch of four: one coalition per round.
    assert [found for found, _queries in rounds] == [3, 3, 3, 3]
    assert ReminderSent.objects.filter(kind=ReminderSent.Kind.OVERDUE).count() == 12
    overdue = outbox_messages.filter(subject__contains="overdue")
    assert sorted(m.recipients[0] for m in overdue) == sorted(o.email for o in owners)
    # Later rounds read only their own window: the same number of queries each (the last one
    # also marks the run done).
    assert rounds[1][1] == rounds[2][1] < rounds[3][1]


def test_rounds_after_the_first_cost_the_same_whatever_the_rows_before_them(
    django_capture_on_commit_callbacks,
):
    overdue_items(coalitions=2, per_coalition=2)
    small = run(2, django_capture_on_commit_callbacks)
    # A fresh start: nothing recorded and nothing read, so the next run reads every coalition.
    ReminderSent.objects.all().delete()
    ReminderMark.objects.all().delete()
    overdue_items(coalitions=4, per_coalition=2)
    large = run(2, django_capture_on_commit_callbacks)
    assert len(small) == 2 and len(large) == 6
    # The middle rounds cost the same, and so do the last ones (which mark the run done).
    assert len({queries for _found, queries in large[1:-1]}) == 1
    assert large[-1][1] == small[-1][1]


def test_a_sweep_that_finds_nothing_new_is_one_round_of_the_same_queries_at_any_size(
    django_capture_on_commit_callbacks,
):
    overdue_items(coalitions=1, per_coalition=2)
    run(1000, django_capture_on_commit_callbacks)
    [(found, few)] = run(1000, django_capture_on_commit_callbacks)
    assert found == 0
    overdue_items(coalitions=3, per_coalition=5)
    run(1000, django_capture_on_commit_callbacks)
    [(found, many)] = run(1000, django_capture_on_commit_callbacks)
    assert found == 0 and many == few


def test_the_digest_run_goes_round_by_round_and_records_each_digest_once(
    django_capture_on_commit_callbacks,
):
    coalition = CoalitionFactory()
    readers = [add_member(coalition, Role.OBSERVER) for _ in range(3)]
    for reader in readers:
        notification_preference_set(user=reader, coalition=coalition, cadence="daily")
    with django_capture_on_commit_callbacks(execute=True):
        first = digest_round(now=NOW, batch_size=2)
        assert (first.found, first.more) == (2, True)
        second = digest_round(now=NOW, batch_size=2, after=first.after)
        assert (second.found, second.more) == (1, False)
        again = digest_round(now=NOW, batch_size=2)
    assert (again.found, again.more) == (0, False)
    recorded = DigestSent.objects.filter(kind=DigestSent.Kind.DAILY, period="2026-06-02")
    assert sorted(recorded.values_list("recipient_id", flat=True)) == sorted(
        reader.pk for reader in readers
    )

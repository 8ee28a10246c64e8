"""The pipeline's clocks: back-off, the claim a live batch keeps, the rows the dispatcher takes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coalitions.models import Role
from mail import pipeline
from mail.models import MailStatus
from meetings import services
from meetings.models import Delivery
from meetings.tests.factories import held_meeting_with_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def summary_rows(coalition, members):
    """Pending summary mails, their first message never sent (as if the broker lost it)."""
    meeting = held_meeting_with_record(coalition, members)
    services.summary_publish(meeting=meeting, actor=members[Role.FACILITATOR])
    return Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.SUMMARY)


def test_back_off_grows_with_jitter_up_to_its_ceiling():
    for attempts in range(1, 12):
        delay = pipeline.backoff(attempts).total_seconds()
        ideal = min(30 * 2 ** (attempts - 1), 1800)
        assert 0.75 * ideal <= delay <= 1.25 * ideal


def test_a_live_batch_keeps_its_claim_and_an_abandoned_one_is_taken_back(summary_rows):
    claimed_at = timezone.now() - timedelta(minutes=10)
    ids = pipeline.claim(summary_rows, now=claimed_at)
    assert len(ids) == summary_rows.count()
    Delivery.objects.filter(pk__in=ids).update(locked_at=claimed_at)
    still_working, abandoned = ids[:3], ids[3:]
    pipeline.hold(Delivery, still_working)  # the worker sent a mail a moment ago

    due = set(
        pipeline.due(pipeline.KINDS["meeting"], now=timezone.now()).values_list("pk", flat=True)
    )
    assert due == set(abandoned)


def test_a_fresh_row_gets_its_own_message_first_and_the_dispatcher_after_the_grace(summary_rows):
    kind = pipeline.KINDS["meeting"]
    assert not pipeline.due(kind, now=timezone.now()).exists()
    later = timezone.now() + pipeline.dispatch_grace() + timedelta(seconds=1)
    assert pipeline.due(kind, now=later).count() == summary_rows.count()


def test_send_again_brings_failing_rows_to_the_front(summary_rows):
    summary_rows.update(
        status=MailStatus.FAILED, attempts=9, next_attempt_at=timezone.now() + timedelta(hours=1)
    )
    assert pipeline.send_again(summary_rows) == summary_rows.count()
    assert set(summary_rows.values_list("status", "attempts")) == {(MailStatus.PENDING, 0)}


@pytest.mark.parametrize("budget", [1, 3])
def test_the_retry_budget_is_a_setting_and_past_it_a_row_fails_but_stays_due(
    summary_rows, settings, budget
):
    settings.MAIL_ATTEMPTS_BEFORE_FAILING = budget
    kind = pipeline.KINDS["meeting"]
    for attempt in range(1, budget + 1):
        ids = pipeline.claim(summary_rows)
        pipeline.mark_failed(Delivery, ids, error="SMTPServerDisconnected")
        expected = MailStatus.FAILED if attempt == budget else MailStatus.PENDING
        assert set(summary_rows.values_list("status", "attempts")) == {(expected, attempt)}
    later = timezone.now() + pipeline.backoff_max() * 2
    assert pipeline.due(kind, now=later).count() == summary_rows.count()


def test_while_a_server_refuses_every_row_of_a_fan_out_gets_its_turn(summary_rows):
    """A batch takes the longest-waiting rows first: the rows a failed batch put back with a
    back-off do not crowd out the ones never tried."""
    total = summary_rows.count()
    assert total > 2
    tried: set[int] = set()
    for _batch in range(total):
        ids = pipeline.claim(summary_rows, limit=2)
        tried |= set(ids)
        pipeline.mark_failed(Delivery, ids, error="SMTPServerDisconnected")
        if len(tried) == total:
            break
    assert tried == set(summary_rows.values_list("pk", flat=True))
    assert not summary_rows.filter(attempts=0).exists()

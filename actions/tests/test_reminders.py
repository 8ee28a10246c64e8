"""The schedule: mid-term, due-soon and overdue dates in the coalition's zone, sent once."""

from datetime import UTC, date, datetime

import pytest

from actions.models import DigestSent, ReminderSent
from actions.reminders.candidates import mid_term_date
from actions.reminders.digests import digest_run
from actions.reminders.recording import reminder_sweep
from actions.services import (
    action_update_post,
    notification_preference_set,
    reminder_settings_update,
)
from actions.tests.factories import make_action_point, make_meeting
from coalitions.models import Role
from coalitions.tests.factories import CoalitionFactory, add_member
from mail.models import MailStatus
from mail.pipeline import ATTEMPTS_BEFORE_FAILING, dispatch
from tests.fixtures import committed

pytestmark = pytest.mark.django_db


def sweep(now, **kwargs):
    with committed():
        return reminder_sweep(now=now, **kwargs)


def sweep_rows():
    """The sweep's rows: not the notices that announced the action points when they were made."""
    return ReminderSent.objects.exclude(kind=ReminderSent.Kind.ASSIGNED)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_mid_term_date_is_halfway_as_a_date_in_the_coalitions_zone():
    # Halfway is 29 March 2026, 22:30 UTC: Beirut has just moved to summer time (UTC+3).
    start, nxt = at(2026, 3, 1, 22, 30), at(2026, 4, 26, 22, 30)
    assert mid_term_date(meeting_start=start, next_start=nxt, tz_name="UTC") == date(2026, 3, 29)
    assert mid_term_date(meeting_start=start, next_start=nxt, tz_name="Asia/Beirut") == date(
        2026, 3, 30
    )
    assert mid_term_date(meeting_start=start, next_start=nxt, tz_name="America/New_York") == date(
        2026, 3, 29
    )
    # Across the autumn change in Europe the interval is measured in real hours.
    start, nxt = at(2026, 10, 1, 8), at(2026, 11, 30, 8)
    assert mid_term_date(meeting_start=start, next_start=nxt, tz_name="Europe/Oslo") == date(
        2026, 10, 31
    )


def test_due_soon_and_overdue_follow_today_in_the_coalitions_zone():
    now = at(2026, 11, 24, 12)  # Auckland: 25 Nov, 01:00. Los Angeles: 24 Nov, 04:00.
    auckland = CoalitionFactory(timezone_name="Pacific/Auckland")
    los_angeles = CoalitionFactory(timezone_name="America/Los_Angeles")
    for coalition in (auckland, los_angeles):
        owner = add_member(coalition, Role.OPERATOR)
        make_action_point(coalition, owner=owner, due_date=date(2026, 11, 24))
    sweep(now)
    kinds = dict(sweep_rows().values_list("coalition__timezone", "kind"))
    assert kinds == {"Pacific/Auckland": "overdue", "America/Los_Angeles": "due_soon"}


def test_due_soon_window_is_the_coalitions_setting_and_reminders_can_be_turned_off(
    coalition, members, outbox_messages
):
    now = at(2026, 6, 10, 9)
    owner = members[Role.OPERATOR]
    make_action_point(coalition, owner=owner, due_date=date(2026, 6, 14))
    reminder_settings_update(
        coalition=coalition, actor=None, reminders_enabled=True, due_soon_days=3
    )
    sweep(now)
    assert not sweep_rows().exists()
    reminder_settings_update(
        coalition=coalition, actor=None, reminders_enabled=False, due_soon_days=7
    )
    sweep(now)
    assert not sweep_rows().exists()
    reminder_settings_update(
        coalition=coalition, actor=None, reminders_enabled=True, due_soon_days=7
    )
    sweep(now)
    [message] = outbox_messages
    assert message.recipients == [owner.email]
    assert "due soon" in message.subject
    assert "14 June 2026" in message.text_body()


def test_overdue_reminder_goes_once_and_a_second_sweep_sends_nothing(
    coalition, members, outbox_messages
):
    owner = members[Role.OPERATOR]
    make_action_point(coalition, owner=owner, due_date=date(2026, 6, 1))
    sweep(at(2026, 6, 2, 9))
    sweep(at(2026, 6, 2, 9, 15))
    sweep(at(2026, 6, 5, 9))
    assert outbox_messages.count() == 1
    reminder = sweep_rows().get()
    assert (reminder.kind, reminder.period, reminder.status) == ("overdue", "2026-06-01", "sent")


def test_an_action_point_without_an_owner_person_reminds_its_organisations_members(
    coalition, members, outbox_messages
):
    authority = members[Role.NATIONAL_AUTHORITY]
    colleague = add_member(coalition, Role.NATIONAL_AUTHORITY)
    make_action_point(coalition, due_date=date(2026, 6, 1))
    make_action_point(coalition, owner=colleague, due_date=date(2026, 6, 1), title="Colleague's")
    sweep(at(2026, 6, 2, 9))
    by_person = {m.recipients[0]: m.text_body() for m in outbox_messages}
    assert set(by_person) == {authority.email, colleague.email}
    assert "Colleague's" not in by_person[authority.email]
    assert "Colleague's" in by_person[colleague.email]


def test_done_items_get_no_reminder(coalition, members, outbox_messages):
    make_action_point(
        coalition, owner=members[Role.OPERATOR], due_date=date(2026, 6, 1), status="done"
    )
    sweep(at(2026, 6, 2, 9))
    assert not outbox_messages.exists()


def make_mid_term(coalition):
    """A held meeting on 1 March and the next planned on 1 May 2026 (midpoint 31 March)."""
    held = make_meeting(coalition, starts_at=at(2026, 3, 1, 8), status="held")
    make_meeting(coalition, starts_at=at(2026, 5, 1, 8), status="planned")
    return held


def test_mid_term_request_lists_each_owners_open_items_with_links_to_the_update_form(
    coalition, members, outbox_messages
):
    operator = members[Role.OPERATOR]
    held = make_mid_term(coalition)
    first = make_action_point(coalition, owner=operator, title="Survey", meeting=held)
    make_action_point(coalition, owner=operator, title="Map", due_date=date(2026, 9, 1))
    make_action_point(coalition, owner=operator, title="Closed", status="done")
    sweep(at(2026, 3, 30, 12))
    assert not outbox_messages.exists()
    sweep(at(2026, 3, 31, 6))
    [message] = outbox_messages.filter(subject__contains="mid-term update")
    body = message.text_body()
    assert "Survey" in body and "Map" in body and "Closed" not in body
    assert f"/coalitions/{coalition.slug}/action-points/{first.pk}/update/" in body
    sweep(at(2026, 4, 2, 6))
    assert outbox_messages.filter(subject__contains="mid-term update").count() == 1


def test_a_working_group_in_between_does_not_move_the_mid_term(coalition, members, outbox_messages):
    held = make_mid_term(coalition)
    make_meeting(coalition, starts_at=at(2026, 3, 10, 8), status="planned", kind="twg")
    make_meeting(coalition, starts_at=at(2026, 3, 5, 8), status="held", kind="ad_hoc")
    make_action_point(coalition, owner=members[Role.OPERATOR], title="Survey", meeting=held)
    sweep(at(2026, 3, 30, 12))
    assert not outbox_messages.exists()
    sweep(at(2026, 3, 31, 6))
    assert outbox_messages.filter(subject__contains="mid-term update").count() == 1


def test_mid_term_digest_a_week_later_to_every_member_without_restricted_items_for_observers(
    coalition, members, outbox_messages
):
    make_mid_term(coalition)
    moved = make_action_point(coalition, owner=members[Role.OPERATOR], title="Moved item")
    make_action_point(coalition, owner=members[Role.DONOR], title="Silent item")
    make_action_point(coalition, title="Restricted item", visibility="restricted")
    make_action_point(
        coalition, title="Late item", due_date=date(2026, 3, 20), owner=members[Role.DONOR]
    )
    action_update_post(
        action_point=moved, actor=members[Role.OPERATOR], text="Half done", new_status="in_progress"
    )
    notification_preference_set(user=members[Role.DONOR], coalition=coalition, cadence="none")
    sweep(at(2026, 4, 6, 12))
    assert not DigestSent.objects.exists()
    sweep(at(2026, 4, 7, 12))
    digests = {d.recipient_id: d for d in DigestSent.objects.all()}
    assert len(digests) == len(members)
    assert digests[members[Role.DONOR].pk].status == MailStatus.SKIPPED
    mails = {
        m.recipients[0]: m.text_body()
        for m in outbox_messages.filter(subject__contains="mid-term digest")
    }
    assert members[Role.DONOR].email not in mails
    observer = mails[members[Role.OBSERVER].email]
    assert "Moved item" in observer and "Half done" in observer
    assert "Silent item" in observer.split("No update since the meeting")[1]
    assert "Late item" in observer.split("Overdue")[1]
    # Overdue and silent: listed once, under "Overdue", not again under "No update".
    assert observer.count("Late item") == 1
    assert "Late item" not in observer.split("No update since the meeting")[1]
    assert "Restricted item" not in observer
    assert "Restricted item" in mails[members[Role.CHAMPION].email]
    sweep(at(2026, 4, 8, 12))
    assert DigestSent.objects.count() == len(members)


def test_daily_digest_collects_reminders_at_the_readers_morning(
    coalition, members, outbox_messages
):
    operator = members[Role.OPERATOR]
    operator.timezone = "Asia/Tokyo"
    operator.save()
    notification_preference_set(user=operator, coalition=coalition, cadence="daily")
    make_action_point(coalition, owner=operator, title="Overdue survey", due_date=date(2026, 6, 1))
    sweep(at(2026, 6, 2, 9))
    reminder = sweep_rows().get()
    assert reminder.status == MailStatus.IN_DIGEST
    assert not outbox_messages.exists()
    with committed():
        assert digest_run(now=at(2026, 6, 2, 21)) == 0  # 06:00 in Tokyo
    with committed():
        assert digest_run(now=at(2026, 6, 2, 22)) == 1  # 07:00 in Tokyo
    with committed():
        assert digest_run(now=at(2026, 6, 2, 23)) == 0
    [message] = outbox_messages
    assert "daily digest" in message.subject
    assert "Overdue survey" in message.text_body()
    reminder.refresh_from_db()
    assert reminder.status == MailStatus.DIGESTED


def test_weekly_digest_once_a_week_from_monday_morning(coalition, members, outbox_messages):
    donor = members[Role.DONOR]
    notification_preference_set(user=donor, coalition=coalition, cadence="weekly")
    item = make_action_point(coalition, owner=donor, title="Fund the survey")
    action_update_post(action_point=item, actor=donor, text="Approved")
    with committed():
        assert digest_run(now=at(2026, 6, 1, 6)) == 0  # Monday 06:00 UTC
    with committed():
        assert digest_run(now=at(2026, 6, 1, 7)) == 1
    with committed():
        assert digest_run(now=at(2026, 6, 4, 7)) == 0
    assert outbox_messages.count() == 1


def test_a_failed_mail_backs_off_shows_as_failed_and_goes_once_the_server_answers(
    client, coalition, members, settings, outbox_messages
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    operator = members[Role.OPERATOR]
    make_action_point(coalition, owner=operator, due_date=date(2026, 6, 1))
    sweep(at(2026, 6, 2, 9))
    reminder = sweep_rows().get()
    assert (reminder.status, reminder.attempts) == (MailStatus.PENDING, 1)
    assert reminder.next_attempt_at > reminder.created_at
    assert "Connection refused" in reminder.last_error
    for _attempt in range(ATTEMPTS_BEFORE_FAILING - 1):
        sweep_rows().update(next_attempt_at=at(2026, 6, 1))
        with committed():
            dispatch()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (MailStatus.FAILED, ATTEMPTS_BEFORE_FAILING)
    assert not outbox_messages.exists()
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    from django.urls import reverse

    page = client.get(reverse("actions:reminders", args=[coalition.slug])).content.decode()
    assert "Failed" in page and "Connection refused" in page
    # Failing is not given up: once the server answers, the next due attempt sends it, once.
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
    sweep_rows().update(next_attempt_at=at(2026, 6, 1))
    with committed():
        dispatch()
        dispatch()
    assert sweep_rows().get().status == MailStatus.SENT
    assert outbox_messages.count() == 1


def test_a_reminder_left_sending_by_a_killed_worker_is_sent_later(
    coalition, members, outbox_messages
):
    item = make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2026, 6, 1))
    sweep_rows().create(
        coalition=coalition,
        action_point=item,
        recipient=members[Role.OPERATOR],
        kind="overdue",
        period="2026-06-01",
        status=MailStatus.SENDING,
        locked_at=at(2026, 6, 2, 8),
        created_at=at(2026, 6, 2, 8),
    )
    with committed():
        dispatch(now=at(2026, 6, 2, 8, 2))
    assert not outbox_messages.exists()
    with committed():
        dispatch(now=at(2026, 6, 2, 9))  # an hour later: the worker that held it is gone
    assert outbox_messages.count() == 1
    assert sweep_rows().get().status == MailStatus.SENT


def test_the_sweep_works_in_batches_and_says_when_there_is_more(coalition, members):
    owner = members[Role.OPERATOR]
    for n in range(7):
        make_action_point(coalition, owner=owner, title=f"Item {n}", due_date=date(2026, 6, 1))
    first = sweep(at(2026, 6, 2, 9), batch_size=5)
    assert first.more and first.found["overdue"] == 5
    second = sweep(at(2026, 6, 2, 9), batch_size=5)
    assert not second.more and second.found["overdue"] == 2
    assert sweep_rows().count() == 7


def test_management_command_runs_the_sweep_now(coalition, members, outbox_messages):
    from io import StringIO

    from django.core.management import call_command

    make_action_point(coalition, owner=members[Role.OPERATOR], due_date=date(2000, 1, 1))
    make_action_point(
        coalition,
        owner=members[Role.OPERATOR],
        title="Soon",
        due_date=__import__("actions.selectors", fromlist=["x"]).coalition_today(coalition),
    )
    out = StringIO()
    with committed():
        call_command("send_due_reminders", stdout=out)
    assert "due_soon: 1" in out.getvalue()
    assert outbox_messages.count() == 1


def test_a_persons_mid_term_items_stay_in_one_mail_when_rounds_are_small(
    coalition, members, outbox_messages
):
    make_mid_term(coalition)
    operator, donor = members[Role.OPERATOR], members[Role.DONOR]
    for n in range(3):
        make_action_point(coalition, owner=operator, title=f"Operator {n}")
        make_action_point(coalition, owner=donor, title=f"Donor {n}")
    cursor, rounds = None, 0
    while True:
        rounds += 1
        with committed():
            result = reminder_sweep(now=at(2026, 4, 1, 9), batch_size=4, cursor=cursor)
        cursor = result.cursor
        if not result.more:
            break
    assert rounds > 1
    requests = outbox_messages.filter(subject__contains="mid-term update")
    assert sorted(m.recipients[0] for m in requests) == sorted([operator.email, donor.email])
    for message in requests:
        assert message.text_body().count("* ") == 3


def test_a_new_action_point_is_announced_to_its_owner_once_by_their_choice(
    coalition, members, outbox_messages
):
    operator, donor = members[Role.OPERATOR], members[Role.DONOR]
    notification_preference_set(user=donor, coalition=coalition, cadence="weekly")
    with committed():
        item = make_action_point(
            coalition, owner=operator, title="Survey", actor=members[Role.FACILITATOR]
        )
        make_action_point(coalition, owner=donor, title="Fund it")
    [message] = outbox_messages
    assert message.recipients == [operator.email]
    assert "new action point for you: Survey" in message.subject
    assert f"/action-points/{item.pk}/update/" in message.text_body()
    assert members[Role.FACILITATOR].name in message.text_body()
    donor_notice = ReminderSent.objects.get(recipient=donor)
    assert (donor_notice.kind, donor_notice.status) == ("assigned", MailStatus.IN_DIGEST)
    from actions.reminders.recording import notify_new_action_point

    with committed():
        assert notify_new_action_point(action_point_id=item.pk) == 0
    assert outbox_messages.count() == 1


def test_the_new_action_point_notice_is_written_with_the_action_point_and_sent_without_its_queue(
    coalition, members, outbox_messages, django_capture_on_commit_callbacks
):
    """The notice's row is part of the action point's transaction: were the process to die
    right after the commit (its on-commit queueing never run), the dispatcher still sends it."""
    from django.db import transaction

    operator = members[Role.OPERATOR]
    with django_capture_on_commit_callbacks(execute=False) as queued, transaction.atomic():
        item = make_action_point(coalition, owner=operator, title="Survey")
        # Before the commit, in the same transaction: the row is there already.
        notice = ReminderSent.objects.get(action_point=item)
    assert (notice.kind, notice.status, notice.recipient) == ("assigned", "pending", operator)
    assert len(queued) == 1  # only the queueing of its mail waits for the commit; it never runs
    assert not outbox_messages.exists()
    ReminderSent.objects.update(next_attempt_at=at(2026, 6, 1))
    with committed():
        dispatch()
    assert outbox_messages.count() == 1
    assert ReminderSent.objects.get(action_point=item).status == MailStatus.SENT


def test_an_action_point_rolled_back_leaves_no_notice(coalition, members, outbox_messages):
    from django.db import transaction

    with pytest.raises(RuntimeError), committed(), transaction.atomic():
        make_action_point(coalition, owner=members[Role.OPERATOR], title="Survey")
        assert ReminderSent.objects.filter(kind="assigned").count() == 1
        raise RuntimeError("the request fails after the service")
    assert not ReminderSent.objects.exists()
    assert not outbox_messages.exists()

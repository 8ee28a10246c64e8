"""The notice to the facilitators: short, without text or sender, once per person, retried."""

import pytest
from django.urls import reverse

from coalitions.models import Role
from coalitions.tests.factories import add_member
from concerns.models import ConcernNotice
from concerns.tasks import send_concern_notice_task
from concerns.tests.factories import raise_concern
from mail.models import MailStatus

pytestmark = pytest.mark.django_db


def test_facilitators_get_a_notice_without_text_or_sender(
    coalition, members, outbox_messages, django_capture_on_commit_callbacks
):
    second_facilitator = add_member(coalition, Role.FACILITATOR)
    sender = members[Role.DONOR]
    concern = raise_concern(coalition, sender, subject="Late pledges", text="Funds arrive late.")

    facilitators = {members[Role.FACILITATOR].email, second_facilitator.email}
    assert {r for m in outbox_messages for r in m.recipients} == facilitators
    assert outbox_messages.count() == 2
    organisation = sender.memberships.get().organisation
    for message in outbox_messages:
        assert message.subject == f"{coalition.name}: a confidential concern was raised"
        text, html = message.text_body(), message.html_body()
        assert f"A confidential concern was raised in {coalition.name}" in text
        assert "http://" in text and reverse("concerns:inbox", args=[coalition.slug]) in text
        for body in (text, html, message.subject):
            for secret in (concern.subject, concern.text, sender.name, sender.email):
                assert secret not in body
            assert organisation.name not in body
    assert ConcernNotice.objects.filter(concern=concern, sent_at__isnull=False).count() == 2


def test_notice_is_queued_on_commit_only(coalition, members, django_capture_on_commit_callbacks):
    from concerns import services

    sender = members[Role.OPERATOR]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.concern_raise(
            coalition=coalition,
            actor=sender,
            organisation=sender.memberships.get().organisation,
            subject="S",
            text="T",
        )
    assert len(callbacks) == 1  # one facilitator in the fixture
    assert not ConcernNotice.objects.filter(sent_at__isnull=False).exists()


def test_failed_mail_waits_recorded_and_is_never_sent_twice(
    coalition, members, outbox_messages, settings, smtp_down
):
    raise_concern(coalition, members[Role.OPERATOR])
    notice = ConcernNotice.objects.get()
    # The server refused: the error is recorded and the notice waits for its next attempt.
    assert notice.sent_at is None
    assert notice.status == MailStatus.PENDING and "Connection refused" in notice.last_error

    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
    assert send_concern_notice_task.apply(args=[notice.pk]).get() is True
    assert send_concern_notice_task.apply(args=[notice.pk]).get() is False
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.last_error == ""
    assert outbox_messages.count() == 1


def test_notice_is_not_sent_to_someone_who_left_the_facilitator_role(
    coalition, members, outbox_messages, django_capture_on_commit_callbacks
):
    from coalitions.services import membership_remove

    facilitator = members[Role.FACILITATOR]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        from concerns import services

        sender = members[Role.OPERATOR]
        services.concern_raise(
            coalition=coalition,
            actor=sender,
            organisation=sender.memberships.get().organisation,
            subject="S",
            text="T",
        )
    membership_remove(
        membership=facilitator.memberships.get(), actor=members[Role.NATIONAL_AUTHORITY]
    )
    for callback in callbacks:
        callback()
    assert not outbox_messages.exists()

"""Publishing a summary: the PDF, per-reader copies, real SMTP, retries and idempotency."""

import email
import io
from datetime import timedelta
from email import policy

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from coalitions.models import Role
from mail.models import MailStatus
from mail.pipeline import ATTEMPTS_BEFORE_FAILING, dispatch
from meetings import services
from meetings.models import Delivery, Summary
from meetings.tasks import publish_summary_task, send_meeting_mail_task
from meetings.tests.factories import held_meeting_with_record, make_meeting
from outbox.models import OutboxMessage
from tests.fixtures import committed


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def attachments_of(message) -> dict[str, tuple[str, bytes]]:
    return {
        part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.iter_attachments()
    }


def publish(meeting, actor):
    with committed():
        return services.summary_publish(meeting=meeting, actor=actor)


@pytest.mark.django_db
def test_summary_goes_to_every_participant_over_one_smtp_connection(
    coalition, members, smtp_server
):
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.FACILITATOR])

    summary = Summary.objects.get(meeting=meeting)
    assert summary.state == Summary.State.SENT
    assert len(smtp_server.messages) == len(members)
    assert len(smtp_server.sessions) == 1
    by_person = {tuple(rcpt)[0]: parsed(raw) for rcpt, raw in smtp_server.messages}

    authority_mail = by_person[members[Role.NATIONAL_AUTHORITY].email]
    body = authority_mail.get_body(preferencelist=("plain",)).get_content()
    assert "Adopt the prioritisation criteria" in body
    assert str(meeting.starts_at.year) in body and "Asia/Beirut" in body
    [(name, (mime, pdf))] = attachments_of(authority_mail).items()
    assert mime == "application/pdf" and name.endswith(".pdf")
    text = pdf_text(pdf)
    for fact in (
        meeting.title,
        coalition.name,
        "Land release figures",
        "Closed security briefing",
        "Review the guarded depot plan",
        "Page 1 of",
        "Asia/Beirut",
    ):
        assert fact in text, fact
    assert "تطهير" in text or "ريهطت" in text  # Arabic survives (extraction may reverse it)

    observer_mail = by_person[members[Role.OBSERVER].email]
    observer_body = observer_mail.get_body(preferencelist=("plain",)).get_content()
    assert "guarded depot" not in observer_body
    observer_pdf = pdf_text(next(iter(attachments_of(observer_mail).values()))[1])
    assert "Land release figures" in observer_pdf
    assert "Closed security briefing" not in observer_pdf
    assert "Convoy routes" not in observer_pdf
    assert "guarded depot" not in observer_pdf


@pytest.mark.django_db
def test_a_duplicated_or_retried_task_mails_nobody_twice(coalition, members, smtp_server):
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.FACILITATOR])
    sent = len(smtp_server.messages)
    publish_summary_task.apply(args=[meeting.pk])
    publish_summary_task.apply(args=[meeting.pk])
    assert len(smtp_server.messages) == sent
    assert Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.SUMMARY).count() == sent


def _due_now(meeting):
    Delivery.objects.filter(meeting=meeting).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )


@pytest.mark.django_db
def test_smtp_down_backs_off_shows_failed_and_never_gives_up(
    client, coalition, members, smtp_down, settings
):
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.FACILITATOR])

    summary = Summary.objects.get(meeting=meeting)
    assert summary.state == Summary.State.SENDING
    assert "mail server" in summary.error
    assert summary.pdf_full and summary.pdf_members
    deliveries = Delivery.objects.filter(meeting=meeting, kind=Delivery.Kind.SUMMARY)
    assert {d.status for d in deliveries.all()} == {MailStatus.PENDING}
    for _attempt in range(ATTEMPTS_BEFORE_FAILING - 1):
        _due_now(meeting)
        with committed():
            dispatch()
    summary.refresh_from_db()
    assert summary.state == Summary.State.FAILED
    assert "mail server" in summary.error
    assert {d.status for d in deliveries.all()} == {MailStatus.FAILED}
    # Every attempt (the first and five by the dispatcher) reached every recipient's row.
    assert {d.attempts for d in deliveries.all()} == {ATTEMPTS_BEFORE_FAILING}

    client.force_login(members[Role.NATIONAL_AUTHORITY])
    page = client.get(
        reverse("meetings:detail", args=[coalition.slug, meeting.pk])
    ).content.decode()
    assert "Failed" in page and "mail server" in page

    # The server answers again: the next due attempt mails everyone once.
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
    _due_now(meeting)
    with committed():
        dispatch()
    summary.refresh_from_db()
    assert summary.state == Summary.State.SENT
    assert {d.status for d in deliveries.all()} == {MailStatus.SENT}
    assert sorted(OutboxMessage.objects.values_list("to", flat=True)) == sorted(
        m.email for m in members.values()
    )


@pytest.mark.django_db
def test_send_again_to_one_person_mails_only_that_person(client, coalition, members, smtp_server):
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.NATIONAL_AUTHORITY])
    assert len(smtp_server.messages) == len(members)
    donor = members[Role.DONOR]
    client.force_login(members[Role.NATIONAL_AUTHORITY])
    with committed():
        response = client.post(
            reverse("meetings:summary_send_again", args=[coalition.slug, meeting.pk]),
            {"user": donor.pk},
        )
    assert response.status_code == 302
    assert [rcpt for rcpt, _raw in smtp_server.messages[len(members) :]] == [[donor.email]]
    assert Delivery.objects.get(meeting=meeting, user=donor, kind="summary").status == "sent"
    # The repeat carries the Message-ID of the first copy, so a mailbox can tell it is the same.
    ids = [parsed(raw)["Message-ID"] for rcpt, raw in smtp_server.messages if rcpt == [donor.email]]
    assert len(ids) == 2 and ids[0] == ids[1]


@pytest.mark.django_db
def test_invitation_update_and_cancel_carry_the_same_uid_and_a_rising_sequence(
    coalition, members, smtp_server
):
    meeting = make_meeting(coalition, members[Role.CHAMPION], send_invitations=True)
    assert len(smtp_server.messages) == len(members)
    invitation = parsed(smtp_server.messages[0][1])
    body = invitation.get_body(preferencelist=("plain",)).get_content()
    assert "When:" in body and str(meeting.starts_at.year) in body and "Where: Beirut" in body
    (mime, ics) = attachments_of(invitation)["meeting.ics"]
    assert mime == "text/calendar"
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    uid = str(event["UID"])
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == meeting.starts_at

    with committed():
        services.meeting_update(
            meeting=meeting, actor=members[Role.CHAMPION], venue="Tyre", participants=None
        )
    update = parsed(smtp_server.messages[-1][1])
    assert "Changed" in update["Subject"]
    [event] = Calendar.from_ical(attachments_of(update)["meeting.ics"][1]).walk("VEVENT")
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    assert "Tyre" in str(event["LOCATION"])

    with committed():
        services.meeting_cancel(meeting=meeting, actor=members[Role.CHAMPION])
    cancel = parsed(smtp_server.messages[-1][1])
    calendar = Calendar.from_ical(attachments_of(cancel)["meeting.ics"][1])
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED"
    assert len(smtp_server.messages) == 3 * len(members)
    # A duplicated task sends nothing more.
    send_meeting_mail_task.apply(args=[meeting.pk, "cancellation", 2])
    assert len(smtp_server.messages) == 3 * len(members)


@pytest.mark.django_db
def test_summary_leaves_out_nothing_of_another_coalition(coalition, members, outsider, smtp_server):
    from coalitions.models import Coalition

    other = Coalition.objects.exclude(pk=coalition.pk).get()
    make_meeting(other, outsider, title="Other coalition's secret meeting", days=-1)
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.FACILITATOR])
    recipients = {tuple(rcpt)[0] for rcpt, _raw in smtp_server.messages}
    assert outsider.email not in recipients
    for _rcpt, raw in smtp_server.messages:
        assert b"Other coalition" not in raw


@pytest.mark.django_db
def test_downloaded_summary_is_the_readers_copy(client, coalition, members, outsider):
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.FACILITATOR])
    url = reverse("meetings:summary_pdf", args=[coalition.slug, meeting.pk])

    def text_for(user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        return pdf_text(b"".join(response.streaming_content))

    assert "Closed security briefing" in text_for(members[Role.CHAMPION])
    observer_text = text_for(members[Role.OBSERVER])
    assert "Land release figures" in observer_text
    assert "Closed security briefing" not in observer_text
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_each_reader_gets_the_pdf_in_their_own_language(coalition, members, smtp_server):
    operator, donor = members[Role.OPERATOR], members[Role.DONOR]
    for person, language in ((operator, "fr"), (donor, "es")):
        person.preferred_language = language
        person.save(update_fields=["preferred_language"])
    meeting = held_meeting_with_record(coalition, members)
    publish(meeting, members[Role.FACILITATOR])
    by_person = {tuple(rcpt)[0]: parsed(raw) for rcpt, raw in smtp_server.messages}

    def pdf_of(user):
        return pdf_text(next(iter(attachments_of(by_person[user.email]).values()))[1])

    assert "Ordre du jour" in pdf_of(operator)
    assert "Orden del día" in pdf_of(donor)
    assert "Agenda" in pdf_of(members[Role.OBSERVER])
    assert "Ordre du jour" not in pdf_of(members[Role.OBSERVER])


@pytest.mark.django_db
def test_a_person_taken_off_a_planned_meeting_gets_a_calendar_cancel(
    coalition, members, smtp_server
):
    meeting = make_meeting(coalition, members[Role.CHAMPION], send_invitations=True)
    [first_invitation] = [
        raw for rcpt, raw in smtp_server.messages if members[Role.DONOR].email in rcpt
    ]
    uid = str(
        Calendar.from_ical(attachments_of(parsed(first_invitation))["meeting.ics"][1]).walk(
            "VEVENT"
        )[0]["UID"]
    )
    smtp_server.messages.clear()

    keep = [m for m in coalition.memberships.all() if m.user_id != members[Role.DONOR].pk]
    with committed():
        services.meeting_update(meeting=meeting, actor=members[Role.CHAMPION], participants=keep)

    [(rcpt, raw)] = smtp_server.messages
    assert list(rcpt) == [members[Role.DONOR].email]
    mail = parsed(raw)
    assert str(mail["Subject"]).strip().startswith("No longer invited:")
    assert (
        "no longer among the participants" in mail.get_body(preferencelist=("plain",)).get_content()
    )
    calendar = Calendar.from_ical(attachments_of(mail)["meeting.ics"][1])
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1

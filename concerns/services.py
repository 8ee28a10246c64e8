"""Every change to a concern. The sender's name stays here and on the facilitator's pages: nothing
written to an agenda, a meeting or a mail to others carries it."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coalitions import permissions as perms
from coalitions.audit import audited
from coalitions.models import Coalition, Membership, Organisation, Visibility
from config.mail import build_mail
from mail import pipeline
from mail.models import MailStatus
from meetings.models import AgendaItem, Meeting
from meetings.services import agenda_item_create
from users.models import User

from .models import Concern, ConcernNotice


def _reader_ids(coalition: Coalition) -> list[int]:
    return list(
        Membership.objects.filter(
            coalition=coalition, role__in=perms.roles_with(perms.READ_CONCERNS)
        )
        .values_list("user_id", flat=True)
        .distinct()
    )


def no_reader_message() -> str:
    return _(
        "This coalition has no facilitator, so nobody could read a concern. Ask the national "
        "authority to appoint a facilitator; until then no concern can be sent here."
    )


@transaction.atomic
def concern_raise(
    *, coalition: Coalition, actor: User, organisation: Organisation | None, subject: str, text: str
) -> Concern:
    # A concern is for the facilitator alone: without one it would sit where nobody reads it.
    readers = _reader_ids(coalition)
    if not readers:
        raise ValidationError(no_reader_message())
    concern = audited(
        Concern(
            coalition=coalition,
            raised_by=actor,
            raised_by_organisation=organisation,
            subject=subject.strip(),
            text=text.strip(),
        ),
        actor,
    )
    concern.full_clean()
    concern.save()
    notices = ConcernNotice.objects.bulk_create(
        [
            ConcernNotice(concern=concern, recipient_id=user_id)
            for user_id in readers
            if user_id != actor.pk
        ]
    )
    _queue_notices([notice.pk for notice in notices])
    return concern


SEND_NOTICE = "concerns.tasks.send_concern_notice_task"


def _queue_notices(notice_ids: list[int]) -> None:
    for notice_id in notice_ids:
        pipeline.publish_on_commit(SEND_NOTICE, notice_id)


def queue_notices(ids: list[int]) -> None:
    """The dispatcher's door."""
    for notice_id in ids:
        pipeline.publish(SEND_NOTICE, notice_id)


def _locked(concern: Concern) -> Concern:
    return Concern.objects.select_for_update().get(pk=concern.pk)


@transaction.atomic
def concern_acknowledge(*, concern: Concern, actor: User) -> Concern:
    concern = _locked(concern)
    if concern.status != Concern.Status.NEW:
        raise ValidationError(_("Only a new concern can be acknowledged."))
    concern.status = Concern.Status.ACKNOWLEDGED
    audited(concern, actor).save(update_fields=["status"])
    return concern


@transaction.atomic
def concern_note_save(*, concern: Concern, actor: User, note: str) -> Concern:
    concern = _locked(concern)
    concern.facilitator_note = note.strip()
    audited(concern, actor)
    concern.full_clean()
    concern.save(update_fields=["facilitator_note"])
    return concern


@transaction.atomic
def concern_close(*, concern: Concern, actor: User) -> Concern:
    concern = _locked(concern)
    if concern.status == Concern.Status.CLOSED:
        raise ValidationError(_("This concern is already closed."))
    concern.status = Concern.Status.CLOSED
    concern.closed_at = timezone.now()
    audited(concern, actor).save(update_fields=["status", "closed_at"])
    return concern


@transaction.atomic
def concern_bring_to_agenda(
    *,
    concern: Concern,
    actor: User,
    meeting: Meeting,
    title: str,
    background: str = "",
    visibility: str = Visibility.MEMBERS,
) -> AgendaItem:
    """Adds the concern to a planned meeting's agenda in the facilitator's words, presented by the
    facilitator's organisation; the sender is named nowhere on the item."""
    concern = _locked(concern)
    # Read afresh and held still: the meeting may have been cancelled since the form was shown.
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if concern.status == Concern.Status.CLOSED:
        raise ValidationError(_("This concern is closed."))
    if concern.agenda_item_id:
        raise ValidationError(_("This concern is already on an agenda."))
    if meeting.coalition_id != concern.coalition_id:
        raise ValidationError({"meeting": _("This meeting belongs to another coalition.")})
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError({"meeting": _("Only a planned meeting can take a new agenda item.")})
    if visibility not in (Visibility.MEMBERS, Visibility.RESTRICTED):
        raise ValidationError({"visibility": _("Choose who may see the agenda item.")})
    membership = (
        Membership.objects.select_related("organisation")
        .filter(coalition_id=concern.coalition_id, user=actor)
        .first()
    )
    presenter = str(membership.organisation) if membership else ""
    item = agenda_item_create(
        meeting=meeting,
        actor=actor,
        title=title.strip(),
        topic=AgendaItem.Topic.OTHER,
        presenter=presenter,
        minutes=background.strip(),
        visibility=visibility,
    )
    concern.agenda_item = item
    concern.status = Concern.Status.ON_AGENDA
    audited(concern, actor).save(update_fields=["agenda_item", "status"])
    return item


# The notice to the facilitators --------------------------------------------------------------------


def concern_notice_send(*, notice_id: int) -> bool:
    """Mails one facilitator that a concern arrived: no text, no sender, only a link to the signed-in
    page. False when already sent (a retried task) or when the person no longer reads concerns."""
    sent = pipeline.deliver(
        ConcernNotice.objects.filter(pk=notice_id), lambda ids: _send_notice(ids[0])
    )
    return bool(sent)


def _send_notice(notice_id: int) -> bool:
    notice = ConcernNotice.objects.select_related("concern__coalition", "recipient").get(
        pk=notice_id
    )
    coalition = notice.concern.coalition
    reader_perms = perms.perms_by_user(coalition_id=coalition.pk, user_ids=[notice.recipient_id])
    if perms.READ_CONCERNS not in reader_perms[notice.recipient_id]:
        pipeline.mark_done(
            ConcernNotice,
            [notice.pk],
            status=MailStatus.NOT_MEMBER,
            error="no longer reads concerns",
        )
        return False
    recipient = notice.recipient
    context = {
        "person": recipient,
        "coalition": coalition,
        "url": settings.SITE_URL + reverse("concerns:inbox", args=[coalition.slug]),
        "site_url": settings.SITE_URL,
    }
    with timezone.override(zoneinfo.ZoneInfo(coalition.timezone)):
        message = build_mail(
            to=recipient.email,
            template="concern_new",
            context=context,
            language=recipient.preferred_language or None,
            headers={"Message-ID": pipeline.message_id("concern", notice.pk)},
        )
    message.send()
    pipeline.mark_sent(ConcernNotice, [notice.pk])
    return True

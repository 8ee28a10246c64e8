"""Every change to meetings, their agenda, attendance, minutes, documents and summaries."""

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from coalitions import date_range
from coalitions import permissions as perms
from coalitions.archive import refuse_if_archived
from coalitions.audit import audited
from coalitions.models import Coalition, Membership, Visibility
from mail import pipeline
from mail.models import UNSENT, MailStatus
from users.models import User

from . import timefmt
from .changes import changes_for_reader, same_order
from .models import (
    AgendaItem,
    CalendarFeed,
    Decision,
    Delivery,
    Document,
    Meeting,
    MeetingChange,
    Participant,
    Summary,
    SummaryAmendment,
)
from .page_cache import meetings_changed
from .publication import DOCUMENTS_CLOSED, refuse_if_published
from .uploads import validate_document

FEED_SALT = "meetings.calendar-feed"
EDITABLE_FIELDS = (
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "online_link",
    "chair",
    "facilitator",
)


def _queue_mail(meeting: Meeting, kind: str, sequence: int) -> None:
    pipeline.publish_on_commit("meetings.tasks.send_meeting_mail_task", meeting.pk, kind, sequence)


def _check_people(coalition: Coalition, meeting: Meeting) -> None:
    for field in ("chair", "facilitator"):
        person = getattr(meeting, field)
        if person and not Membership.objects.filter(coalition=coalition, user=person).exists():
            raise ValidationError({field: _("Choose a member of the coalition.")})


def _check_dates(coalition: Coalition, meeting: Meeting) -> None:
    """Both ends of the meeting fall on days of the range, as the coalition's clock reads them."""
    errors = {}
    for field in ("starts_at", "ends_at"):
        moment = getattr(meeting, field)
        if moment is not None and not date_range.in_range(
            timefmt.in_zone(moment, coalition.timezone).date()
        ):
            errors[field] = date_range.out_of_range_message()
    if errors:
        raise ValidationError(errors)


def _add_deliveries(meeting: Meeting, users, kind: str) -> int:
    rows = [
        Delivery(meeting=meeting, user=user, kind=kind, sequence=meeting.sequence) for user in users
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _set_participants(meeting: Meeting, memberships, *, actor) -> tuple[list, list, list]:
    """Makes the participants exactly `memberships`; returns (added, kept, removed) users.

    Each row added or removed writes its history row with `actor`."""
    wanted = {m.user_id: m for m in memberships}
    current = {p.user_id: p for p in meeting.participants.select_related("user")}
    leaving = [p for user_id, p in current.items() if user_id not in wanted]
    for participant in leaving:
        audited(participant, actor).delete()
    added = [m for user_id, m in wanted.items() if user_id not in current]
    bulk_create_with_history(
        [Participant(meeting=meeting, user=m.user, organisation=m.organisation) for m in added],
        Participant,
        default_user=actor,
    )
    meetings_changed(meeting_ids=[meeting.pk])  # a bulk write sends no signal
    kept = [m.user for user_id, m in wanted.items() if user_id in current]
    return [m.user for m in added], kept, [p.user for p in leaving]


@transaction.atomic
def meeting_create(
    *,
    coalition: Coalition,
    actor: User,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    kind: str = Meeting.Kind.COALITION,
    venue: str = "",
    online_link: str = "",
    chair: User | None = None,
    facilitator: User | None = None,
    participants: Iterable[Membership] | None = None,
    send_invitations: bool = True,
    draft: bool = False,
) -> Meeting:
    """`participants`: memberships to invite; None invites every member.

    A `draft` is seen only by those who prepare it and mails nobody until
    `meeting_send_invitations`; otherwise the meeting counts as announced at once, its invitations
    mailed unless `send_invitations` is False (demo and bulk data)."""
    meeting = audited(
        Meeting(
            coalition=coalition,
            kind=kind,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            online_link=online_link,
            chair=chair,
            facilitator=facilitator,
            created_by=actor,
            invitations_sent_at=None if draft else timezone.now(),
        ),
        actor,
    )
    _check_dates(coalition, meeting)
    meeting.full_clean()
    _check_people(coalition, meeting)
    meeting.save()
    if participants is None:
        participants = Membership.objects.filter(coalition=coalition).select_related("user")
    added, _kept, _removed = _set_participants(meeting, participants, actor=actor)
    if send_invitations and not draft and added:
        _add_deliveries(meeting, added, Delivery.Kind.INVITATION)
        _queue_mail(meeting, Delivery.Kind.INVITATION, meeting.sequence)
    return meeting


# What the participants are told changed, field by field (the agenda is told item by item).
TOLD_FIELDS = {
    "title": MeetingChange.What.TITLE,
    "venue": MeetingChange.What.VENUE,
    "online_link": MeetingChange.What.ONLINE_LINK,
}


def _schedule_changes(meeting: Meeting, changes: dict) -> list[MeetingChange]:
    """The told changes among `changes`, before they are applied to `meeting`."""
    found = []
    for field, what in TOLD_FIELDS.items():
        if field in changes and changes[field] != getattr(meeting, field):
            found.append(MeetingChange(what=what, old=getattr(meeting, field), new=changes[field]))
    starts, ends = (
        changes.get("starts_at", meeting.starts_at),
        changes.get("ends_at", meeting.ends_at),
    )
    if (starts, ends) != (meeting.starts_at, meeting.ends_at):
        found.append(
            MeetingChange(
                what=MeetingChange.What.TIME,
                old={
                    "starts_at": meeting.starts_at.isoformat(),
                    "ends_at": meeting.ends_at.isoformat(),
                },
                new={"starts_at": starts.isoformat(), "ends_at": ends.isoformat()},
            )
        )
    return found


def _told_something(meeting: Meeting, users, changes: list[MeetingChange]) -> list:
    """The people among `users` to whom `changes` say something: one who may see none of them
    (only a restricted item or document changed) gets no update that names no change."""
    reader_perms = perms.perms_by_user(
        coalition_id=meeting.coalition_id, user_ids=[user.pk for user in users]
    )
    says: dict[tuple, bool] = {}
    told = []
    for user in users:
        visible = tuple(perms.visibilities_for(reader_perms[user.pk]))
        if visible not in says:
            says[visible] = bool(
                changes_for_reader(
                    changes,
                    reader_perms=reader_perms[user.pk],
                    coalition_zone=meeting.coalition.timezone,
                    reader_zone=None,
                    agenda=partial(meeting.agenda_items.filter, visibility__in=visible),
                )
            )
        if says[visible]:
            told.append(user)
    return told


def _tell_participants(meeting: Meeting, users) -> int:
    """Records the update mail of every pending change, under the meeting's current SEQUENCE, for
    the participants it tells something."""
    pending = list(MeetingChange.objects.filter(meeting=meeting, sequence__isnull=True))
    if not pending:
        return 0
    return _send_update(meeting, pending, _told_something(meeting, users, pending) if users else [])


def _send_update(meeting: Meeting, pending: list[MeetingChange], told: list) -> int:
    """Marks `pending` told under the meeting's current SEQUENCE and records the update mail of
    the people in `told`."""
    MeetingChange.objects.filter(pk__in=[change.pk for change in pending]).update(
        sequence=meeting.sequence
    )
    if not told:
        return 0
    count = _add_deliveries(meeting, told, Delivery.Kind.UPDATE)
    _queue_mail(meeting, Delivery.Kind.UPDATE, meeting.sequence)
    return count


def _record_changes(meeting: Meeting, changes: list[MeetingChange], actor) -> None:
    for change in changes:
        change.meeting = meeting
        change.created_by = actor
    MeetingChange.objects.bulk_create(changes)


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    participants: Iterable[Membership] | None = None,
    **changes: object,
) -> Meeting:
    """A draft changes silently. An invited meeting's participants are told: an update that says
    what changed in its time, place or title (with every agenda change not yet told), an
    invitation for those added, a withdrawal for those removed."""
    meeting = Meeting.objects.select_for_update().select_related("coalition").get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {sorted(unknown)}")
    told = _schedule_changes(meeting, changes)
    for field, value in changes.items():
        setattr(meeting, field, value)
    invited = meeting.status == Meeting.Status.PLANNED and not meeting.is_draft
    removing = (
        invited
        and participants is not None
        and meeting.participants.exclude(user_id__in=[m.user_id for m in participants]).exists()
    )
    # Calendars take a change only with a higher SEQUENCE, so a withdrawal counts as one too.
    if invited and (told or removing):
        meeting.sequence += 1
    audited(meeting, actor)
    _check_dates(meeting.coalition, meeting)
    meeting.full_clean()
    _check_people(meeting.coalition, meeting)
    meeting.save()
    if participants is not None:
        added, kept, removed = _set_participants(meeting, participants, actor=actor)
    else:
        added, kept, removed = [], [p.user for p in meeting.participants.select_related("user")], []
    if not invited:
        return meeting
    if removed:
        _add_deliveries(meeting, removed, Delivery.Kind.WITHDRAWN)
        _queue_mail(meeting, Delivery.Kind.WITHDRAWN, meeting.sequence)
    if told:
        _record_changes(meeting, told, actor)
        _tell_participants(meeting, kept)
    if added:
        _add_deliveries(meeting, added, Delivery.Kind.INVITATION)
        _queue_mail(meeting, Delivery.Kind.INVITATION, meeting.sequence)
    return meeting


@transaction.atomic
def meeting_send_invitations(
    *, meeting: Meeting, actor: User, confirm_empty_agenda: bool = False
) -> int:
    """Ends the draft: every participant gets the invitation. Returns how many.

    A meeting without an agenda is sent only when `confirm_empty_agenda` says so."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting sends invitations."))
    if meeting.invitations_sent_at is not None:
        raise ValidationError(_("The invitations were sent already."))
    users = [p.user for p in meeting.participants.select_related("user")]
    if not users:
        raise ValidationError(_("Choose the participants first: nobody would get an invitation."))
    if not confirm_empty_agenda and not meeting.agenda_items.exists():
        raise ValidationError(
            _("The agenda is empty. Confirm that the invitations go without one."),
            code="empty_agenda",
        )
    meeting.invitations_sent_at = timezone.now()
    audited(meeting, actor).save()
    # Changes made while it was a draft are in the invitation itself.
    MeetingChange.objects.filter(meeting=meeting, sequence__isnull=True).delete()
    count = _add_deliveries(meeting, users, Delivery.Kind.INVITATION)
    _queue_mail(meeting, Delivery.Kind.INVITATION, meeting.sequence)
    return count


@transaction.atomic
def meeting_send_update(*, meeting: Meeting, actor: User) -> int:
    """Tells every participant the changes not yet told (agenda changes wait for this, so a
    convenor reworking the agenda sends one mail, not one per item). Returns how many get it:
    none when the changes tell nobody anything, and then they are cleared."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED or meeting.is_draft:
        raise ValidationError(_("Only a meeting whose invitations went out sends updates."))
    pending = list(MeetingChange.objects.filter(meeting=meeting, sequence__isnull=True))
    if not pending:
        raise ValidationError(_("Nothing changed since the participants were last told."))
    told = _told_something(
        meeting, [p.user for p in meeting.participants.select_related("user")], pending
    )
    if not told:
        # Changes that cancel out (a title put back) or that no participant may see tell nobody
        # anything: they go, and calendars keep the SEQUENCE they have.
        MeetingChange.objects.filter(pk__in=[change.pk for change in pending]).delete()
        return 0
    meeting.sequence += 1
    audited(meeting, actor).save()
    return _send_update(meeting, pending, told)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be cancelled."))
    announced = not meeting.is_draft
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    audited(meeting, actor).save()
    # A draft was never announced: nobody is told it is off.
    users = [p.user for p in meeting.participants.select_related("user")] if announced else []
    if users:
        _add_deliveries(meeting, users, Delivery.Kind.CANCELLATION)
        _queue_mail(meeting, Delivery.Kind.CANCELLATION, meeting.sequence)
    return meeting


def _check_started(meeting: Meeting, now: datetime | None = None) -> None:
    """A meeting is held only once it has begun; the refusal names its start on the coalition's
    clock, where the people who convened it read it."""
    if meeting.starts_at > (now or timezone.now()):
        raise ValidationError(
            _("The meeting has not started yet: it starts on %(start)s.")
            % {"start": timefmt.format_moment(meeting.starts_at, meeting.coalition.timezone)}
        )


def _check_unlocked(meeting: Meeting) -> None:
    """Once the summary is published the minutes are the record: attendance, minutes, decisions
    and the agenda change only through an amendment (`summary_amend`)."""
    if meeting.status == Meeting.Status.SUMMARY_PUBLISHED:
        raise ValidationError(
            _("The summary is published, so the minutes are locked: publish a correction instead.")
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))


def _locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting, read again under a lock, refused once its minutes are locked."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("coalition")
        .get(pk=meeting.pk)
    )
    _check_unlocked(meeting)
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor: User, now: datetime | None = None) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("coalition")
        .get(pk=meeting.pk)
    )
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("Only a planned meeting can be marked as held."))
    # An archived coalition's refusal says why nothing can change, whatever the meeting's time.
    refuse_if_archived(meeting.coalition)
    _check_started(meeting, now)
    meeting.status = Meeting.Status.HELD
    audited(meeting, actor).save()
    return meeting


@transaction.atomic
def meeting_unmark_held(*, meeting: Meeting, actor: User) -> Meeting:
    """Undoes "held" while the summary is unpublished; the minutes recorded stay."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(
            _("Only a meeting marked as held, whose summary is not published, can be reopened.")
        )
    meeting.status = Meeting.Status.PLANNED
    audited(meeting, actor).save()
    return meeting


# Agenda ------------------------------------------------------------------------------------------


# What an agenda change tells of the item.
AGENDA_TOLD_FIELDS = ("title", "topic", "presenter", "duration_minutes", "visibility")


def _agenda_told(item: AgendaItem) -> dict:
    return {field: getattr(item, field) for field in AGENDA_TOLD_FIELDS}


def _tells_changes(meeting: Meeting) -> bool:
    """Whether a change waits to be told: the meeting is planned and its invitations went out."""
    return meeting.status == Meeting.Status.PLANNED and not meeting.is_draft


def _record_agenda_change(item: AgendaItem, what: str, actor, *, old=None, new=None) -> None:
    """On a meeting whose invitations went out, the change waits to be told (meeting_send_update).
    It is told only to those who may see the item, before or after."""
    meeting = item.meeting
    if not _tells_changes(meeting):
        return
    restricted = Visibility.RESTRICTED in {(v or {}).get("visibility") for v in (old, new)}
    MeetingChange.objects.create(
        meeting=meeting,
        what=what,
        agenda_item_id=item.pk,
        old=old,
        new=new,
        visibility=Visibility.RESTRICTED if restricted else Visibility.MEMBERS,
        created_by=actor,
    )


@transaction.atomic
def agenda_item_create(*, meeting: Meeting, actor: User, **fields: object) -> AgendaItem:
    meeting = _locked_meeting(meeting)
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    item = audited(AgendaItem(meeting=meeting, position=(last or 0) + 1, **fields), actor)
    item.full_clean()
    item.save()
    _record_agenda_change(item, MeetingChange.What.AGENDA_ADDED, actor, new=_agenda_told(item))
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, actor: User, **fields: object) -> AgendaItem:
    _locked_meeting(item.meeting)
    before = _agenda_told(item)
    for field, value in fields.items():
        setattr(item, field, value)
    audited(item, actor)
    item.full_clean()
    item.save()
    after = _agenda_told(item)
    if after != before:
        _record_agenda_change(item, MeetingChange.What.AGENDA_CHANGED, actor, old=before, new=after)
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, actor: User) -> None:
    _locked_meeting(item.meeting)
    _record_agenda_removal(item, actor)
    audited(item, actor).delete()


def _record_agenda_removal(item: AgendaItem, actor) -> None:
    """An item added since the participants were last told goes with its untold changes, as if
    it never was (as a document attached and removed does); one they know is told as removed.
    Either way it leaves the pending new order, which goes if the rest is in the order told."""
    meeting = item.meeting
    if not _tells_changes(meeting):
        return
    untold = MeetingChange.objects.filter(
        meeting=meeting, agenda_item_id=item.pk, sequence__isnull=True
    )
    if untold.filter(what=MeetingChange.What.AGENDA_ADDED).exists():
        untold.delete()
    else:
        _record_agenda_change(
            item, MeetingChange.What.AGENDA_REMOVED, actor, old=_agenda_told(item)
        )
    order = (
        MeetingChange.objects.select_for_update()
        .filter(meeting=meeting, what=MeetingChange.What.AGENDA_REORDERED, sequence__isnull=True)
        .first()
    )
    if order is None:
        return
    order.old = [pk for pk in order.old if pk != item.pk]
    order.new = [pk for pk in order.new if pk != item.pk]
    if same_order(order.old, order.new):
        order.delete()
    else:
        order.save(update_fields=["old", "new"])


def _record_agenda_order(meeting: Meeting, before: list[int], after: list[int], actor) -> None:
    """One pending change holds the order the participants were last told (`old`) and the order
    now (`new`): moves before the next update are folded into it, and it goes when the agenda is
    back in the order they know."""
    if not _tells_changes(meeting):
        return
    pending = (
        MeetingChange.objects.select_for_update()
        .filter(meeting=meeting, what=MeetingChange.What.AGENDA_REORDERED, sequence__isnull=True)
        .first()
    )
    told = pending.old if pending else before
    if same_order(told, after):
        if pending:
            pending.delete()
        return
    if pending:
        pending.new = after
        pending.save(update_fields=["new"])
        return
    # Each reader is told the order of the items they may see (meetings.changes).
    MeetingChange.objects.create(
        meeting=meeting,
        what=MeetingChange.What.AGENDA_REORDERED,
        old=before,
        new=after,
        created_by=actor,
    )


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, actor: User, item_ids: list[int]) -> None:
    """Puts the items in the order given; every item of the meeting must be named once."""
    refuse_if_archived(meeting.coalition_id)
    meeting = _locked_meeting(meeting)
    items = {
        i.pk: i
        for i in AgendaItem.objects.select_for_update()
        .filter(meeting=meeting)
        .order_by("position", "pk")
    }
    if sorted(item_ids) != sorted(items):
        raise ValidationError(_("The agenda changed meanwhile; reload the page and try again."))
    before = list(items)
    for position, pk in enumerate(item_ids, start=1):
        items[pk].position = position
    bulk_update_with_history(list(items.values()), AgendaItem, ["position"], default_user=actor)
    _record_agenda_order(meeting, before, list(item_ids), actor)
    meetings_changed(meeting_ids=[meeting.pk])  # a bulk write sends no signal


def agenda_move(*, item: AgendaItem, actor: User, direction: str) -> None:
    ids = list(item.meeting.agenda_items.values_list("pk", flat=True))
    index = ids.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        agenda_reorder(meeting=item.meeting, actor=actor, item_ids=ids)


# Attendance, minutes, decisions -----------------------------------------------------------------


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor: User, attendance: dict[int, str]) -> None:
    """`attendance`: participant id -> Participant.Attendance value."""
    refuse_if_archived(meeting.coalition_id)
    _locked_meeting(meeting)
    participants = list(
        Participant.objects.select_for_update().filter(meeting=meeting, pk__in=list(attendance))
    )
    valid = set(Participant.Attendance.values)
    changed = []
    for participant in participants:
        value = attendance.get(participant.pk)
        if value is None:
            continue
        if value not in valid:
            raise ValidationError(_("Unknown attendance value."))
        if participant.attendance != value:
            participant.attendance = value
            changed.append(participant)
    bulk_update_with_history(changed, Participant, ["attendance"], default_user=actor)
    meetings_changed(meeting_ids=[meeting.pk])  # a bulk write sends no signal


def _minutes_errors(notes: str | None, item_minutes: dict[int, str]) -> dict[str, list[str]]:
    """The length limits of the general minutes and each item's: minutes are saved with
    update_fields and bulk_update, which skip full_clean, so they are checked here."""
    errors = {}
    if notes is not None:
        try:
            Meeting._meta.get_field("notes").run_validators(notes)
        except ValidationError as exc:
            errors["notes"] = exc.messages
    for pk, text in item_minutes.items():
        try:
            AgendaItem._meta.get_field("minutes").run_validators(text)
        except ValidationError as exc:
            errors[f"item{pk}"] = exc.messages
    return errors


@transaction.atomic
def minutes_save(
    *, meeting: Meeting, actor: User, notes: str, item_minutes: dict[int, str]
) -> None:
    refuse_if_archived(meeting.coalition_id)
    errors = _minutes_errors(notes, item_minutes)
    if errors:
        raise ValidationError(errors)
    meeting = _locked_meeting(meeting)
    _write_minutes(meeting, actor=actor, notes=notes, item_minutes=item_minutes)


def _write_minutes(
    meeting: Meeting, *, actor: User, notes: str | None, item_minutes: dict[int, str]
) -> list[str]:
    """Writes what differs; returns the titles of what changed ("" for the general minutes)."""
    changes = []
    if notes is not None and meeting.notes != notes:
        changes.append("")
        meeting.notes = notes
        audited(meeting, actor).save(update_fields=["notes"])
    changed = []
    for item in meeting.agenda_items.all():
        text = item_minutes.get(item.pk)
        if text is not None and text != item.minutes:
            item.minutes = text
            changed.append(item)
    bulk_update_with_history(changed, AgendaItem, ["minutes"], default_user=actor)
    meetings_changed(meeting_ids=[meeting.pk])  # a bulk write sends no signal
    return changes + [item.title for item in changed]


@transaction.atomic
def item_minutes_save(*, item: AgendaItem, actor: User, text: str) -> AgendaItem:
    """The minutes of one agenda item, as the in-meeting screen saves them while people type."""
    AgendaItem._meta.get_field("minutes").run_validators(text)
    _locked_meeting(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.minutes != text:
        item.minutes = text
        audited(item, actor).save(update_fields=["minutes"])
    return item


@transaction.atomic
def notes_save(*, meeting: Meeting, actor: User, notes: str) -> Meeting:
    """The general minutes alone, as the in-meeting screen saves them."""
    Meeting._meta.get_field("notes").run_validators(notes)
    meeting = _locked_meeting(meeting)
    if meeting.notes != notes:
        meeting.notes = notes
        audited(meeting, actor).save(update_fields=["notes"])
    return meeting


@transaction.atomic
def decision_create(
    *,
    meeting: Meeting,
    actor: User,
    text: str,
    agenda_item: AgendaItem | None = None,
    visibility: str = Visibility.MEMBERS,
) -> Decision:
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError({"agenda_item": _("Choose an item of this meeting's agenda.")})
    _locked_meeting(meeting)
    decision = audited(
        Decision(meeting=meeting, text=text, agenda_item=agenda_item, visibility=visibility), actor
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, actor: User) -> None:
    _locked_meeting(decision.meeting)
    audited(decision, actor).delete()


# Documents ---------------------------------------------------------------------------------------


@transaction.atomic
def document_upload(
    *,
    meeting: Meeting,
    actor: User,
    uploaded: UploadedFile,
    title: str = "",
    visibility: str = Visibility.MEMBERS,
) -> Document:
    refuse_if_published(meeting, DOCUMENTS_CLOSED)
    data, content_type = validate_document(uploaded)
    document = audited(
        Document(
            meeting=meeting,
            filename=uploaded.name[-200:],
            content_type=content_type,
            size=len(data),
            title=title,
            visibility=visibility,
            uploaded_by=actor,
        ),
        actor,
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.full_clean()
    document.save()
    _record_document_change(document, MeetingChange.What.DOCUMENT_ADDED, actor)
    return document


def _record_document_change(document: Document, what: str, actor) -> None:
    """On a meeting whose invitations went out, a document attached or removed waits to be told,
    to those who may see it. One attached and removed before they were told is not told at all."""
    if not _tells_changes(Meeting.objects.get(pk=document.meeting_id)):
        return
    if what == MeetingChange.What.DOCUMENT_REMOVED:
        untold = MeetingChange.objects.filter(
            meeting_id=document.meeting_id,
            what=MeetingChange.What.DOCUMENT_ADDED,
            document_id=document.pk,
            sequence__isnull=True,
        )
        if untold.delete()[0]:
            return
    told = {"title": str(document)}
    MeetingChange.objects.create(
        meeting_id=document.meeting_id,
        what=what,
        document_id=document.pk,
        old=told if what == MeetingChange.What.DOCUMENT_REMOVED else None,
        new=told if what == MeetingChange.What.DOCUMENT_ADDED else None,
        visibility=document.visibility,
        created_by=actor,
    )


@transaction.atomic
def document_delete(*, document: Document, actor: User) -> None:
    refuse_if_published(document.meeting, DOCUMENTS_CLOSED)
    _record_document_change(document, MeetingChange.What.DOCUMENT_REMOVED, actor)
    stored = document.file.name
    storage = document.file.storage
    audited(document, actor).delete()
    transaction.on_commit(lambda: storage.delete(stored))


# Summary -----------------------------------------------------------------------------------------


def _queue_summary_mails(meeting: Meeting, revision: int) -> None:
    users = [p.user for p in meeting.participants.select_related("user")]
    Delivery.objects.bulk_create(
        [
            Delivery(meeting=meeting, user=user, kind=Delivery.Kind.SUMMARY, sequence=revision)
            for user in users
        ],
        ignore_conflicts=True,
    )
    pipeline.publish_on_commit("meetings.tasks.publish_summary_task", meeting.pk, revision)


@transaction.atomic
def summary_publish(*, meeting: Meeting, actor: User, now: datetime | None = None) -> Summary:
    """Marks the summary published and queues rendering and mailing to every participant."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("coalition")
        .get(pk=meeting.pk)
    )
    if meeting.status == Meeting.Status.SUMMARY_PUBLISHED:
        raise ValidationError(
            _("The summary is already published: publish a correction to change it.")
        )
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(_("Mark the meeting as held before publishing its summary."))
    # A meeting marked held before this rule existed is still refused before it starts.
    _check_started(meeting, now)
    meeting.status = Meeting.Status.SUMMARY_PUBLISHED
    audited(meeting, actor).save()
    summary, _created = Summary.objects.get_or_create(
        meeting=meeting, defaults={"published_by": actor}
    )
    summary.state = Summary.State.QUEUED
    summary.error = ""
    summary.published_by = actor
    summary.published_at = timezone.now()
    audited(summary, actor).save()
    _queue_summary_mails(meeting, summary.revision)
    return summary


@transaction.atomic
def summary_amend(
    *,
    meeting: Meeting,
    actor: User,
    note: str,
    notes: str | None = None,
    item_minutes: dict[int, str] | None = None,
) -> SummaryAmendment:
    """Corrects published minutes: writes the correction, records what changed (the `note` in the
    publisher's words and the parts changed), and renders and mails the summary again."""
    item_minutes = item_minutes or {}
    errors = {}
    try:
        SummaryAmendment._meta.get_field("note").clean(note, None)
    except ValidationError as exc:
        errors["note"] = exc.messages
    errors.update(_minutes_errors(notes, item_minutes))
    if errors:
        raise ValidationError(errors)
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("coalition")
        .get(pk=meeting.pk)
    )
    if meeting.status != Meeting.Status.SUMMARY_PUBLISHED:
        raise ValidationError(_("Only a published summary can be corrected."))
    summary = Summary.objects.select_for_update().get(meeting=meeting)
    changed = _write_minutes(meeting, actor=actor, notes=notes, item_minutes=item_minutes)
    summary.revision += 1
    amendment = audited(
        SummaryAmendment(
            summary=summary,
            number=summary.revision,
            note=note.strip(),
            changed_parts=changed,
            created_by=actor,
        ),
        actor,
    )
    amendment.full_clean()
    amendment.save()
    summary.state = Summary.State.QUEUED
    summary.error = ""
    summary.rendered_at = None  # the stored copies are the uncorrected ones
    audited(summary, actor).save()
    _queue_summary_mails(meeting, summary.revision)
    return amendment


@transaction.atomic
def summary_send_again(
    *, meeting: Meeting, actor: User, user: User | None = None, only_unsent: bool = False
) -> int:
    """Sends the latest summary again to one participant, or to all (`only_unsent`: to those it
    has not reached yet); returns how many will get it."""
    summary = Summary.objects.select_for_update().get(meeting=meeting)
    deliveries = Delivery.objects.filter(
        meeting=meeting, kind=Delivery.Kind.SUMMARY, sequence=summary.revision
    )
    if user is not None:
        deliveries = deliveries.filter(user=user)
    if only_unsent:
        deliveries = deliveries.filter(status__in=UNSENT)
    count = deliveries.update(
        status=MailStatus.PENDING,
        last_error="",
        attempts=0,
        sent_at=None,
        locked_at=None,
        next_attempt_at=timezone.now(),
    )
    summary.state = Summary.State.QUEUED
    summary.error = ""
    audited(summary, actor).save()
    pipeline.publish_on_commit("meetings.tasks.publish_summary_task", meeting.pk, summary.revision)
    return count


# Calendar feed -----------------------------------------------------------------------------------


def calendar_feed_token(feed: CalendarFeed) -> str:
    return signing.dumps({"f": feed.pk, "k": feed.key}, salt=FEED_SALT, compress=True)


def calendar_feed_for(*, coalition: Coalition, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(coalition=coalition, user=user)
    return feed


@transaction.atomic
def calendar_feed_renew(*, coalition: Coalition, user: User) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    from .models import new_feed_key

    feed = calendar_feed_for(coalition=coalition, user=user)
    feed.key = new_feed_key()
    feed.save(update_fields=["key"])
    return feed


def calendar_feed_from_token(token: str) -> CalendarFeed | None:
    try:
        payload = signing.loads(token, salt=FEED_SALT)
        pk, key = int(payload["f"]), str(payload["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return CalendarFeed.objects.select_related("coalition", "user").filter(pk=pk, key=key).first()

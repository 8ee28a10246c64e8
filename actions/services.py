"""Every change to action points, their updates, reminder settings and mail preferences."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coalitions.audit import audited
from coalitions.models import Coalition, Membership, Organisation, Visibility
from meetings.models import AgendaItem, Meeting
from meetings.publication import ACTION_POINTS_CLOSED, refuse_if_published
from users.models import User

from .models import ActionPoint, ActionUpdate, NotificationPreference, ReminderSettings
from .reminders.marks import action_point_changed
from .reminders.recording import notify_new_action_point
from .unsubscribe import UnsubscribeLinkError, unsubscribe_payload

EDITABLE_FIELDS = (
    "title",
    "description",
    "owner_organisation",
    "owner",
    "due_date",
    "priority",
    "visibility",
    "meeting",
)


def _check_ownership(action_point: ActionPoint) -> None:
    """The owner organisation takes part in the coalition; the owner person belongs to it there."""
    coalition = action_point.coalition
    organisation_id = action_point.owner_organisation_id
    takes_part = (
        organisation_id == coalition.national_authority_id
        or Membership.objects.filter(coalition=coalition, organisation_id=organisation_id).exists()
        or coalition.champions.filter(pk=organisation_id).exists()
    )
    if not takes_part:
        raise ValidationError(
            {"owner_organisation": _("This organisation does not take part in the coalition.")}
        )
    if (
        action_point.owner_id
        and not Membership.objects.filter(
            coalition=coalition, organisation_id=organisation_id, user_id=action_point.owner_id
        ).exists()
    ):
        raise ValidationError(
            {"owner": _("The owner must be a member of the coalition for the owner organisation.")}
        )
    if action_point.meeting_id and action_point.meeting.coalition_id != coalition.pk:
        raise ValidationError({"meeting": _("This meeting belongs to another coalition.")})
    if action_point.agenda_item_id and (
        action_point.meeting_id is None
        or action_point.agenda_item.meeting_id != action_point.meeting_id
    ):
        raise ValidationError(
            {"agenda_item": _("Choose an item of this meeting's agenda.")}, code="other_meeting"
        )


def _pk(value) -> int | None:
    return getattr(value, "pk", value)


def _check_meeting_open(action_point: ActionPoint) -> None:
    """A meeting whose summary is published takes no new action point (an existing one is still
    followed up, and keeps its meeting)."""
    if action_point.meeting_id is None:
        return
    try:
        refuse_if_published(action_point.meeting, ACTION_POINTS_CLOSED)
    except ValidationError as exc:
        raise ValidationError({"meeting": exc.messages}) from None


@transaction.atomic
def action_point_create(
    *,
    coalition: Coalition,
    actor: User,
    title: str,
    owner_organisation: Organisation,
    owner: User | None = None,
    due_date: date | None = None,
    description: str = "",
    priority: str = ActionPoint.Priority.NORMAL,
    visibility: str = Visibility.MEMBERS,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    status: str = ActionPoint.Status.OPEN,
) -> ActionPoint:
    """`agenda_item`: the item of `meeting`'s agenda it is recorded under, if any."""
    action_point = audited(
        ActionPoint(
            coalition=coalition,
            meeting=meeting,
            agenda_item=agenda_item,
            title=title,
            description=description,
            owner_organisation=owner_organisation,
            owner=owner,
            due_date=due_date,
            priority=priority,
            status=status,
            visibility=visibility,
            recorded_by=actor,
        ),
        actor,
    )
    action_point.full_clean()
    _check_ownership(action_point)
    _check_meeting_open(action_point)
    action_point.save()
    action_point_changed(action_point_id=action_point.pk)
    _queue_new_action_point_notice(action_point)
    return action_point


def _queue_new_action_point_notice(action_point: ActionPoint) -> None:
    """The notice's rows are written in the action point's own transaction (a crash after the
    commit cannot lose them); their mail is queued once it commits, and the dispatcher sends
    any the broker never got."""
    if action_point.status in ActionPoint.ACTIVE:
        notify_new_action_point(action_point_id=action_point.pk)


@transaction.atomic
def action_point_edit(*, action_point: ActionPoint, actor: User, **changes: object) -> ActionPoint:
    action_point = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable here: {', '.join(sorted(unknown))}")
    moved = "meeting" in changes and _pk(changes["meeting"]) != action_point.meeting_id
    for field, value in changes.items():
        setattr(action_point, field, value)
    if moved:
        # The item it was recorded under belongs to the meeting it leaves.
        action_point.agenda_item = None
    action_point.updated_at = timezone.now()
    audited(action_point, actor)
    action_point.full_clean()
    _check_ownership(action_point)
    if moved:
        _check_meeting_open(action_point)
    action_point.save()
    action_point_changed(action_point_id=action_point.pk)
    return action_point


@transaction.atomic
def action_update_post(
    *, action_point: ActionPoint, actor: User, text: str, new_status: str = ""
) -> ActionUpdate:
    """An update with an optional change of status, written with the audit row in one go."""
    action_point = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    if new_status == action_point.status:
        new_status = ""
    update = ActionUpdate(
        action_point=action_point,
        author=actor,
        text=text.strip(),
        old_status=action_point.status,
        new_status=new_status,
    )
    update.full_clean()
    update.save()
    action_point.updated_at = update.created_at
    if new_status:
        action_point.status = new_status
    audited(action_point, actor).save(update_fields=["status", "updated_at"])
    if new_status:
        action_point_changed(action_point_id=action_point.pk)
    return update


@transaction.atomic
def action_point_status_set(
    *, action_point: ActionPoint, actor: User, status: str
) -> ActionUpdate | None:
    """A change of status alone (from a list row): written as an update that says so, in the
    actor's language; setting the status it already has writes nothing, so a repeated click
    or a resent form is harmless."""
    current = ActionPoint.objects.select_for_update().get(pk=action_point.pk)
    if status == current.status:
        return None
    label = dict(ActionPoint.Status.choices).get(status, status)
    return action_update_post(
        action_point=current,
        actor=actor,
        text=_("Status changed to %(status)s.") % {"status": label},
        new_status=status,
    )


@transaction.atomic
def reminder_settings_update(
    *, coalition: Coalition, actor: User | None, reminders_enabled: bool, due_soon_days: int
) -> ReminderSettings:
    settings_row, _created = ReminderSettings.objects.select_for_update().get_or_create(
        coalition=coalition
    )
    settings_row.reminders_enabled = reminders_enabled
    settings_row.due_soon_days = due_soon_days
    audited(settings_row, actor)
    settings_row.full_clean()
    settings_row.save()
    return settings_row


@transaction.atomic
def notification_preference_set(
    *,
    user: User,
    coalition: Coalition,
    cadence: str,
    topic: str = NotificationPreference.Topic.ACTION_POINTS,
) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user, coalition=coalition, topic=topic
    )
    preference.cadence = cadence
    preference.updated_at = timezone.now()
    audited(preference, user)
    preference.full_clean()
    preference.save()
    return preference


# One-click unsubscribe ---------------------------------------------------------------------------


@transaction.atomic
def unsubscribe(*, token: str) -> NotificationPreference:
    """Sets the one preference the signed link names to "none"; nothing else changes."""
    from django.contrib.auth import get_user_model

    user_id, coalition_id, topic = unsubscribe_payload(token)
    user = get_user_model().objects.filter(pk=user_id).first()
    coalition = Coalition.objects.filter(pk=coalition_id).first()
    if user is None or coalition is None:
        raise UnsubscribeLinkError
    return notification_preference_set(
        user=user, coalition=coalition, topic=topic, cadence=NotificationPreference.Cadence.NONE
    )

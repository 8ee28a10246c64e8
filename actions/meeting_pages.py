"""The meeting page keeps its lists per version of the meeting (meetings/page_cache.py): a write
to an action point gives the meetings it belongs to, or belonged to, a new version in the
writer's transaction, and the owners' names shown there are found for renames."""

from django.db.models.signals import post_delete, post_save, pre_save

from coalitions.services import follow_organisation_merge
from meetings.page_cache import (
    deleted_with_its_meeting,
    meetings_changed,
    register_meetings_naming,
)

from .models import ActionPoint


def _saving(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Notes the meeting the action point belonged to, for when an edit moves it."""
    if update_fields is not None and "meeting" not in update_fields:
        instance._page_meeting_before = None
    elif not raw and instance.pk is not None:
        instance._page_meeting_before = (
            sender.objects.filter(pk=instance.pk).values_list("meeting_id", flat=True).first()
        )


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        before = getattr(instance, "_page_meeting_before", None)
        meetings_changed(meeting_ids=[instance.meeting_id, before])


def _deleted(sender, instance, origin=None, **kwargs) -> None:
    if not deleted_with_its_meeting(origin):
        meetings_changed(meeting_ids=[instance.meeting_id])


def meetings_naming(*, user_id=None, organisation_id=None) -> set[int]:
    """The meetings whose action points name this owner or owner organisation."""
    if user_id is not None:
        owned = ActionPoint.objects.filter(owner_id=user_id)
    else:
        owned = ActionPoint.objects.filter(owner_organisation_id=organisation_id)
    return set(owned.exclude(meeting=None).values_list("meeting_id", flat=True))


def _moved(ids: list[int]) -> None:
    # An organisation merge moved these action points to the organisation kept.
    meetings_changed(
        meeting_ids=ActionPoint.objects.filter(pk__in=ids).values_list("meeting_id", flat=True)
    )


def connect_signals() -> None:
    pre_save.connect(_saving, sender=ActionPoint, dispatch_uid="meeting-version-ap-before")
    post_save.connect(_saved, sender=ActionPoint, dispatch_uid="meeting-version-ap")
    post_delete.connect(_deleted, sender=ActionPoint, dispatch_uid="meeting-version-ap-delete")
    register_meetings_naming(meetings_naming)
    follow_organisation_merge(ActionPoint, _moved)

"""An archived coalition is read-only below the permission layer too: every service write names
its record through `audited`, which refuses one that belongs to an archived coalition, and the
services that write in bulk ask `refuse_if_archived` first. So a task, an import, a command or a
form posted just before the archive writes nothing; the mail pipeline holds its mails
(`mail.pipeline.live`)."""

from functools import cache

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

# A person's own settings about a coalition (how they get its mail, their calendar link) are not
# the coalition's record: they may change them while it is archived, to stop its mail for good.
PERSONAL_SETTINGS = frozenset({"actions.notificationpreference", "meetings.calendarfeed"})


def archived_message() -> str:
    return _("This coalition is archived: restore it first.")


@cache
def coalition_path(model: type[models.Model]) -> tuple[str, ...] | None:
    """The foreign keys from `model` to its coalition (("meeting", "coalition") for an agenda
    item), or None for records that belong to no coalition."""
    from .models import Coalition

    if model is Coalition or model._meta.label_lower in PERSONAL_SETTINGS:
        return None
    fields = [f for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one]
    for field in fields:
        if field.related_model is Coalition:
            return (field.name,)
    for field in fields:
        target = field.related_model
        if target is model or target._meta.app_label in {"auth", "users", "contenttypes"}:
            continue
        rest = coalition_path(target)
        if rest is not None:
            return (field.name, *rest)
    return None


def is_archived_record(instance: models.Model) -> bool:
    """Whether `instance` belongs to an archived coalition: read from the relations already
    loaded, or in one query from the first one that is not."""
    path = coalition_path(type(instance))
    if path is None:
        return False
    current = instance
    for index, name in enumerate(path):
        field = type(current)._meta.get_field(name)
        if field.is_cached(current):
            current = getattr(current, name)
            if current is None:
                return False
            continue
        related_id = getattr(current, field.attname)
        if related_id is None:
            return False
        rest = "__".join((*path[index + 1 :], "archived_at__isnull"))
        return field.related_model._default_manager.filter(pk=related_id, **{rest: False}).exists()
    return current.archived_at is not None


def refuse_if_archived(coalition) -> None:
    """For services that write in bulk (no one record passes through `audited`)."""
    from .models import Coalition

    archived = (
        coalition.archived_at is not None
        if isinstance(coalition, Coalition)
        else Coalition.objects.filter(pk=coalition, archived_at__isnull=False).exists()
    )
    if archived:
        raise ValidationError(archived_message())

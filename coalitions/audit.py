"""The audit trail: django-simple-history records every change with the person who made it."""

from django.core.exceptions import ValidationError

from .archive import archived_message, is_archived_record


def audited(instance, actor):
    """Marks who makes the next save or delete of `instance`; services call it before writing.

    Every service write passes here, so it is also where an archived coalition stays read-only
    whoever writes (a task, an import, a command): a record of one is refused."""
    if is_archived_record(instance):
        raise ValidationError(archived_message())
    instance._history_user = actor
    return instance

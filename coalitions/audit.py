"""The audit trail: django-simple-history records every change with the person who made it."""


def audited(instance, actor):
    """Marks who makes the next save or delete of `instance`; services call it before writing."""
    instance._history_user = actor
    return instance

"""What a coalition home shows of its members (the members panel, and the champion States among
its facts) is kept rendered per `Coalition.members_version` (`{% remember %}`), so the home reads
no member while they stay the same.

Every write that changes what is shown gives the coalitions concerned a new version in the
writer's own transaction: a membership made, changed or ended, an organisation renamed or of
another kind, a person renamed, a champion added or removed (the signals below); the bulk moves
of an organisation merge, and any other write that bypasses the signals, call `members_changed`
themselves. The version is read with the reader's access, before the members, so a page never
keeps members older than the version it keeps them under.
"""

from uuid import uuid4

from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from .models import Coalition, Membership, Organisation

# The organisation's columns the home shows (its name, and its kind as a label).
SHOWN_ORGANISATION_FIELDS = frozenset({"name", "kind"})


def members_changed(*, coalitions: QuerySet | list[int]) -> None:
    """Gives the coalitions (ids, or a query of their ids) a new members version (one
    statement)."""
    Coalition.objects.filter(pk__in=coalitions).update(members_version=uuid4())


def coalitions_showing(*, organisation_ids: list[int]) -> Q:
    """The coalitions whose home names one of the organisations: by a member or as a champion."""
    return Q(
        pk__in=Membership.objects.filter(organisation_id__in=organisation_ids).values(
            "coalition_id"
        )
    ) | Q(
        pk__in=Coalition.champions.through.objects.filter(
            organisation_id__in=organisation_ids
        ).values("coalition_id")
    )


def organisations_changed(*, organisation_ids: list[int]) -> None:
    Coalition.objects.filter(coalitions_showing(organisation_ids=organisation_ids)).update(
        members_version=uuid4()
    )


def _shown_fields_saved(update_fields, shown: frozenset[str]) -> bool:
    return update_fields is None or bool(shown & set(update_fields))


def _membership_saved(sender, instance, **kwargs) -> None:
    members_changed(coalitions=[instance.coalition_id])


def _organisation_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if not created and _shown_fields_saved(update_fields, SHOWN_ORGANISATION_FIELDS):
        organisations_changed(organisation_ids=[instance.pk])


def _organisation_deleted(sender, instance, **kwargs) -> None:
    # Before the rows naming it go with it (a champion's).
    organisations_changed(organisation_ids=[instance.pk])


def _person_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    if not created and _shown_fields_saved(update_fields, frozenset({"name"})):
        members_changed(
            coalitions=Membership.objects.filter(user_id=instance.pk).values("coalition_id")
        )


def _champions_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # coalition.champions
        if action != "pre_clear":
            members_changed(coalitions=[instance.pk])
    elif action == "pre_clear":  # organisation.coalitions_as_champion.clear()
        organisations_changed(organisation_ids=[instance.pk])
    elif action != "post_clear":
        members_changed(coalitions=list(pk_set or ()))


def connect_signals() -> None:
    from django.contrib.auth import get_user_model

    post_save.connect(_membership_saved, sender=Membership, dispatch_uid="home-members-saved")
    post_delete.connect(_membership_saved, sender=Membership, dispatch_uid="home-members-deleted")
    post_save.connect(
        _organisation_saved, sender=Organisation, dispatch_uid="home-members-organisation"
    )
    pre_delete.connect(
        _organisation_deleted, sender=Organisation, dispatch_uid="home-members-organisation-gone"
    )
    post_save.connect(_person_saved, sender=get_user_model(), dispatch_uid="home-members-person")
    m2m_changed.connect(
        _champions_changed,
        sender=Coalition.champions.through,
        dispatch_uid="home-members-champions",
    )

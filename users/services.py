from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

from .models import User

SITE_STAFF_GROUP = "Site staff"
# What site staff run in Django's admin: accounts, organisations and the outbox. Nothing of a
# coalition's content (memberships, meetings, action points, concerns...), and no deletion of
# people or organisations (deactivate a person; organisations are protected by their records).
SITE_STAFF_PERMISSIONS = {
    ("users", "user"): ("view", "add", "change"),
    ("account", "emailaddress"): ("view", "add", "change"),
    ("coalitions", "organisation"): ("view", "add", "change", "merge"),
    ("outbox", "outboxmessage"): ("view",),
}


def site_staff_group() -> Group:
    """The group that carries the staff's model permissions, made or brought in step here."""

    group, _created = Group.objects.get_or_create(name=SITE_STAFF_GROUP)
    wanted = Q(pk__in=[])
    for (app_label, model), actions in SITE_STAFF_PERMISSIONS.items():
        wanted |= Q(
            content_type__app_label=app_label,
            content_type__model=model,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    group.permissions.set(Permission.objects.filter(wanted))
    return group


@transaction.atomic
def user_create(
    *,
    email: str,
    name: str,
    password: str | None = None,
    timezone: str = "UTC",
    preferred_language: str = "en",
    verified: bool = True,
    is_staff: bool = False,
    actor: User | None,
) -> User:
    """Creates a person; `verified` records the address as confirmed (allauth's EmailAddress).

    Staff are never superusers: what they may do in the admin comes from the site staff group's
    model permissions, and they read a coalition only as its members. `actor` None: the person
    signed up themselves, or the system made the account (the demo data).
    """
    from allauth.account.models import EmailAddress

    user = User(
        email=User.objects.normalize_email(email).lower(),
        name=name,
        timezone=timezone,
        preferred_language=preferred_language,
        is_staff=is_staff,
        is_superuser=False,
    )
    user.set_password(password)
    user._history_user = actor
    user.save()
    if is_staff:
        user.groups.add(site_staff_group())
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
    return user


@transaction.atomic
def user_update_profile(*, user: User, name: str, preferred_language: str, timezone: str) -> User:
    user.name = name
    user.preferred_language = preferred_language
    user.timezone = timezone
    user._history_user = user
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "preferred_language", "timezone"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.preferred_language = language
    user._history_user = user
    user.full_clean(exclude=["password"])
    user.save(update_fields=["preferred_language"])
    return user

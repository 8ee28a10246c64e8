from django.db import transaction

from .models import User


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
) -> User:
    """Creates a person; `verified` records the address as confirmed (allauth's EmailAddress)."""
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(
        email=email,
        name=name,
        password=password,
        timezone=timezone,
        preferred_language=preferred_language,
        is_staff=is_staff,
        is_superuser=is_staff,
    )
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

"""What other apps do when a person signs up, registered from their AppConfig.ready(), so that the
accounts app imports none of them (as coalitions.sections does for pages)."""

from collections.abc import Callable

# (request, user) -> the address to land on, or None when the hook had nothing to do.
SignUpHook = Callable[[object, object], str | None]

_after_sign_up: list[SignUpHook] = []


def register_after_sign_up(hook: SignUpHook) -> None:
    if hook not in _after_sign_up:
        _after_sign_up.append(hook)


def after_sign_up(request, user) -> str | None:
    """Runs every hook; the first address one of them gives is where the person lands."""
    landing = None
    for hook in _after_sign_up:
        landing = hook(request, user) or landing
    return landing

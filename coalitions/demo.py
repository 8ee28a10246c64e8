"""Later parts of the product add their demo data here, after the coalitions and people exist.

Each app registers its steps by name in its `AppConfig.ready`: a function
`(coalitions, organisations, stdout) -> None` that must be idempotent. `seed_demo` runs them in
the order of DEMO_STEPS, where each step comes after the ones whose data it uses.
"""

from collections.abc import Callable

DEMO_STEPS = (
    "meetings",  # the coalitions' meetings, the spring one held with its record
    "obligations",  # obligations, indicators and reported figures
    "article7",  # Lebanon's draft transparency report on 2025, from those figures
    "action_points",  # some decided at the held spring meeting
    "concerns",  # one raised and acknowledged in Lebanon
    # Last: the spring meeting's summary shows its action points and the obligations' status.
    "meeting_summary",
)

_steps: dict[str, Callable] = {}
# After every step: functions `(coalitions, since) -> None` that give the records a run made since
# `since` the dates of their story (recorded at the meeting, validated after the period), each app
# for its own records.
_dating: list[Callable] = []


def register_demo_step(name: str, func: Callable) -> Callable:
    if name not in DEMO_STEPS:
        raise ValueError(f"demo step {name!r} has no place in coalitions.demo.DEMO_STEPS")
    _steps[name] = func
    return func


def register_demo_dating(func: Callable) -> Callable:
    _dating.append(func)
    return func


def date_demo(*, coalitions: dict, since) -> None:
    for func in _dating:
        func(coalitions=coalitions, since=since)


def extend_demo(*, coalitions: dict, organisations: dict, stdout) -> None:
    missing = [name for name in DEMO_STEPS if name not in _steps]
    if missing:
        raise LookupError(f"demo steps not registered by any app: {', '.join(missing)}")
    for name in DEMO_STEPS:
        _steps[name](coalitions=coalitions, organisations=organisations, stdout=stdout)

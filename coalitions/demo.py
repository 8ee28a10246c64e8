"""Later parts of the product add their demo data here, after the coalitions and people exist.

Each app registers a function `(coalitions, organisations, stdout) -> None` that must be
idempotent; `seed_demo` calls them in order.
"""

from collections.abc import Callable

_extensions: list[tuple[int, Callable]] = []


def register_demo_extension(func: Callable, order: int = 50) -> Callable:
    _extensions.append((order, func))
    return func


def extend_demo(*, coalitions: dict, organisations: dict, stdout) -> None:
    for _order, func in sorted(_extensions, key=lambda item: item[0]):
        func(coalitions=coalitions, organisations=organisations, stdout=stdout)

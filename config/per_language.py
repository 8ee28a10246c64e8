"""`@per_language`: a function of no arguments whose answer depends only on the active language
(labels, escaped words, option lists), made once per language and process.

The answers are forgotten when the settings that choose the translations change (in tests).
"""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language

_made: list[dict] = []
T = TypeVar("T")
LANGUAGE_SETTINGS = {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting in LANGUAGE_SETTINGS:
        for answers in _made:
            answers.clear()


def per_language(make: Callable[[], T]) -> Callable[[], T]:
    answers: dict[str | None, T] = {}
    _made.append(answers)

    @wraps(make)
    def answer() -> T:
        language = get_language()
        try:
            return answers[language]
        except KeyError:
            value = answers[language] = make()
            return value

    return answer

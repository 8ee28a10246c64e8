"""Django's `i18n` template library, with `{% translate %}` of a written-out text remembered.

Installed under the name "i18n_remembered" (TEMPLATES' "libraries" in config/settings/base.py;
a library of its own name, as one that takes Django's name fails the system checks), so a
template's `{% load i18n_remembered %}` gets Django's tags and filters, with this
`{% translate %}`. A page carries dozens of `{% translate "…" %}`, each asking gettext again on every request (a lookup
through every catalog of the language) for a text that only the language can change. Here a tag
whose text and context are written in the template keeps its answer per language and escaping;
one given a variable or a filter is translated as Django does. The catalogs are read once per
process, as Django reads them, and the answers are forgotten when the settings that choose them
change (in tests).
"""

from weakref import WeakSet

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.base import Variable, render_value_in_context
from django.templatetags import i18n
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language

register = Library()
register.tags.update(i18n.register.tags)
register.filters.update(i18n.register.filters)

_remembered: WeakSet = WeakSet()
LANGUAGE_SETTINGS = {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting in LANGUAGE_SETTINGS:
        for node in _remembered:
            node.answers.clear()


class RememberedTranslateNode(i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text = self.filter_expression
        context = self.message_context
        self.written_out = (
            not text.filters
            and isinstance(text.var, Variable)
            and text.var.literal is not None
            and (context is None or (not context.filters and isinstance(context.var, str)))
        )
        self.answers: dict[tuple, str] = {}
        if self.written_out:
            _remembered.add(self)

    def translated(self, context) -> str:
        """What Django's node renders, without storing it in `asvar`."""
        self.filter_expression.var.translate = not self.noop
        if self.message_context:
            self.filter_expression.var.message_context = self.message_context.resolve(context)
        value = render_value_in_context(self.filter_expression.resolve(context), context)
        is_safe = isinstance(value, SafeData)
        value = value.replace("%%", "%")
        return mark_safe(value) if is_safe else value

    def render(self, context):
        if not self.written_out:
            return super().render(context)
        key = (get_language(), context.autoescape)
        value = self.answers.get(key)
        if value is None:
            value = self.answers[key] = self.translated(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = i18n.do_translate(parser, token)
    return RememberedTranslateNode(
        node.filter_expression, node.noop, node.asvar, node.message_context
    )

"""`{% url %}` and `reverse` that remember their answers: a page of a hundred rows asks for the same
few patterns with different ids, and Django's reverse walks the resolver every time.

Installed as a template builtin (TEMPLATES' "builtins" in config/settings/base.py), so every
template's `{% url %}` is this one, with Django's syntax and errors. An address depends only on
the URL configuration, the script prefix, the language, the namespace of the current app and the
arguments, all of which are in the key; only arguments of plain types (text, integers) are
remembered, anything else is reversed as Django does. The answers are the same for every reader,
so nothing of one person's page reaches another's.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.translation import get_language

register = Library()

PLAIN = (str, int)
REMEMBERED = 4096


@lru_cache(maxsize=REMEMBERED)
def _reverse(urlconf, prefix, language, viewname, current_app, args, kwargs) -> str:
    return reverse(viewname, urlconf, args=args, kwargs=dict(kwargs), current_app=current_app)


def cached_reverse(viewname: str, args=(), kwargs=None, current_app=None) -> str:
    """`django.urls.reverse`, remembered for arguments of plain types."""
    kwargs = kwargs or {}
    if not all(type(value) in PLAIN for value in (*args, *kwargs.values())):
        return reverse(viewname, args=args, kwargs=kwargs, current_app=current_app)
    return _reverse(
        get_urlconf(),
        get_script_prefix(),
        get_language(),
        viewname,
        current_app,
        tuple(args),
        tuple(sorted(kwargs.items())),
    )


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    # Tests that swap the URL configuration (Django clears its own caches on the same signal).
    if setting in {"ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        _reverse.cache_clear()


class CachedURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)  # Django's parsing and its syntax errors
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)

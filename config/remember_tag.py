"""`{% remember a b c %}…{% endremember %}`: a part of a page rendered once per process for each
set of the values it depends on, then served from memory.

The frame every page repeats (the header's links and labels, the language list, a coalition's
navigation) depends on a few values (the reader's language, their role in the coalition, the
coalition's name), and rendering it costs a page as much as a table of its own. The tag's
arguments are those values: the text is kept under the language, the escaping, the URL
configuration and the arguments, so two readers share it only where all of these are equal, and
what differs per reader (a name, a role) must be among the arguments. The CSRF token differs per
request: a part that uses it, or that holds a `{% block %}` (a page's own content), is refused
when the template is read. Values that cannot be a key (a list, a dict) render the part afresh.

At most `REMEMBERED` parts are kept per process, the least recently used going first.
"""

from collections import OrderedDict
from threading import Lock

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Library, Node, TemplateSyntaxError
from django.template.base import VariableNode
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = Library()

REMEMBERED = 4096
_parts: OrderedDict = OrderedDict()
_lock = Lock()
FORGET_ON = {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "ROOT_URLCONF", "STATIC_URL", "STORAGES"}


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting in FORGET_ON:
        with _lock:
            _parts.clear()


def _uses_csrf_token(nodelist) -> bool:
    if nodelist.get_nodes_by_type(CsrfTokenNode):
        return True
    return any(
        str(getattr(node.filter_expression.var, "var", "")).split(".")[0] == "csrf_token"
        for node in nodelist.get_nodes_by_type(VariableNode)
    )


class RememberNode(Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, values):
        self.nodelist = nodelist
        self.values = values

    def render_part(self, context) -> str:
        # In a context of its own, so that a part served from memory and one rendered leave the
        # page's context the same (`{% get_… as name %}` inside sets nothing outside).
        with context.push():
            return self.nodelist.render(context)

    def render(self, context):
        try:
            key = (
                self,
                get_language(),
                context.autoescape,
                get_urlconf(),
                get_script_prefix(),
                *(value.resolve(context) for value in self.values),
            )
            hash(key)
        except TypeError:
            return self.render_part(context)
        with _lock:
            text = _parts.get(key)
            if text is not None:
                _parts.move_to_end(key)
                return text
        text = mark_safe(self.render_part(context))
        with _lock:
            _parts[key] = text
            if len(_parts) > REMEMBERED:
                _parts.popitem(last=False)
        return text


@register.tag
def remember(parser, token):
    values = [parser.compile_filter(bit) for bit in token.split_contents()[1:]]
    nodelist = parser.parse(("endremember",))
    parser.delete_first_token()
    if _uses_csrf_token(nodelist):
        raise TemplateSyntaxError("{% remember %} may not hold the CSRF token: it is per request.")
    if nodelist.get_nodes_by_type(BlockNode):
        raise TemplateSyntaxError("{% remember %} may not hold a {% block %}: pages fill it.")
    return RememberNode(nodelist, values)

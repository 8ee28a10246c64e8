"""Form widgets written out in Python instead of through their templates.

Django renders each widget, each option of a select and each attribute list through a template of
its own; a filter form of six fields shown on every visit of a list cost more than the list's
rows. These give the same HTML as Django's `input.html`, `select.html` and `attrs.html`, from the
same context (`Widget.get_context`), so a form opts in by choosing the widget class.
"""

from html import escape

from django import forms
from django.utils.safestring import mark_safe


def _text(value) -> str:
    """As Django's conditional_escape: what is marked safe as it is, anything else escaped (the
    same characters as django.utils.html.escape), without its per-call wrapping."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class PlainRender:
    """Mixin for an input or a select: `_render` writes the element itself."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if "optgroups" in widget:
            options = []
            for group_name, group_options, _index in widget["optgroups"]:
                rendered = "".join(
                    f'<option value="{_text(o["value"])}"{_attrs(o["attrs"])}>'
                    f"{_text(o['label'])}</option>"
                    for o in group_options
                )
                if group_name:
                    rendered = f'<optgroup label="{_text(group_name)}">{rendered}</optgroup>'
                options.append(rendered)
            return mark_safe(
                f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>'
                f"{''.join(options)}</select>"
            )
        value = widget["value"]
        shown = f' value="{_text(str(value))}"' if value is not None else ""
        return mark_safe(
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{shown}'
            f"{_attrs(widget['attrs'])}>"
        )


class PlainTextInput(PlainRender, forms.TextInput):
    pass


class PlainHiddenInput(PlainRender, forms.HiddenInput):
    pass


class PlainCheckboxInput(PlainRender, forms.CheckboxInput):
    pass


class PlainSelect(PlainRender, forms.Select):
    pass

"""Form widgets written out in Python instead of through their templates.

Django renders each widget, each option of a select and each attribute list through a template of
its own; a filter form of six fields shown on every visit of a list cost more than the list's
rows. These give the same HTML as Django's `input.html`, `select.html` and `attrs.html`, from the
same context (`Widget.get_context`), so a form opts in by choosing the widget class.
"""

from django import forms
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: `name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
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
                rendered = format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (o["value"], mark_safe(_attrs(o["attrs"])), o["label"])
                        for o in group_options
                    ),
                )
                if group_name:
                    rendered = format_html(
                        '<optgroup label="{}">{}</optgroup>', group_name, rendered
                    )
                options.append(rendered)
            return format_html(
                '<select name="{}"{}>{}</select>',
                widget["name"],
                mark_safe(_attrs(widget["attrs"])),
                mark_safe("".join(options)),
            )
        value = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', str(value)) if value is not None else "",
            mark_safe(_attrs(widget["attrs"])),
        )


class PlainTextInput(PlainRender, forms.TextInput):
    pass


class PlainHiddenInput(PlainRender, forms.HiddenInput):
    pass


class PlainCheckboxInput(PlainRender, forms.CheckboxInput):
    pass


class PlainSelect(PlainRender, forms.Select):
    pass

from django import template

from actions.rows import list_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def action_point_rows(context, rows, across=False):
    """The rows of an action point list (see actions/rows.py for why they are not a template)."""
    return list_rows(
        context["request"], rows, across=bool(across), next_url=context.get("next_url")
    )

from django import template

from actions.rows import list_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def action_point_rows(context, rows, across=False):
    """The rows of an action point list (see actions/rows.py for why they are not a template).
    Given anything but action points, as every tag here, it renders nothing rather than fail."""
    try:
        return list_rows(
            context.get("request"), rows, across=bool(across), next_url=context.get("next_url")
        )
    except (AttributeError, TypeError):
        return ""

from django import template

from coalitions.sections import sections_for

register = template.Library()


@register.simple_tag
def coalition_sections(access):
    # Any other value (a missing variable renders as "") shows no sections.
    return sections_for(access) if callable(getattr(access, "can", None)) else []

from django import template

from coalitions.sections import sections_for

register = template.Library()


@register.simple_tag
def coalition_sections(access):
    return sections_for(access) if access else []

from django import template
from django.utils import timezone

from meetings import timefmt

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_when(context, meeting, reader_zone=None):
    """Start and end in the coalition's zone, and in the reader's zone when it differs."""
    if reader_zone is None:
        request = context.get("request")
        user = getattr(request, "user", None)
        reader_zone = getattr(user, "timezone", None) or timezone.get_current_timezone_name()
    return timefmt.format_span_for_reader(
        meeting.starts_at, meeting.ends_at, meeting.coalition.timezone, reader_zone
    )


@register.filter
def in_coalition_zone(value, zone_name):
    """A single moment with year, time and zone, in the given zone."""
    return timefmt.format_moment(value, zone_name) if value else ""

from datetime import datetime

from django import template
from django.utils import timezone

from meetings import timefmt

register = template.Library()


@register.simple_tag(takes_context=True)
def meeting_when(context, meeting, reader_zone=None):
    """Start and end in the coalition's zone, and in the reader's zone when it differs."""
    starts, ends = getattr(meeting, "starts_at", None), getattr(meeting, "ends_at", None)
    if not isinstance(starts, datetime) or not isinstance(ends, datetime):
        return ""
    if not isinstance(reader_zone, str) or not reader_zone:
        request = context.get("request")
        user = getattr(request, "user", None)
        reader_zone = getattr(user, "timezone", None) or timezone.get_current_timezone_name()
    coalition_zone = getattr(getattr(meeting, "coalition", None), "timezone", None)
    return timefmt.format_span_for_reader(starts, ends, coalition_zone or "UTC", reader_zone)


@register.filter
def in_coalition_zone(value, zone_name):
    """A single moment with year, time and zone, in the given zone."""
    if not isinstance(value, datetime):
        return ""
    return timefmt.format_moment(value, zone_name if isinstance(zone_name, str) else "")

"""iCalendar files for invitations (REQUEST / CANCEL) and the coalition feed (PUBLISH)."""

from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Meeting

PRODID = "-//Country Coalitions//Meetings//EN"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _location(meeting: Meeting) -> str:
    return ", ".join(part for part in (meeting.venue, meeting.online_link) if part)


def _event(meeting: Meeting, *, cancelled: bool = False, attendee=None) -> Event:
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.title} · {meeting.coalition.name}")
    location = _location(meeting)
    if location:
        event.add("location", location)
    url = settings.SITE_URL + reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])
    event.add("url", url)
    event.add(
        "description",
        "\n".join(
            line
            for line in (
                meeting.get_kind_display(),
                meeting.venue,
                meeting.online_link,
                url,
            )
            if line
        ),
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(name or meeting.coalition.name)
    event.add("organizer", organizer)
    if attendee is not None:
        person = vCalAddress(f"mailto:{attendee.email}")
        person.params["cn"] = vText(attendee.name or attendee.email)
        person.params["role"] = vText("REQ-PARTICIPANT")
        person.params["partstat"] = vText("NEEDS-ACTION")
        person.params["rsvp"] = vText("FALSE")
        event.add("attendee", person, encode=0)
    return event


def invitation_ics(meeting: Meeting, *, attendee, cancel: bool = False) -> bytes:
    calendar = _calendar("CANCEL" if cancel else "REQUEST")
    calendar.add_component(_event(meeting, cancelled=cancel, attendee=attendee))
    return calendar.to_ical()


def feed_ics(meetings, *, name: str) -> bytes:
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(_event(meeting, cancelled=meeting.is_cancelled))
    return calendar.to_ical()

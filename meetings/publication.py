"""What a published summary closes besides the minutes: the meeting's documents and the action
points recorded against it are part of the record once the summary is out, so they are no longer
attached, removed or added; a correction is published as an amendment (services.summary_amend).

Used by this app's services and views and by the action points' (actions.services)."""

from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext as _

from . import timefmt
from .models import Meeting, Summary


def published_on(meeting: Meeting) -> str | None:
    """The day the summary was published, on the coalition's clock ("26 November 2026"); None
    while it is not. Reads `meeting.summary` (select_related by the meeting pages)."""
    if meeting.status != Meeting.Status.SUMMARY_PUBLISHED:
        return None
    summary = getattr(meeting, "summary", None)
    if summary is None:
        return None
    local = timefmt.in_zone(summary.published_at, meeting.coalition.timezone)
    return dateformat.format(local, "j F Y")


def closed_notice(meeting: Meeting) -> str:
    """What a page says where its form is no longer offered; "" while the meeting is open."""
    day = published_on(meeting)
    if day is None:
        return ""
    return _("Published on %(date)s: record corrections as an amendment.") % {"date": day}


DOCUMENTS_CLOSED = "documents"
ACTION_POINTS_CLOSED = "action_points"


def refuse_if_published(meeting: Meeting, what: str) -> None:
    """Refuses a change of `what` (DOCUMENTS_CLOSED, ACTION_POINTS_CLOSED) once the summary is
    published. Reads the meeting again under a lock, inside the caller's transaction, so a change
    that began before the publication cannot commit after it."""
    status = (
        Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("status", flat=True)
    ).first()
    if status != Meeting.Status.SUMMARY_PUBLISHED:
        return
    published_at = (
        Summary.objects.filter(meeting_id=meeting.pk).values_list("published_at", flat=True).first()
    )
    day = (
        dateformat.format(timefmt.in_zone(published_at, meeting.coalition.timezone), "j F Y")
        if published_at
        else ""
    )
    if what == DOCUMENTS_CLOSED:
        message = _(
            "The summary was published on %(date)s: documents can no longer be attached or "
            "removed. Record corrections as an amendment."
        )
    else:
        message = _(
            "The summary was published on %(date)s: no new action point is recorded against "
            "this meeting. Record corrections as an amendment."
        )
    raise ValidationError(message % {"date": day}, code="published")

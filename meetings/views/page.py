"""What every meeting page starts from: the meeting, found within the person's coalition, and the
meeting page's address."""

from django.http import Http404
from django.urls import reverse

from .. import selectors
from ..models import Meeting


def meeting_or_404(access, pk) -> Meeting:
    meeting = selectors.meeting_for_page(coalition=access.coalition, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


def detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])

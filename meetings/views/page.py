"""What every meeting page starts from: the meeting, found within the person's coalition, and the
meeting page's address; and the one shape of removing a part of a meeting (ask, then remove)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from coalitions.sections import page_context

from .. import selectors
from ..models import Meeting


def meeting_or_404(access, pk) -> Meeting:
    """The meeting; a draft only for those who prepare it (404 for everyone else)."""
    meeting = selectors.meeting_for_page(
        coalition=access.coalition, pk=pk, drafts=access.sees_draft_meetings
    )
    if meeting is None:
        raise Http404
    return meeting


def detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])


def confirm_delete(
    request,
    access,
    meeting: Meeting,
    *,
    delete: Callable[[], object],
    notice: str,
    anchor: str,
    question: str,
    detail: str,
) -> HttpResponse:
    """GET asks `question` (with `detail`); POST calls `delete`, says `notice` and goes back to the
    meeting page at `anchor`."""
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            # Refused by the meeting's state (minutes locked once the summary is published).
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, notice)
        return redirect(f"{detail_url(meeting)}#{anchor}")
    return render(
        request,
        "meetings/confirm_delete.html",
        page_context(access, "meetings", meeting=meeting, question=question, detail=detail),
    )

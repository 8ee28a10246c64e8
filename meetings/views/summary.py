"""A held meeting's summary: publishing and sending it, sending it again to someone, its state
while the job runs, and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.sections import page_context

from .. import selectors, services
from ..forms import SendAgainForm
from ..models import Delivery
from ..summary import summary_filename
from .page import detail_url, meeting_or_404


@login_required
def summary_status(request, slug, pk):
    """The summary's state alone, for the page to refresh while the job runs."""
    access = perms.require_access(request.user, slug)
    meeting = meeting_or_404(access, pk)
    counts = selectors.delivery_counts(meeting=meeting)
    return render(
        request,
        "meetings/_partials/summary_status.html",
        page_context(
            access,
            "meetings",
            meeting=meeting,
            summary=selectors.summary_for(meeting=meeting),
            summary_counts=counts.get(Delivery.Kind.SUMMARY),
        ),
    )


@login_required
def summary_publish(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.PUBLISH_SUMMARY)
    meeting = meeting_or_404(access, pk)
    error = None
    if request.method == "POST":
        try:
            services.summary_publish(meeting=meeting, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("The summary is being prepared and sent to every participant.")
            )
            return redirect(detail_url(meeting) + "#summary")
    return render(
        request,
        "meetings/summary_confirm_publish.html",
        page_context(
            access,
            "meetings",
            meeting=meeting,
            error=error,
            participant_count=meeting.participants.count(),
        ),
    )


@login_required
@require_POST
def summary_send_again(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.PUBLISH_SUMMARY)
    meeting = meeting_or_404(access, pk)
    if selectors.summary_for(meeting=meeting) is None:
        raise Http404
    form = SendAgainForm(request.POST, coalition=access.coalition)
    if not form.is_valid():
        # Only a tampered request names someone who is not a member, or no person at all.
        raise Http404
    user = form.cleaned_data["user"]
    count = services.summary_send_again(meeting=meeting, actor=request.user, user=user)
    messages.success(
        request, _("The summary will be sent again to %(n)s participant(s).") % {"n": count}
    )
    return redirect(detail_url(meeting) + "#summary")


@login_required
def summary_pdf(request, slug, pk):
    access = perms.require_access(request.user, slug)
    meeting = meeting_or_404(access, pk)
    summary = selectors.summary_for(meeting=meeting)
    field = None
    if summary is not None:
        field = summary.pdf_full if access.can(perms.VIEW_RESTRICTED) else summary.pdf_members
    if not field:
        raise Http404
    response = FileResponse(
        field.open("rb"),
        filename=summary_filename(meeting),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response

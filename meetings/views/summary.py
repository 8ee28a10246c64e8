"""A held meeting's summary: publishing and sending it, sending it again to someone, its state
while the job runs, and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.sections import page_context
from config.form_views import form_response, submitted

from .. import selectors, services
from ..forms import AmendmentForm, SendAgainForm
from ..models import Delivery, Meeting
from ..summary import FULL_COPY, MEMBERS_COPY, summary_filename
from ..summary import summary_preview as render_preview
from .page import detail_url, meeting_or_404

PREVIEW_COPIES = {"members": MEMBERS_COPY, "restricted": FULL_COPY}
# The correction form holds the whole agenda's minutes, as the in-meeting screen does.
AMEND_ITEMS = 60


@login_required
def summary_status(request, slug, pk):
    """The summary's state alone, for the page to refresh while the job runs."""
    access = perms.require_access(request.user, slug)
    meeting = meeting_or_404(access, pk)
    summary = selectors.summary_for(meeting=meeting)
    counts = selectors.delivery_counts(
        meeting=meeting, summary_revision=summary.revision if summary else 0
    )
    return render(
        request,
        "meetings/_partials/summary_status.html",
        page_context(
            access,
            "meetings",
            meeting=meeting,
            summary=summary,
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
        status=422 if error else 200,
    )


@login_required
def summary_preview(request, slug, pk, copy):
    """One copy of the summary as publishing it now would make it (meetings.summary)."""
    access = perms.require_access(request.user, slug, perms.PUBLISH_SUMMARY)
    meeting = meeting_or_404(access, pk)
    if copy not in PREVIEW_COPIES or meeting.status not in (
        Meeting.Status.HELD,
        Meeting.Status.SUMMARY_PUBLISHED,
    ):
        raise Http404
    pdf = render_preview(meeting, PREVIEW_COPIES[copy])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="preview-{copy}-{summary_filename(meeting)}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def summary_amend(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.PUBLISH_SUMMARY)
    meeting = meeting_or_404(access, pk)
    if meeting.status != Meeting.Status.SUMMARY_PUBLISHED:
        raise Http404
    items = list(meeting.agenda_items.all()[:AMEND_ITEMS])
    form = AmendmentForm(submitted(request), meeting=meeting, items=items)
    done = form_response(
        request,
        form,
        save=lambda: services.summary_amend(
            meeting=meeting,
            actor=request.user,
            note=form.cleaned_data["note"],
            notes=form.cleaned_data["notes"],
            item_minutes=form.item_minutes(),
        ),
        then=detail_url(meeting) + "#summary",
        notice=lambda amendment: (
            _("Correction %(n)s is published and being sent to every participant.")
            % {"n": amendment.number}
        ),
    )
    if done:
        return done
    return render(
        request,
        "meetings/summary_amend.html",
        page_context(access, "meetings", meeting=meeting, form=form),
        status=422 if form.is_bound else 200,
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
    count = services.summary_send_again(
        meeting=meeting, actor=request.user, user=user, only_unsent=form.cleaned_data["unsent"]
    )
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

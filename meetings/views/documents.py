"""The documents attached to a meeting: upload, download within their visibility, removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coalitions import permissions as perms
from coalitions.sections import page_context
from coalitions.submissions import create_once
from config.form_views import submitted, submitted_files

from .. import services
from ..forms import DocumentForm
from ..models import Document
from ..publication import closed_notice
from .page import confirm_delete, detail_url, meeting_or_404


@login_required
def document_upload(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    closed = closed_notice(meeting)
    if closed:
        # Published: the page says why there is no form; a form sent anyway changes nothing.
        return render(
            request,
            "meetings/document_form.html",
            page_context(
                access, "meetings", meeting=meeting, closed=closed, refused=request.method == "POST"
            ),
            status=422 if request.method == "POST" else 200,
        )
    form = DocumentForm(submitted(request), submitted_files(request))
    done = create_once(
        request,
        form,
        create=lambda: services.document_upload(
            meeting=meeting,
            actor=request.user,
            uploaded=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            visibility=form.cleaned_data["visibility"],
        ),
        url_for=lambda _document: detail_url(meeting) + "#documents",
        notice=_("The document was attached."),
        # The service refuses the file itself (its size, its type).
        errors_on="file",
    )
    if done:
        return done
    return render(
        request,
        "meetings/document_form.html",
        page_context(access, "meetings", meeting=meeting, form=form),
    )


def _document(access, meeting, document_pk) -> Document:
    document = get_object_or_404(Document, pk=document_pk, meeting=meeting)
    if not access.may_see(document.visibility):
        raise Http404
    return document


@login_required
def document_download(request, slug, pk, document_pk):
    access = perms.require_access(request.user, slug)
    document = _document(access, meeting_or_404(access, pk), document_pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def document_delete(request, slug, pk, document_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    document = _document(access, meeting, document_pk)
    closed = closed_notice(meeting)
    if closed:
        messages.error(request, closed)
        return redirect(f"{detail_url(meeting)}#documents")
    return confirm_delete(
        request,
        access,
        meeting,
        delete=lambda: services.document_delete(document=document, actor=request.user),
        notice=_("The document was removed."),
        anchor="documents",
        question=_("Remove the document “%(name)s”?") % {"name": document},
        detail=_("The file is deleted; members can no longer download it."),
    )

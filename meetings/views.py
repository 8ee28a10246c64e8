from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.pagination import paginate
from coalitions.sections import panels_for
from coalitions.submissions import already_done, create_once, run_once
from config.form_views import add_service_errors, submitted, submitted_files

from . import selectors, services
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    DocumentForm,
    MeetingForm,
    MinutesForm,
    SendAgainForm,
)
from .ical import feed_ics, invitation_ics
from .models import AgendaItem, Decision, Delivery, Document, Meeting, Summary
from .summary import summary_filename

AGENDA_PAGE = {"per_page": 50, "param": "agenda"}
PARTICIPANTS_PAGE = {"per_page": 50, "param": "participants"}
# Decisions run to 5,000 characters and minutes to 20,000: pages of these stay small even when
# every text is at its limit.
DECISIONS_PAGE = {"per_page": 25, "param": "decisions"}
MINUTES_SHOWN = {"per_page": 5, "param": "minutes"}
DOCUMENTS_PAGE = {"per_page": 50, "param": "documents"}
DELIVERIES_PAGE = {"per_page": 50, "param": "deliveries"}
ATTENDANCE_PAGE = {"per_page": 50}
MINUTES_PAGE = {"per_page": 5}


def _meeting(access, pk) -> Meeting:
    meeting = selectors.meeting_for_page(coalition=access.coalition, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


def _page(access, meeting=None, **extra) -> dict:
    return {
        "access": access,
        "coalition": access.coalition,
        "meeting": meeting,
        "section": "meetings",
        **extra,
    }


def _detail_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.coalition.slug, meeting.pk])


# Meetings ----------------------------------------------------------------------------------------


@login_required
def meeting_list(request, slug):
    access = perms.require_access(request.user, slug)
    upcoming = list(selectors.upcoming_meetings(coalition=access.coalition)[:20])
    page = Paginator(selectors.past_meetings(coalition=access.coalition), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request, "meetings/meeting_list.html", _page(access, upcoming=upcoming, page=page)
    )


@login_required
def meeting_new(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    memberships = selectors.memberships_for_choice(coalition=access.coalition)
    form = MeetingForm(submitted(request), coalition=access.coalition, memberships=memberships)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request,
            form,
            create=lambda: services.meeting_create(
                coalition=access.coalition,
                actor=request.user,
                participants=form.chosen_participants(),
                **form.service_arguments(),
            ),
            url_for=_detail_url,
            notice=lambda meeting: (
                _("The meeting was scheduled; %(n)s participants are being invited.")
                % {"n": meeting.participants.count()}
            ),
        )
        if done:
            return done
    return render(request, "meetings/meeting_form.html", _page(access, form=form))


@login_required
def meeting_edit(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = _meeting(access, pk)
    if meeting.is_cancelled:
        raise PermissionDenied
    memberships = selectors.memberships_for_choice(coalition=access.coalition)
    form = MeetingForm(
        submitted(request), coalition=access.coalition, memberships=memberships, meeting=meeting
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(
                meeting=meeting,
                actor=request.user,
                participants=form.chosen_participants(),
                **form.service_arguments(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect(_detail_url(meeting))
    return render(request, "meetings/meeting_form.html", _page(access, meeting, form=form))


@login_required
def meeting_detail(request, slug, pk):
    access = perms.require_access(request.user, slug)
    meeting = _meeting(access, pk)
    summary = Summary.objects.filter(meeting=meeting).first()
    counts = selectors.delivery_counts(meeting=meeting)
    # Each long list is a page of its own, so the meeting page stays small at any size.
    agenda, agenda_query = paginate(
        request, selectors.agenda_for(meeting=meeting, perms=access.perms), **AGENDA_PAGE
    )
    participants, participants_query = paginate(
        request, selectors.participants_for(meeting=meeting), **PARTICIPANTS_PAGE
    )
    minutes, minutes_query = paginate(
        request, selectors.minutes_for(meeting=meeting, perms=access.perms), **MINUTES_SHOWN
    )
    decisions, decisions_query = paginate(
        request, selectors.decisions_for(meeting=meeting, perms=access.perms), **DECISIONS_PAGE
    )
    documents, documents_query = paginate(
        request, selectors.documents_for(meeting=meeting, perms=access.perms), **DOCUMENTS_PAGE
    )
    context = _page(
        access,
        meeting,
        agenda=agenda,
        agenda_query=agenda_query,
        participants=participants,
        participants_query=participants_query,
        minutes=minutes,
        minutes_query=minutes_query,
        decisions=decisions,
        decisions_query=decisions_query,
        documents=documents,
        documents_query=documents_query,
        summary=summary,
        summary_counts=counts.get(Delivery.Kind.SUMMARY),
        invitation_counts=counts.get(Delivery.Kind.INVITATION),
        update_counts=counts.get(Delivery.Kind.UPDATE),
        next_meeting=selectors.next_meeting_after(meeting=meeting),
        panels=panels_for("meeting_detail", request, access, meeting=meeting),
    )
    if access.can(perms.PUBLISH_SUMMARY) and summary is not None:
        context["summary_deliveries"], context["deliveries_query"] = paginate(
            request, selectors.summary_deliveries(meeting=meeting), **DELIVERIES_PAGE
        )
    return render(request, "meetings/meeting_detail.html", context)


@login_required
def summary_status(request, slug, pk):
    """The summary's state alone, for the page to refresh while the job runs."""
    access = perms.require_access(request.user, slug)
    meeting = _meeting(access, pk)
    counts = selectors.delivery_counts(meeting=meeting)
    return render(
        request,
        "meetings/_partials/summary_status.html",
        _page(
            access,
            meeting,
            summary=Summary.objects.filter(meeting=meeting).first(),
            summary_counts=counts.get(Delivery.Kind.SUMMARY),
        ),
    )


@login_required
def meeting_cancel(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = _meeting(access, pk)
    error = None
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting=meeting, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The meeting was cancelled; participants are told."))
            return redirect(_detail_url(meeting))
    return render(
        request, "meetings/meeting_confirm_cancel.html", _page(access, meeting, error=error)
    )


@login_required
@require_POST
def meeting_held(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = _meeting(access, pk)
    try:
        services.meeting_mark_held(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The meeting is marked as held."))
    return redirect(_detail_url(meeting))


@login_required
def meeting_ics(request, slug, pk):
    access = perms.require_access(request.user, slug)
    meeting = _meeting(access, pk)
    response = HttpResponse(
        invitation_ics(meeting, attendee=request.user, cancel=meeting.is_cancelled),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# Agenda ------------------------------------------------------------------------------------------


def _item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


@login_required
def agenda_item_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = _meeting(access, pk)
    form = AgendaItemForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        if "another" in request.POST:
            then = reverse("meetings:agenda_item_new", args=[slug, pk])
        else:
            then = _detail_url(meeting) + "#agenda"
        done = create_once(
            request,
            form,
            create=lambda: services.agenda_item_create(
                meeting=meeting, actor=request.user, **form.cleaned_data
            ),
            url_for=lambda _item: then,
            notice=_("The agenda item was added."),
        )
        if done:
            return done
    return render(request, "meetings/agendaitem_form.html", _page(access, meeting, form=form))


@login_required
def agenda_item_edit(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = _meeting(access, pk)
    item = _item(meeting, item_pk)
    form = AgendaItemForm(submitted(request), instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_update(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The agenda item was saved."))
            return redirect(_detail_url(meeting) + "#agenda")
    return render(
        request, "meetings/agendaitem_form.html", _page(access, meeting, form=form, item=item)
    )


@login_required
def agenda_item_delete(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = _meeting(access, pk)
    item = _item(meeting, item_pk)
    if request.method == "POST":
        services.agenda_item_delete(item=item, actor=request.user)
        messages.success(request, _("The agenda item was removed."))
        return redirect(_detail_url(meeting) + "#agenda")
    return render(
        request,
        "meetings/confirm_delete.html",
        _page(
            access,
            meeting,
            question=_("Remove “%(title)s” from the agenda?") % {"title": item.title},
            detail=_("Its minutes are removed with it."),
        ),
    )


@login_required
@require_POST
def agenda_item_move(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = _meeting(access, pk)
    item = _item(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(status=400)
    services.agenda_move(item=item, actor=request.user, direction=direction)
    if request.htmx:
        agenda, agenda_query = paginate(
            request, selectors.agenda_for(meeting=meeting, perms=access.perms), **AGENDA_PAGE
        )
        return render(
            request,
            "meetings/_partials/agenda.html",
            _page(access, meeting, agenda=agenda, agenda_query=agenda_query),
        )
    return redirect(_detail_url(meeting) + "#agenda")


# Attendance, minutes, decisions -----------------------------------------------------------------


@login_required
def attendance(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = _meeting(access, pk)
    # A page of participants at a time; saving records the page shown and nobody else.
    page, query = paginate(request, selectors.participants_for(meeting=meeting), **ATTENDANCE_PAGE)
    form = AttendanceForm(submitted(request), participants=list(page.object_list))
    if request.method == "POST" and form.is_valid():
        services.attendance_record(
            meeting=meeting, actor=request.user, attendance=form.attendance()
        )
        messages.success(request, _("Attendance was recorded."))
        if page.has_next():
            return redirect(f"{request.path}?page={page.next_page_number()}")
        return redirect(_detail_url(meeting) + "#attendance")
    return render(
        request,
        "meetings/attendance_form.html",
        _page(access, meeting, form=form, page=page, query_string=query),
    )


@login_required
def minutes(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = _meeting(access, pk)
    # The general minutes and a page of agenda items at a time.
    page, query = paginate(request, meeting.agenda_items.all(), **MINUTES_PAGE)
    items = list(page.object_list)
    form = MinutesForm(
        submitted(request), meeting=meeting, items=items, first_number=page.start_index()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                meeting=meeting,
                actor=request.user,
                notes=form.cleaned_data["notes"],
                item_minutes=form.item_minutes(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The minutes were saved."))
            if page.has_next():
                return redirect(f"{request.path}?page={page.next_page_number()}")
            return redirect(_detail_url(meeting) + "#minutes")
    return render(
        request,
        "meetings/minutes_form.html",
        _page(access, meeting, form=form, page=page, query_string=query),
    )


@login_required
def decision_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = _meeting(access, pk)
    form = DecisionForm(submitted(request), meeting=meeting)
    if request.method == "POST" and form.is_valid():
        done = create_once(
            request,
            form,
            create=lambda: services.decision_create(
                meeting=meeting, actor=request.user, **form.cleaned_data
            ),
            url_for=lambda _decision: _detail_url(meeting) + "#decisions",
            notice=_("The decision was recorded."),
        )
        if done:
            return done
    return render(request, "meetings/decision_form.html", _page(access, meeting, form=form))


@login_required
def decision_delete(request, slug, pk, decision_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = _meeting(access, pk)
    decision = get_object_or_404(Decision, pk=decision_pk, meeting=meeting)
    if request.method == "POST":
        services.decision_delete(decision=decision, actor=request.user)
        messages.success(request, _("The decision was removed."))
        return redirect(_detail_url(meeting) + "#decisions")
    return render(
        request,
        "meetings/confirm_delete.html",
        _page(access, meeting, question=_("Remove this decision?"), detail=decision.text),
    )


# Documents ---------------------------------------------------------------------------------------


@login_required
def document_upload(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = _meeting(access, pk)
    form = DocumentForm(submitted(request), submitted_files(request))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = run_once(
                form=form,
                user=request.user,
                create=lambda: services.document_upload(
                    meeting=meeting,
                    actor=request.user,
                    uploaded=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    visibility=form.cleaned_data["visibility"],
                ),
                url_for=lambda _document: _detail_url(meeting) + "#documents",
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if outcome.repeated:
                messages.info(request, already_done())
            else:
                messages.success(request, _("The document was attached."))
            return redirect(outcome.url)
    return render(request, "meetings/document_form.html", _page(access, meeting, form=form))


def _document(access, meeting, document_pk) -> Document:
    document = get_object_or_404(Document, pk=document_pk, meeting=meeting)
    if not access.may_see(document.visibility):
        raise Http404
    return document


@login_required
def document_download(request, slug, pk, document_pk):
    access = perms.require_access(request.user, slug)
    document = _document(access, _meeting(access, pk), document_pk)
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
    meeting = _meeting(access, pk)
    document = _document(access, meeting, document_pk)
    if request.method == "POST":
        services.document_delete(document=document, actor=request.user)
        messages.success(request, _("The document was removed."))
        return redirect(_detail_url(meeting) + "#documents")
    return render(
        request,
        "meetings/confirm_delete.html",
        _page(
            access,
            meeting,
            question=_("Remove the document “%(name)s”?") % {"name": document},
            detail=_("The file is deleted; members can no longer download it."),
        ),
    )


# Summary -----------------------------------------------------------------------------------------


@login_required
def summary_publish(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.PUBLISH_SUMMARY)
    meeting = _meeting(access, pk)
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
            return redirect(_detail_url(meeting) + "#summary")
    return render(
        request,
        "meetings/summary_confirm_publish.html",
        _page(access, meeting, error=error, participant_count=meeting.participants.count()),
    )


@login_required
@require_POST
def summary_send_again(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.PUBLISH_SUMMARY)
    meeting = _meeting(access, pk)
    if not Summary.objects.filter(meeting=meeting).exists():
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
    return redirect(_detail_url(meeting) + "#summary")


@login_required
def summary_pdf(request, slug, pk):
    access = perms.require_access(request.user, slug)
    meeting = _meeting(access, pk)
    summary = Summary.objects.filter(meeting=meeting).first()
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


# Calendar feed -----------------------------------------------------------------------------------


@login_required
def calendar_feed_page(request, slug):
    access = perms.require_access(request.user, slug)
    if request.method == "POST":
        services.calendar_feed_renew(coalition=access.coalition, user=request.user)
        messages.success(
            request, _("Your calendar address was renewed; the old one no longer works.")
        )
        return redirect("meetings:calendar", slug=slug)
    feed = services.calendar_feed_for(coalition=access.coalition, user=request.user)
    url = request.build_absolute_uri(
        reverse("meetings:feed", args=[services.calendar_feed_token(feed)])
    )
    return render(request, "meetings/calendar_feed.html", _page(access, feed_url=url))


def calendar_feed(request, token):
    """The secret address calendar programs poll; it works only while the person is a member."""
    feed = services.calendar_feed_from_token(token)
    if feed is None:
        raise Http404
    if perms.VIEW not in perms.access_for(feed.user, feed.coalition).perms:
        raise Http404
    response = HttpResponse(
        feed_ics(
            selectors.calendar_feed_meetings(coalition=feed.coalition), name=feed.coalition.name
        ),
        content_type="text/calendar; charset=utf-8",
    )
    response["Cache-Control"] = "private, max-age=900"
    return response

"""The meetings of a coalition: the list, scheduling (as a draft) and editing one, sending its
invitations and its updates, its page, cancelling it, marking it held, and its invitation as a
calendar file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.pagination import asked_page, page_of_rows, paginate
from coalitions.sections import page_context, panels_for
from coalitions.submissions import create_once
from config.form_views import form_response, is_record_id, submitted
from config.zones import in_zone

from .. import cadence, page_cache, rows, selectors, services
from ..changes import changes_for_reader
from ..forms import MeetingForm, SendInvitationsForm
from ..ical import invitation_ics
from ..models import Delivery, Meeting
from ..publication import closed_notice
from .page import detail_url, meeting_or_404

# The meetings list: the coming meetings, then pages of the past, held and cancelled ones.
UPCOMING_SHOWN = 20
PAST_PAGE = 20
# Each long list of the meeting page is a page of its own (agenda.py re-renders the agenda's).
AGENDA_PAGE = {"per_page": 50, "param": "agenda"}
PARTICIPANTS_PAGE = {"per_page": 50, "param": "participants"}
# Decisions run to 5,000 characters and minutes to 20,000: pages of these stay small even when
# every text is at its limit.
DECISIONS_PAGE = {"per_page": 25, "param": "decisions"}
MINUTES_SHOWN = {"per_page": 5, "param": "minutes"}
DOCUMENTS_PAGE = {"per_page": 50, "param": "documents"}
DELIVERIES_PAGE = {"per_page": 50, "param": "deliveries"}


@login_required
def meeting_list(request, slug):
    access = perms.require_access(request.user, slug)
    coalition, drafts = access.coalition, access.sees_draft_meetings
    number, shown = asked_page(request, per_page=PAST_PAGE)
    upcoming, past, past_length = selectors.listed_meetings(
        coalition=coalition,
        drafts=drafts,
        upcoming=UPCOMING_SHOWN,
        past_from=shown.start if shown else 0,
        past=PAST_PAGE if shown else 0,
    )
    page = page_of_rows(
        past,
        length=past_length,
        number=number,
        per_page=PAST_PAGE,
        items=lambda: selectors.past_meetings(coalition=coalition, drafts=drafts),
    )
    return render(
        request,
        "meetings/meeting_list.html",
        page_context(
            access,
            "meetings",
            upcoming=upcoming,
            upcoming_cards=rows.upcoming_cards(request, upcoming, coalition=coalition),
            page=page,
            past_rows=rows.past_rows(page.object_list, coalition=coalition),
        ),
    )


@login_required
def meeting_new(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    memberships = selectors.memberships_for_choice(coalition=access.coalition)
    extra = {}
    proposal = _proposal_asked(request, access)
    if proposal is not None and request.method != "POST":
        extra["initial"] = MeetingForm.initial_from_proposal(proposal, memberships)
    form = MeetingForm(
        submitted(request), coalition=access.coalition, memberships=memberships, **extra
    )

    def create():
        form.ask_about_duplicate()
        return services.meeting_create(
            coalition=access.coalition,
            actor=request.user,
            participants=form.chosen_participants(),
            draft=True,
            **form.service_arguments(),
        )

    done = create_once(
        request,
        form,
        create=create,
        url_for=detail_url,
        notice=_(
            "The meeting is saved as a draft that only its conveners see. Build the agenda, "
            "then send the invitations."
        ),
    )
    if done:
        return done
    return render(
        request,
        "meetings/meeting_form.html",
        page_context(access, "meetings", form=form, proposal=proposal),
    )


def _proposal_asked(request, access) -> cadence.Proposal | None:
    """The next meeting proposed after the held meeting named by `?after=`; None for anything
    else (an unknown, unreadable or not held meeting is ignored: the form starts empty)."""
    after = request.GET.get("after", "")
    if not is_record_id(after):
        return None
    meeting = selectors.meeting_for_page(coalition=access.coalition, pk=int(after), drafts=False)
    if meeting is None or meeting.status not in cadence.HELD:
        return None
    return cadence.proposal_after(meeting)


@login_required
def meeting_edit(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = meeting_or_404(access, pk)
    if meeting.is_cancelled:
        raise PermissionDenied
    memberships = selectors.memberships_for_choice(coalition=access.coalition)
    form = MeetingForm(
        submitted(request), coalition=access.coalition, memberships=memberships, meeting=meeting
    )
    done = form_response(
        request,
        form,
        save=lambda: services.meeting_update(
            meeting=meeting,
            actor=request.user,
            participants=form.chosen_participants(),
            **form.service_arguments(),
        ),
        then=detail_url(meeting),
        notice=_("The meeting was saved."),
    )
    if done:
        return done
    return render(
        request,
        "meetings/meeting_form.html",
        page_context(access, "meetings", meeting=meeting, form=form),
    )


def pending_changes_for(request, access, meeting) -> list[dict]:
    """The changes the participants have not been told, as the convener reading the page is
    told them (the notice that offers to send the update)."""
    return changes_for_reader(
        selectors.pending_changes(meeting=meeting),
        reader_perms=access.perms,
        coalition_zone=access.coalition.timezone,
        reader_zone=request.user.timezone,
        agenda=lambda: selectors.agenda_for(meeting=meeting, perms=access.perms),
    )


@login_required
def meeting_detail(request, slug, pk):
    access = perms.require_access(request.user, slug)
    convener = access.can(perms.MANAGE_MEETINGS)
    meeting = selectors.meeting_for_detail(
        coalition=access.coalition, pk=pk, drafts=access.sees_draft_meetings, convener=convener
    )
    if meeting is None:
        raise Http404
    summary = getattr(meeting, "summary", None)
    revision = summary.revision if summary else 0
    # The summary's mails are counted once there is one; before, only conveners see mail counts,
    # read with the meeting.
    if summary is not None:
        counts = selectors.delivery_counts(meeting=meeting, summary_revision=revision)
    else:
        counts = meeting.mail_counts if convener else {}
    status = meeting.status
    open_minutes = status in (Meeting.Status.PLANNED, Meeting.Status.HELD)
    # Row addresses are built from this one reversal (agenda, decisions, documents).
    meeting_url = detail_url(meeting)
    context = page_context(
        access,
        "meetings",
        meeting=meeting,
        meeting_url=meeting_url,
        started=meeting.starts_at <= timezone.now(),
        # What the reader may change now: the minutes lock once the summary is published.
        edit_agenda=access.can(perms.EDIT_AGENDA) and open_minutes,
        edit_minutes=access.can(perms.EDIT_MINUTES) and open_minutes,
        # Documents are attached and removed until the summary is published (a cancelled
        # meeting keeps its papers at hand).
        edit_documents=access.can(perms.EDIT_MINUTES)
        and status != Meeting.Status.SUMMARY_PUBLISHED,
        closed_notice=closed_notice(meeting) if access.can(perms.EDIT_MINUTES) else "",
        summary=summary,
        summary_counts=counts.get(Delivery.Kind.SUMMARY),
        invitation_counts=counts.get(Delivery.Kind.INVITATION),
        update_counts=counts.get(Delivery.Kind.UPDATE),
        next_meeting=meeting.next_meeting,
    )
    # The lists (agenda to action points) are kept per version of the meeting and kind of reader.
    today = in_zone(timezone.now(), access.coalition.timezone).date()
    lists = page_cache.lists_for(
        page_cache.cache_key(request=request, access=access, meeting=meeting, today=today),
        lambda: _render_lists(request, access, meeting, context),
    )
    context["lists"] = lists.html(request)
    context["sizes"] = lists.counts
    # Read only when there is one: most summaries are never corrected.
    context["amendments"] = list(summary.amendments.all()) if summary and summary.revision else []
    if convener:
        context["proposal"] = cadence.proposal_for_meeting(
            meeting, planned_after=meeting.planned_after
        )
        if meeting.has_pending_changes:
            context["pending_changes"] = pending_changes_for(request, access, meeting)
    if access.can(perms.PUBLISH_SUMMARY) and summary is not None:
        context["summary_deliveries"], context["deliveries_query"] = paginate(
            request,
            selectors.summary_deliveries(meeting=meeting, revision=revision),
            count=(counts.get(Delivery.Kind.SUMMARY) or {}).get("total", 0),
            **DELIVERIES_PAGE,
        )
    return render(request, "meetings/meeting_detail.html", context)


def _render_lists(request, access, meeting: Meeting, page: dict) -> tuple[str, dict[str, int]]:
    """The meeting page's lists as `page_cache` keeps them: their HTML, with the mark in place of
    the CSRF token, and their sizes."""
    sizes = selectors.section_counts(meeting=meeting, perms=access.perms)
    # Each long list is a page of its own, so the meeting page stays small at any size.
    agenda, agenda_query = paginate(
        request,
        selectors.agenda_for(meeting=meeting, perms=access.perms),
        count=sizes["agenda"],
        **AGENDA_PAGE,
    )
    participants, participants_query = paginate(
        request,
        selectors.participants_for(meeting=meeting),
        count=sizes["participants"],
        **PARTICIPANTS_PAGE,
    )
    minutes, minutes_query = paginate(
        request,
        _minutes(agenda, sizes, meeting=meeting, perms=access.perms),
        count=sizes["minutes"],
        **MINUTES_SHOWN,
    )
    decisions, decisions_query = paginate(
        request,
        selectors.decisions_for(meeting=meeting, perms=access.perms),
        count=sizes["decisions"],
        **DECISIONS_PAGE,
    )
    documents, documents_query = paginate(
        request,
        selectors.documents_for(meeting=meeting, perms=access.perms),
        count=sizes["documents"],
        **DOCUMENTS_PAGE,
    )
    meeting_url, edit_agenda, edit_minutes = (
        page["meeting_url"],
        page["edit_agenda"],
        page["edit_minutes"],
    )
    context = {
        "access": access,
        "coalition": access.coalition,
        "meeting": meeting,
        "meeting_url": meeting_url,
        "edit_agenda": edit_agenda,
        "edit_minutes": edit_minutes,
        "edit_documents": page["edit_documents"],
        "closed_notice": page["closed_notice"],
        "csrf_token": page_cache.TOKEN_MARK,
        "agenda": agenda,
        "agenda_query": agenda_query,
        "agenda_rows": rows.agenda_rows(agenda, meeting_url=meeting_url, edit_agenda=edit_agenda),
        "participants": participants,
        "participants_query": participants_query,
        "participant_rows": rows.participant_rows(participants),
        "minutes": minutes,
        "minutes_query": minutes_query,
        "minutes_blocks": rows.minutes_blocks(minutes),
        "decisions": decisions,
        "decisions_query": decisions_query,
        "decision_rows": rows.decision_rows(
            decisions, meeting_url=meeting_url, edit_minutes=edit_minutes
        ),
        "documents": documents,
        "documents_query": documents_query,
        # Action points are recorded on the meeting screen: the page links there, without a form.
        "panels": panels_for("meeting_detail", request, access, meeting=meeting, quick_entry=False),
    }
    return render_to_string("meetings/_partials/meeting_lists.html", context), sizes


def _minutes(agenda, sizes: dict[str, int], *, meeting: Meeting, perms: frozenset[str]):
    """The visible agenda items that have minutes, each with its number in the visible agenda:
    taken from the agenda's page when it holds the whole agenda, read on their own otherwise."""
    if not sizes["minutes"]:
        return []
    if sizes["agenda"] > len(agenda):
        return selectors.minutes_for(meeting=meeting, perms=perms)
    with_minutes = []
    for number, item in enumerate(agenda, start=1):
        if item.minutes:
            item.number = number
            with_minutes.append(item)
    return with_minutes


@login_required
def meeting_send_invitations(request, slug, pk):
    """Shows who will get the invitations (and asks again when the agenda is empty); POST
    sends them and ends the draft."""
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = meeting_or_404(access, pk)
    if not meeting.is_draft:
        messages.info(request, _("The invitations of this meeting were sent already."))
        return redirect(detail_url(meeting))
    agenda_size = meeting.agenda_items.count()
    form = SendInvitationsForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            count = services.meeting_send_invitations(
                meeting=meeting,
                actor=request.user,
                confirm_empty_agenda=form.cleaned_data["confirm_empty_agenda"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "The invitation is on its way to %(n)s participant.",
                    "The invitations are on their way to %(n)s participants.",
                    count,
                )
                % {"n": count},
            )
            return redirect(detail_url(meeting))
    participants, participants_query = paginate(
        request,
        selectors.participants_for(meeting=meeting),
        count=meeting.participants.count(),
        **PARTICIPANTS_PAGE,
    )
    return render(
        request,
        "meetings/meeting_send_invitations.html",
        page_context(
            access,
            "meetings",
            meeting=meeting,
            form=form,
            agenda_size=agenda_size,
            participants=participants,
            participants_query=participants_query,
        ),
    )


@login_required
@require_POST
def meeting_send_update(request, slug, pk):
    """Tells the participants what changed since they were last told (the agenda's changes wait
    for this)."""
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = meeting_or_404(access, pk)
    try:
        count = services.meeting_send_update(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not count:
            messages.info(
                request, _("These changes tell the participants nothing new: no update was sent.")
            )
        else:
            messages.success(
                request,
                ngettext(
                    "The update is on its way to %(n)s participant.",
                    "The update is on its way to %(n)s participants.",
                    count,
                )
                % {"n": count},
            )
    return redirect(detail_url(meeting))


@login_required
def meeting_cancel(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = meeting_or_404(access, pk)
    error = None
    if request.method == "POST":
        try:
            services.meeting_cancel(meeting=meeting, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The meeting was cancelled; participants are told."))
            return redirect(detail_url(meeting))
    return render(
        request,
        "meetings/meeting_confirm_cancel.html",
        page_context(access, "meetings", meeting=meeting, error=error),
    )


def _confirm_status_change(request, access, meeting, *, change, notice: str, template: str):
    """GET asks (the template says what follows); POST calls `change` (a service), says
    `notice` and goes back to the meeting page; a refusal is shown on the question's page."""
    error = None
    if request.method == "POST":
        try:
            change()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, notice)
            return redirect(detail_url(meeting))
    return render(
        request,
        template,
        page_context(access, "meetings", meeting=meeting, error=error),
        status=422 if error else 200,
    )


@login_required
def meeting_held(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = meeting_or_404(access, pk)
    return _confirm_status_change(
        request,
        access,
        meeting,
        change=lambda: services.meeting_mark_held(meeting=meeting, actor=request.user),
        notice=_("The meeting is marked as held. Check the minutes, then publish the summary."),
        template="meetings/meeting_confirm_held.html",
    )


@login_required
def meeting_reopen(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.MANAGE_MEETINGS)
    meeting = meeting_or_404(access, pk)
    return _confirm_status_change(
        request,
        access,
        meeting,
        change=lambda: services.meeting_unmark_held(meeting=meeting, actor=request.user),
        notice=_("The meeting is no longer marked as held."),
        template="meetings/meeting_confirm_reopen.html",
    )


@login_required
def meeting_ics(request, slug, pk):
    access = perms.require_access(request.user, slug)
    meeting = meeting_or_404(access, pk)
    response = HttpResponse(
        invitation_ics(meeting, attendee=request.user, cancel=meeting.is_cancelled),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response

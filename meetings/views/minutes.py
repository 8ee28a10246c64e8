"""What a meeting recorded: attendance, the minutes (general and per agenda item), decisions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from coalitions import permissions as perms
from coalitions.pagination import paginate
from coalitions.sections import page_context
from coalitions.submissions import create_once
from config.form_views import form_response, submitted

from .. import selectors, services
from ..forms import AttendanceForm, DecisionForm, MinutesForm
from ..models import Decision
from .page import confirm_delete, detail_url, meeting_or_404

ATTENDANCE_PAGE = {"per_page": 50}
MINUTES_PAGE = {"per_page": 5}


def _next_page_or(request, page, url: str) -> str:
    """A form saved one page at a time goes on to the next page, and to `url` after the last."""
    if page.has_next():
        return f"{request.path}?page={page.next_page_number()}"
    return url


@login_required
def attendance(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    # A page of participants at a time; saving records the page shown and nobody else.
    page, query = paginate(request, selectors.participants_for(meeting=meeting), **ATTENDANCE_PAGE)
    form = AttendanceForm(submitted(request), participants=list(page.object_list))
    done = form_response(
        request,
        form,
        save=lambda: services.attendance_record(
            meeting=meeting, actor=request.user, attendance=form.attendance()
        ),
        then=_next_page_or(request, page, detail_url(meeting) + "#attendance"),
        notice=_("Attendance was recorded."),
    )
    if done:
        return done
    return render(
        request,
        "meetings/attendance_form.html",
        page_context(access, "meetings", meeting=meeting, form=form, page=page, query_string=query),
    )


@login_required
def minutes(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    # The general minutes and a page of agenda items at a time.
    page, query = paginate(request, meeting.agenda_items.all(), **MINUTES_PAGE)
    items = list(page.object_list)
    form = MinutesForm(
        submitted(request), meeting=meeting, items=items, first_number=page.start_index()
    )
    done = form_response(
        request,
        form,
        save=lambda: services.minutes_save(
            meeting=meeting,
            actor=request.user,
            notes=form.cleaned_data["notes"],
            item_minutes=form.item_minutes(),
        ),
        then=_next_page_or(request, page, detail_url(meeting) + "#minutes"),
        notice=_("The minutes were saved."),
    )
    if done:
        return done
    return render(
        request,
        "meetings/minutes_form.html",
        page_context(access, "meetings", meeting=meeting, form=form, page=page, query_string=query),
    )


@login_required
def decision_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    form = DecisionForm(submitted(request), meeting=meeting)
    done = create_once(
        request,
        form,
        create=lambda: services.decision_create(
            meeting=meeting, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda _decision: detail_url(meeting) + "#decisions",
        notice=_("The decision was recorded."),
    )
    if done:
        return done
    return render(
        request,
        "meetings/decision_form.html",
        page_context(access, "meetings", meeting=meeting, form=form),
    )


@login_required
def decision_delete(request, slug, pk, decision_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    decision = get_object_or_404(Decision, pk=decision_pk, meeting=meeting)
    return confirm_delete(
        request,
        access,
        meeting,
        delete=lambda: services.decision_delete(decision=decision, actor=request.user),
        notice=_("The decision was removed."),
        anchor="decisions",
        question=_("Remove this decision?"),
        detail=decision.text,
    )

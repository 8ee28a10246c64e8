"""A meeting's agenda: adding, editing, removing and reordering its items."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.pagination import paginate
from coalitions.sections import page_context
from coalitions.submissions import create_once
from config.form_views import form_response, submitted

from .. import rows, selectors, services
from ..forms import AgendaItemForm
from ..models import AgendaItem
from .meetings import AGENDA_PAGE, pending_changes_for
from .page import confirm_delete, detail_url, meeting_or_404


def _item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


@login_required
def agenda_item_new(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = meeting_or_404(access, pk)
    form = AgendaItemForm(submitted(request))
    if "another" in request.POST:
        then = reverse("meetings:agenda_item_new", args=[slug, pk])
    else:
        then = detail_url(meeting) + "#agenda"
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
    return render(
        request,
        "meetings/agendaitem_form.html",
        page_context(access, "meetings", meeting=meeting, form=form),
    )


@login_required
def agenda_item_edit(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = meeting_or_404(access, pk)
    item = _item(meeting, item_pk)
    form = AgendaItemForm(submitted(request), instance=item)
    done = form_response(
        request,
        form,
        save=lambda: services.agenda_item_update(
            item=item, actor=request.user, **form.cleaned_data
        ),
        then=detail_url(meeting) + "#agenda",
        notice=_("The agenda item was saved."),
    )
    if done:
        return done
    return render(
        request,
        "meetings/agendaitem_form.html",
        page_context(access, "meetings", meeting=meeting, form=form, item=item),
    )


@login_required
def agenda_item_delete(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = meeting_or_404(access, pk)
    item = _item(meeting, item_pk)
    return confirm_delete(
        request,
        access,
        meeting,
        delete=lambda: services.agenda_item_delete(item=item, actor=request.user),
        notice=_("The agenda item was removed."),
        anchor="agenda",
        question=_("Remove “%(title)s” from the agenda?") % {"title": item.title},
        detail=_("Its minutes are removed with it."),
    )


@login_required
@require_POST
def agenda_item_move(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_AGENDA)
    meeting = meeting_or_404(access, pk)
    item = _item(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(status=400)
    try:
        services.agenda_move(item=item, actor=request.user, direction=direction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(detail_url(meeting) + "#agenda")
    if request.htmx:
        agenda, agenda_query = paginate(
            request, selectors.agenda_for(meeting=meeting, perms=access.perms), **AGENDA_PAGE
        )
        meeting_url = detail_url(meeting)
        context = page_context(
            access,
            "meetings",
            meeting=meeting,
            agenda=agenda,
            agenda_query=agenda_query,
            agenda_rows=rows.agenda_rows(agenda, meeting_url=meeting_url, edit_agenda=True),
            meeting_url=meeting_url,
            edit_agenda=True,
        )
        # The notice of changes not yet told follows the move (a new order, or none).
        if access.can(perms.MANAGE_MEETINGS) and not meeting.is_draft:
            context["pending_notice"] = True
            context["pending_changes"] = pending_changes_for(request, access, meeting)
        return render(request, "meetings/_partials/agenda_moved.html", context)
    return redirect(detail_url(meeting) + "#agenda")

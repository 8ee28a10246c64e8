import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.sections import page_context
from coalitions.submissions import create_once
from config.form_views import form_response, submitted

from . import selectors, services
from .forms import AgendaForm, ConcernForm, NoteForm
from .models import Concern

PAGE_SIZE = 25


@login_required
def concern_raise(request, slug):
    """The sender's page: the form, what happens to a concern, and their own concerns."""
    access = perms.require_access(request.user, slug, perms.RAISE_CONCERN, organisations=True)
    has_reader = selectors.coalition_has_concern_reader(coalition=access.coalition)
    form = ConcernForm(submitted(request)) if has_reader else None
    status = 200
    if request.method == "POST" and not has_reader:
        messages.error(request, services.no_reader_message())
        status = 409
    elif has_reader:
        organisation = access.membership.organisation if access.membership else None
        done = create_once(
            request,
            form,
            create=lambda: services.concern_raise(
                coalition=access.coalition,
                actor=request.user,
                organisation=organisation,
                **form.cleaned_data,
            ),
            url_for=lambda _concern: reverse("concerns:raise", args=[slug]),
            notice=_("Your concern was sent to the facilitator."),
        )
        if done:
            return done
    mine = selectors.concerns_raised_by(coalition=access.coalition, user=request.user)
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "concerns/concern_raise.html",
        page_context(access, "concerns", form=form, page=page, has_reader=has_reader),
        status=status,
    )


@login_required
def concern_detail(request, slug, pk):
    """The facilitator's view of any concern, or the sender's view of their own; else 404."""
    access = perms.require_access(request.user, slug)
    if access.can(perms.READ_CONCERNS):
        concern = selectors.concern_for_reader(coalition=access.coalition, pk=pk)
        return render(
            request,
            "concerns/concern_detail_reader.html",
            page_context(
                access,
                "concerns_inbox",
                concern=concern,
                note_form=NoteForm(initial={"note": concern.facilitator_note}),
                statuses=Concern.Status,
            ),
        )
    concern = selectors.concern_for_sender(coalition=access.coalition, user=request.user, pk=pk)
    return render(
        request,
        "concerns/concern_detail_sender.html",
        page_context(access, "concerns", concern=concern, statuses=Concern.Status),
    )


@login_required
def concern_inbox(request, slug):
    access = perms.require_access(request.user, slug, perms.READ_CONCERNS)
    status = request.GET.get("status", "")
    if status not in Concern.Status.values:
        status = ""
    queryset = selectors.concern_inbox(coalition=access.coalition, status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "concerns/concern_inbox.html",
        page_context(
            access,
            "concerns_inbox",
            page=page,
            status=status,
            statuses=Concern.Status,
            query_string=f"status={status}" if status else "",
        ),
    )


def _reader_concern(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.READ_CONCERNS)
    return access, selectors.concern_for_reader(coalition=access.coalition, pk=pk)


def _done(request, slug, pk, result):
    try:
        result()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("concerns:detail", slug=slug, pk=pk)


@login_required
@require_POST
def concern_acknowledge(request, slug, pk):
    _access, concern = _reader_concern(request, slug, pk)

    def acknowledge():
        services.concern_acknowledge(concern=concern, actor=request.user)
        messages.success(request, _("The concern is acknowledged; the sender sees it."))

    return _done(request, slug, pk, acknowledge)


@login_required
@require_POST
def concern_note(request, slug, pk):
    access, concern = _reader_concern(request, slug, pk)
    form = NoteForm(request.POST)
    done = form_response(
        request,
        form,
        save=lambda: services.concern_note_save(
            concern=concern, actor=request.user, note=form.cleaned_data["note"]
        ),
        then=reverse("concerns:detail", args=[slug, pk]),
        notice=_("Your private note was saved."),
    )
    if done:
        return done
    return render(
        request,
        "concerns/concern_detail_reader.html",
        page_context(
            access, "concerns_inbox", concern=concern, note_form=form, statuses=Concern.Status
        ),
        status=400,
    )


@login_required
def concern_close(request, slug, pk):
    access, concern = _reader_concern(request, slug, pk)
    if request.method == "POST":

        def close():
            services.concern_close(concern=concern, actor=request.user)
            messages.success(request, _("The concern is closed."))

        return _done(request, slug, pk, close)
    return render(
        request,
        "concerns/concern_confirm_close.html",
        page_context(access, "concerns_inbox", concern=concern),
    )


@login_required
def concern_agenda(request, slug, pk):
    """Bring the concern to a planned meeting's agenda, in the facilitator's words."""
    access, concern = _reader_concern(request, slug, pk)
    meetings = selectors.planned_meetings(coalition=access.coalition)
    form = AgendaForm(
        submitted(request),
        meetings=meetings,
        zone=zoneinfo.ZoneInfo(access.coalition.timezone),
        initial={"title": concern.subject, "background": concern.text},
    )
    done = create_once(
        request,
        form,
        create=lambda: services.concern_bring_to_agenda(
            concern=concern, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda item: reverse("meetings:detail", args=[slug, item.meeting_id]),
        notice=_("The concern is on the meeting's agenda, without a name."),
    )
    if done:
        return done
    return render(
        request,
        "concerns/concern_agenda_form.html",
        page_context(
            access, "concerns_inbox", concern=concern, form=form, has_meetings=meetings.exists()
        ),
    )

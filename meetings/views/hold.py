"""The in-meeting screen: attendance, then the agenda in order, each item with its minutes and the
decisions recorded against it, saved as people type (htmx) or with each form's button (no script).

Every save answers htmx with the small part of the screen it changed, and a plain form post with
a notice and the way back to the same item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.sections import item_panels_for, page_context, panels_for
from coalitions.submissions import already_done, run_once

from .. import selectors, services, timefmt
from ..forms import AttendanceForm, HoldDecisionForm, ItemMinutesForm, NotesForm
from ..models import AgendaItem
from .page import meeting_or_404

# The screen holds the whole agenda: a meeting's agenda is short (the benchmark's average is 20);
# past this many items, or participants, the rest is edited on the paged forms. Each item carries
# its minutes, its decisions and a form for one more (about 2.4 KB): 50 keep the screen well
# within a page's 200 KB on a slow connection.
HOLD_ITEMS = 50
HOLD_PARTICIPANTS = 60


def hold_url(meeting) -> str:
    return reverse("meetings:hold", args=[meeting.coalition.slug, meeting.pk])


def _saved_at(meeting) -> str:
    return timefmt.in_zone(timezone.now(), meeting.coalition.timezone).strftime("%H:%M")


def _item(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(AgendaItem, pk=item_pk, meeting=meeting)


def _refused(request, meeting, exc: ValidationError, anchor: str):
    """A save the service refused (the minutes are locked, a text too long): said in place to
    htmx (422, which the screen shows as not saved), else as a notice on the screen."""
    text = " ".join(exc.messages)
    if request.htmx:
        return render(
            request,
            "meetings/_partials/hold_saved.html",
            {"error": text},
            status=422,
        )
    messages.error(request, text)
    return redirect(f"{hold_url(meeting)}#{anchor}")


def _saved(request, meeting, anchor: str, notice: str):
    if request.htmx:
        return render(request, "meetings/_partials/hold_saved.html", {"at": _saved_at(meeting)})
    messages.success(request, notice)
    return redirect(f"{hold_url(meeting)}#{anchor}")


@login_required
def hold(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    items = list(selectors.hold_agenda(meeting=meeting, perms=access.perms)[: HOLD_ITEMS + 1])
    participants = list(selectors.participants_for(meeting=meeting)[: HOLD_PARTICIPANTS + 1])
    base = reverse("meetings:detail", args=[slug, pk])
    # What other apps record under each item (the action points).
    item_panels = item_panels_for(
        "meeting_hold_item", request, access, meeting=meeting, items=items[:HOLD_ITEMS]
    )
    for item in items:
        item.panels = item_panels.get(item.pk, [])
        item.minutes_form = ItemMinutesForm(initial={"minutes": item.minutes}, prefix=f"i{item.pk}")
        item.decision_form = HoldDecisionForm(prefix=f"d{item.pk}")
        item.save_url = f"{base}hold/agenda/{item.pk}/minutes/"
        item.decision_url = f"{base}hold/agenda/{item.pk}/decisions/"
    return render(
        request,
        "meetings/meeting_hold.html",
        page_context(
            access,
            "meetings",
            meeting=meeting,
            items=items[:HOLD_ITEMS],
            more_items=len(items) > HOLD_ITEMS,
            attendance_form=AttendanceForm(participants=participants[:HOLD_PARTICIPANTS]),
            more_participants=len(participants) > HOLD_PARTICIPANTS,
            notes_form=NotesForm(initial={"notes": meeting.notes}),
            locked=meeting.status in ("summary_published", "cancelled"),
            started=meeting.starts_at <= timezone.now(),
            panels=panels_for("meeting_detail", request, access, meeting=meeting),
        ),
    )


@login_required
@require_POST
def hold_attendance(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    participants = list(selectors.participants_for(meeting=meeting)[:HOLD_PARTICIPANTS])
    form = AttendanceForm(request.POST, participants=participants)
    # Only the participants named in the request: a live save sends the one just changed.
    named = {p.pk: p for p in participants if f"p{p.pk}" in request.POST}
    form.fields = {name: field for name, field in form.fields.items() if int(name[1:]) in named}
    if not named or not form.is_valid():
        return HttpResponse(_("Choose an attendance for each person."), status=400)
    try:
        services.attendance_record(
            meeting=meeting,
            actor=request.user,
            attendance={pk: form.cleaned_data[f"p{pk}"] for pk in named},
        )
    except ValidationError as exc:
        return _refused(request, meeting, exc, "hold-attendance")
    return _saved(request, meeting, "hold-attendance", _("Attendance was recorded."))


@login_required
@require_POST
def hold_notes(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    # A save names its field even when it empties it; a request without it changes nothing.
    if "notes" not in request.POST:
        return HttpResponse(_("Nothing to save."), status=400)
    form = NotesForm(request.POST)
    if not form.is_valid():
        return _refused(request, meeting, ValidationError(form.errors["notes"]), "hold-notes")
    try:
        services.notes_save(meeting=meeting, actor=request.user, notes=form.cleaned_data["notes"])
    except ValidationError as exc:
        return _refused(request, meeting, exc, "hold-notes")
    return _saved(request, meeting, "hold-notes", _("The minutes were saved."))


@login_required
@require_POST
def hold_item_minutes(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    item = _item(meeting, item_pk)
    form = ItemMinutesForm(request.POST, prefix=f"i{item.pk}")
    if form.add_prefix("minutes") not in request.POST:
        return HttpResponse(_("Nothing to save."), status=400)
    anchor = f"item-{item.pk}"
    if not form.is_valid():
        return _refused(request, meeting, ValidationError(form.errors["minutes"]), anchor)
    try:
        services.item_minutes_save(item=item, actor=request.user, text=form.cleaned_data["minutes"])
    except ValidationError as exc:
        return _refused(request, meeting, exc, anchor)
    return _saved(request, meeting, anchor, _("The minutes were saved."))


@login_required
@require_POST
def hold_decision(request, slug, pk, item_pk):
    access = perms.require_access(request.user, slug, perms.EDIT_MINUTES)
    meeting = meeting_or_404(access, pk)
    item = _item(meeting, item_pk)
    form = HoldDecisionForm(request.POST, prefix=f"d{item.pk}")
    anchor = f"item-{item.pk}"
    error, outcome = None, None
    if form.is_valid():
        try:
            # The same form sent again (its one-time token) records nothing more and answers
            # as the first sending did.
            outcome = run_once(
                form=form,
                user=request.user,
                create=lambda: services.decision_create(
                    meeting=meeting,
                    actor=request.user,
                    agenda_item=item,
                    text=form.cleaned_data["text"],
                    visibility=form.cleaned_data["visibility"],
                ),
                url_for=lambda _decision: f"{hold_url(meeting)}#{anchor}",
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            form = HoldDecisionForm(prefix=f"d{item.pk}")
    else:
        error = " ".join(m for errors in form.errors.values() for m in errors)
    if request.htmx:
        item.decision_form = form
        item.decision_url = request.path
        return render(
            request,
            "meetings/_partials/hold_decisions.html",
            page_context(
                access,
                "meetings",
                meeting=meeting,
                item=item,
                decisions=list(
                    selectors.decisions_for(meeting=meeting, perms=access.perms).filter(
                        agenda_item=item
                    )
                ),
                error=error,
                saved=error is None,
            ),
            status=200 if error is None else 422,
        )
    if error:
        messages.error(request, error)
        return redirect(f"{hold_url(meeting)}#{anchor}")
    if outcome.repeated:
        messages.info(request, already_done())
    else:
        messages.success(request, _("The decision was recorded."))
    return redirect(outcome.url)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.models import Coalition
from coalitions.pagination import DetailedPaginator, paginate
from coalitions.sections import page_context
from coalitions.submissions import already_done, create_once, run_once
from config.csv_cells import BOM, SafeCsvWriter, local_moment, xlsx_response
from config.form_views import add_service_errors, chosen, form_response, safe_next, submitted
from meetings.models import Meeting, unannounced

from . import selectors, services
from .forms import (
    ActionPointForm,
    ActionUpdateForm,
    FilterForm,
    PreferenceForm,
    QuickEntryForm,
    ReminderSettingsForm,
)
from .models import ActionPoint, ReminderSettings
from .permissions import may_edit, may_update
from .unsubscribe import UnsubscribeLinkError, UnsubscribeLinkExpired, unsubscribe_payload

PAGE_SIZE = 25
MEETING_PANEL_ITEMS = 50


def _listing(request, access):
    form = FilterForm(request.GET or None, coalition=access.coalition)
    filters = form.filters()
    queryset = selectors.action_point_list(
        coalition=access.coalition,
        perms_held=access.perms,
        user=request.user,
        organisation_id=access.organisation_id,
        filters=filters,
    )
    return form, filters, queryset


@login_required
def action_point_list(request, slug):
    access = perms.require_access(request.user, slug)
    form, filters, queryset = _listing(request, access)
    page = DetailedPaginator(queryset, PAGE_SIZE, details=selectors.with_list_details).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    today = selectors.coalition_today(access.coalition)
    for item in page.object_list:
        item.overdue = item.is_overdue_on(today)
    return render(
        request,
        "actions/actionpoint_list.html",
        page_context(
            access,
            "action_points",
            form=form,
            filters=filters,
            page=page,
            query_string=query.urlencode(),
            today=today,
        ),
    )


def _export(request, slug):
    """The list as filtered: its headings and typed rows, with the same permission filter as
    the page; headings and labels in the reader's language, moments on the coalition's clock."""
    access = perms.require_access(request.user, slug)
    _form, _filters, queryset = _listing(request, access)
    queryset = selectors.with_list_details(queryset)
    today = selectors.coalition_today(access.coalition)
    zone = access.coalition.timezone
    headings = [
        _("No."),
        _("Title"),
        _("Status"),
        _("Priority"),
        _("Owner organisation"),
        _("Owner"),
        _("Due date"),
        _("Overdue"),
        _("Meeting"),
        _("Visibility"),
        _("Recorded by"),
        _("Last update (%(zone)s)") % {"zone": zone},
    ]
    yes, no = _("Yes"), _("No")
    rows = (
        [
            item.pk,
            item.title,
            item.get_status_display(),
            item.get_priority_display(),
            item.owner_organisation.name,
            item.owner.name if item.owner else "",
            item.due_date,
            yes if item.is_overdue_on(today) else no,
            item.meeting.title if item.meeting else "",
            item.get_visibility_display(),
            item.recorded_by.name if item.recorded_by else "",
            local_moment(item.last_update_at, zone),
        ]
        for item in queryset.iterator(chunk_size=2000)
    )
    return f"action-points-{access.coalition.slug}-{today:%Y-%m-%d}", headings, rows


@login_required
def action_point_export(request, slug):
    """The list as filtered, as CSV."""
    name, headings, rows = _export(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write(BOM)
    writer = SafeCsvWriter(response)
    writer.writerow(headings)
    writer.writerows(rows)
    return response


@login_required
def action_point_export_xlsx(request, slug):
    """The list as filtered, as an Excel workbook."""
    name, headings, rows = _export(request, slug)
    return xlsx_response(
        filename=f"{name}.xlsx", sheet=_("Action points"), headings=headings, rows=rows
    )


@login_required
def my_action_points(request):
    """Across coalitions: what the person or their organisation owns, wherever they take part."""
    include_archived = request.GET.get("archived") == "1"
    queryset = selectors.my_action_points_everywhere(
        user=request.user, include_archived=include_archived
    )
    page = DetailedPaginator(queryset, PAGE_SIZE, details=selectors.with_list_details).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for item in page.object_list:
        item.overdue = item.is_overdue_on(selectors.coalition_today(item.coalition, now))
    return render(
        request,
        "actions/my_action_points.html",
        {
            "page": page,
            "include_archived": include_archived,
            "query_string": "archived=1" if include_archived else "",
        },
    )


def _action_point_or_404(access, pk) -> ActionPoint:
    action_point = selectors.action_point_detail(
        coalition=access.coalition, pk=pk, perms_held=access.perms
    )
    if action_point is None:
        raise Http404
    return action_point


@login_required
def action_point_detail(request, slug, pk):
    access = perms.require_access(request.user, slug)
    action_point = _action_point_or_404(access, pk)
    action_point.overdue = action_point.is_overdue_on(selectors.coalition_today(access.coalition))
    can_update = may_update(access, action_point, request.user)
    updates, updates_query = paginate(
        request, selectors.action_update_list(action_point=action_point), per_page=PAGE_SIZE
    )
    return render(
        request,
        "actions/actionpoint_detail.html",
        page_context(
            access,
            "action_points",
            action_point=action_point,
            updates=updates,
            updates_query=updates_query,
            changes=selectors.action_point_history(
                action_point=action_point, perms_held=access.perms
            ),
            can_update=can_update,
            can_edit=may_edit(access, action_point),
            update_form=ActionUpdateForm(action_point=action_point) if can_update else None,
        ),
    )


@login_required
def action_point_update(request, slug, pk):
    """Post an update (the link in reminder mails leads here)."""
    access = perms.require_access(request.user, slug)
    action_point = _action_point_or_404(access, pk)
    if not may_update(access, action_point, request.user):
        raise PermissionDenied
    form = ActionUpdateForm(submitted(request), action_point=action_point)
    done = create_once(
        request,
        form,
        create=lambda: services.action_update_post(
            action_point=action_point,
            actor=request.user,
            text=form.cleaned_data["text"],
            new_status=form.cleaned_data["new_status"],
        ),
        url_for=lambda _update: reverse("actions:detail", args=[slug, pk]),
        notice=_("Your update was posted."),
    )
    if done:
        return done
    return render(
        request,
        "actions/actionupdate_form.html",
        page_context(access, "action_points", action_point=action_point, form=form),
    )


@login_required
def action_point_new(request, slug):
    access = perms.require_access(request.user, slug, perms.RECORD_ACTION_POINTS)
    meeting = chosen(
        selectors.meeting_choices(coalition=access.coalition), request.GET.get("meeting")
    )
    form = ActionPointForm(
        submitted(request), coalition=access.coalition, initial={"meeting": meeting}
    )
    done = create_once(
        request,
        form,
        create=lambda: services.action_point_create(
            coalition=access.coalition, actor=request.user, **form.cleaned_data
        ),
        url_for=lambda action_point: reverse("actions:detail", args=[slug, action_point.pk]),
        notice=_("The action point was recorded."),
    )
    if done:
        return done
    return render(
        request,
        "actions/actionpoint_form.html",
        page_context(access, "action_points", form=form, action_point=None),
    )


@login_required
def action_point_edit(request, slug, pk):
    access = perms.require_access(request.user, slug)
    action_point = _action_point_or_404(access, pk)
    if not may_edit(access, action_point):
        raise PermissionDenied
    form = ActionPointForm(submitted(request), coalition=access.coalition, instance=action_point)
    done = form_response(
        request,
        form,
        save=lambda: services.action_point_edit(
            action_point=action_point, actor=request.user, **form.cleaned_data
        ),
        then=reverse("actions:detail", args=[slug, pk]),
        notice=_("The action point was saved."),
    )
    if done:
        return done
    return render(
        request,
        "actions/actionpoint_form.html",
        page_context(access, "action_points", form=form, action_point=action_point),
    )


# Quick entry during a meeting --------------------------------------------------------------------


def meeting_panel_context(request, access, meeting, form=None, with_form: bool = True) -> dict:
    """Context for the "meeting_detail" panel: a fixed number of queries."""
    can_record = access.can(perms.RECORD_ACTION_POINTS) and with_form
    queryset = selectors.action_point_list_for_meeting(meeting=meeting, perms_held=access.perms)
    if can_record and form is None:
        form = QuickEntryForm(coalition=access.coalition, auto_id="qe_%s")
    items = list(queryset[:MEETING_PANEL_ITEMS])
    today = selectors.coalition_today(access.coalition)
    for item in items:
        item.overdue = item.is_overdue_on(today)
    return {
        "access": access,
        "coalition": access.coalition,
        "meeting": meeting,
        # The first ones; the action point list, filtered by the meeting, has them all.
        "items": items,
        "overdue_count": sum(1 for item in items if item.overdue),
        "item_url": reverse("actions:list", args=[access.coalition.slug]),
        "count": queryset.count(),
        "list_url": f"{reverse('actions:list', args=[access.coalition.slug])}"
        f"?status=any&meeting={meeting.pk}",
        "form": form if can_record else None,
        "record_url": (
            reverse("actions:meeting_action_points", args=[access.coalition.slug, meeting.pk])
            if access.can(perms.RECORD_ACTION_POINTS) and not with_form
            else None
        ),
        "next": request.get_full_path(),
    }


def _meeting_or_404(access, pk) -> Meeting:
    """The meeting; a draft only for those who prepare it."""
    meetings = Meeting.objects.filter(coalition=access.coalition)
    if not access.sees_draft_meetings:
        meetings = meetings.exclude(unannounced())
    return get_object_or_404(meetings, pk=pk)


@login_required
def meeting_action_points(request, slug, pk):
    access = perms.require_access(request.user, slug)
    meeting = _meeting_or_404(access, pk)
    return render(
        request,
        "actions/meeting_action_points.html",
        page_context(
            access,
            "action_points",
            meeting=meeting,
            panel=meeting_panel_context(request, access, meeting),
        ),
    )


@login_required
@require_POST
def meeting_quick_entry(request, slug, pk):
    access = perms.require_access(request.user, slug, perms.RECORD_ACTION_POINTS)
    meeting = _meeting_or_404(access, pk)
    # Read before anything is written: a bad target is ignored, it never fails a saved entry.
    target = safe_next(request)
    form = QuickEntryForm(request.POST, coalition=access.coalition, auto_id="qe_%s")
    outcome = None
    if form.is_valid():
        try:
            outcome = run_once(
                form=form,
                user=request.user,
                create=lambda: services.action_point_create(
                    coalition=access.coalition,
                    actor=request.user,
                    meeting=meeting,
                    **form.cleaned_data,
                ),
                url_for=lambda action_point: reverse(
                    "actions:detail", args=[slug, action_point.pk]
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    saved = outcome.created if outcome else None
    if request.htmx:
        if outcome:
            # A fresh form with the cursor in the title, ready for the next action point.
            form = QuickEntryForm(coalition=access.coalition, auto_id="qe_%s")
            form.fields["title"].widget.attrs["autofocus"] = True
        panel = meeting_panel_context(request, access, meeting, form=form)
        panel["next"] = target or ""
        panel["saved"] = saved
        # 200 with the errors in the panel: htmx swaps only successful responses.
        return render(request, "actions/_partials/meeting_panel.html", {"panel": panel})
    if outcome is None:
        return render(
            request,
            "actions/meeting_action_points.html",
            page_context(
                access,
                "action_points",
                meeting=meeting,
                panel=meeting_panel_context(request, access, meeting, form=form),
            ),
            status=422,
        )
    if outcome.repeated:
        messages.info(request, already_done())
    else:
        messages.success(request, _("Recorded: %(title)s") % {"title": saved.title})
    if target:
        return redirect(target)
    return redirect("actions:meeting_action_points", slug=slug, pk=pk)


# Settings, preferences and the reminder log ------------------------------------------------------


@login_required
def reminder_settings(request, slug):
    access = perms.require_access(request.user, slug, perms.MANAGE_COALITION)
    current = ReminderSettings.objects.filter(coalition=access.coalition).first()
    form = ReminderSettingsForm(
        submitted(request), instance=current or ReminderSettings(coalition=access.coalition)
    )
    done = form_response(
        request,
        form,
        save=lambda: services.reminder_settings_update(
            coalition=access.coalition,
            actor=request.user,
            reminders_enabled=form.cleaned_data["reminders_enabled"],
            due_soon_days=form.cleaned_data["due_soon_days"],
        ),
        then=reverse("actions:reminders", args=[slug]),
        notice=_("Reminder settings saved."),
    )
    if done:
        return done
    page = Paginator(selectors.reminder_log(coalition=access.coalition), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "actions/reminder_settings.html",
        page_context(
            access,
            "action_points",
            form=form,
            page=page,
            digests=list(selectors.digest_log(coalition=access.coalition)[:20]),
        ),
    )


@login_required
def preferences(request, slug):
    access = perms.require_access(request.user, slug)
    current = selectors.notification_cadence(user=request.user, coalition=access.coalition)
    form = PreferenceForm(submitted(request), initial={"cadence": current})
    done = form_response(
        request,
        form,
        save=lambda: services.notification_preference_set(
            user=request.user, coalition=access.coalition, cadence=form.cleaned_data["cadence"]
        ),
        then=reverse("actions:preferences", args=[slug]),
        notice=_("Your choice was saved."),
    )
    if done:
        return done
    return render(
        request, "actions/preferences.html", page_context(access, "action_points", form=form)
    )


@csrf_exempt
def unsubscribe(request, token):
    """The signed link in every mail: works signed out; a POST (one click, RFC 8058) applies it."""
    try:
        user_id, coalition_id, _topic = unsubscribe_payload(token)
    except UnsubscribeLinkExpired:
        return render(request, "actions/unsubscribe.html", {"expired": True}, status=400)
    except UnsubscribeLinkError:
        return render(request, "actions/unsubscribe.html", {"invalid": True}, status=400)
    coalition = Coalition.objects.filter(pk=coalition_id).first()
    if coalition is None:
        return render(request, "actions/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.unsubscribe(token=token)
        done = True
    return render(
        request,
        "actions/unsubscribe.html",
        {"coalition": coalition, "done": done, "token": token},
    )

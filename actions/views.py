from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coalitions import permissions as perms
from coalitions.models import Coalition
from coalitions.pagination import page_with_count, paginate
from coalitions.sections import page_context
from coalitions.submissions import already_done, create_once, run_once
from config.csv_cells import BOM, SafeCsvWriter, local_moment, xlsx_response
from config.form_views import add_service_errors, chosen, form_response, safe_next, submitted
from config.per_language import per_language
from config.url_tag import cached_reverse
from meetings.models import AgendaItem, Meeting, unannounced
from meetings.publication import closed_notice

from . import selectors, services
from .forms import (
    ActionPointForm,
    ActionUpdateForm,
    FilterForm,
    PreferenceForm,
    QuickEntryForm,
    ReminderSettingsForm,
    StatusChangeForm,
)
from .models import ActionPoint, ReminderSettings
from .permissions import may_edit, may_update, may_update_holding
from .rows import meeting_panel_rows
from .unsubscribe import UnsubscribeLinkError, UnsubscribeLinkExpired, unsubscribe_payload

PAGE_SIZE = 25
MEETING_PANEL_ITEMS = 50


def _form(request, access) -> tuple[FilterForm, selectors.ActionPointFilters, dict]:
    """The filter form, the filters it gives, and what the list's selectors take."""
    form = FilterForm(
        request.GET or None,
        coalition=access.coalition,
        may_record=access.can(perms.RECORD_ACTION_POINTS),
    )
    filters = form.filters()
    reader = {
        "coalition": access.coalition,
        "perms_held": access.perms,
        "user": request.user,
        "organisation_id": access.organisation_id,
        "filters": filters,
    }
    return form, filters, reader


def _listing(request, access):
    form, filters, reader = _form(request, access)
    return form, filters, selectors.action_point_list(**reader)


def _row_url(name: str, slug: str) -> Callable[[int], str]:
    """The address of each row's page, for any row: reversed once, not once per row."""
    head, tail = cached_reverse(name, args=[slug, 0]).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


@per_language
def _status_options() -> dict[str, str]:
    """The status select's options with each status chosen, in the reader's language: made once
    per language (they depend on nothing else) and shared by the rows of every page."""
    choices = [(escape(value), escape(label)) for value, label in ActionPoint.Status.choices]
    return {
        current: mark_safe(
            "".join(
                f'<option value="{value}"{" selected" if value == current else ""}>{label}</option>'
                for value, label in choices
            )
        )
        for current in ActionPoint.Status.values
    }


def _prepare_rows(items, *, user, holding) -> None:
    """What each row (`selectors.ActionPointRow`) shows beyond its values: its coalition's name,
    its links, overdue badge and, where the reader may post an update, the status change.
    `holding(item)` gives (coalition, permissions, organisation id, today) for the item's
    coalition."""
    options = None
    urls: dict[str, tuple] = {}
    for item in items:
        coalition, perms_held, organisation_id, today = holding(item)
        slug = coalition.slug
        if slug not in urls:
            urls[slug] = (_row_url("actions:detail", slug), _row_url("actions:status", slug))
        detail_url, status_url = urls[slug]
        item.coalition_name = coalition.name
        item.url = detail_url(item.pk)
        item.overdue = item.is_overdue_on(today)
        item.can_update = may_update_holding(perms_held, organisation_id, item, user)
        if item.can_update:
            item.status_url = status_url(item.pk)
            options = options or _status_options()
            item.status_options = options[item.status]


def _without(query: QueryDict, *names: str) -> str:
    query = query.copy()
    for name in (*names, "page"):
        query.pop(name, None)
    return f"?{query.urlencode()}"


def _with(query: QueryDict, **values: str) -> str:
    query = query.copy()
    query.pop("page", None)
    for name, value in values.items():
        query[name] = value
    return f"?{query.urlencode()}"


def _chips(form: FilterForm, filters: selectors.ActionPointFilters, query: QueryDict) -> dict:
    """The filters in force, each with the address that drops it, and a few to add in one click."""
    data = getattr(form, "cleaned_data", {})
    active = []
    if filters.query:
        active.append((_("Search: “%(text)s”") % {"text": filters.query}, _without(query, "q")))
    if filters.status and filters.status != "archived":
        label = dict(form.fields["status"].choices)[filters.status]
        active.append((_("Status: %(status)s") % {"status": label}, _without(query, "status")))
    if filters.owner_organisation:
        name = data["owner_organisation"].name
        active.append(
            (_("Owner: %(name)s") % {"name": name}, _without(query, "owner_organisation"))
        )
    if filters.meeting:
        title = data["meeting"].title
        active.append((_("Meeting: %(title)s") % {"title": title}, _without(query, "meeting")))
    if filters.overdue:
        active.append((_("Overdue only"), _without(query, "overdue")))
    if filters.sort != "due":
        label = dict(form.fields["sort"].choices)[filters.sort]
        active.append((_("Sorted by: %(sort)s") % {"sort": label}, _without(query, "sort")))
    suggested = []
    if not filters.overdue and filters.status in ("", "open", "in_progress", "any"):
        suggested.append((_("Overdue"), _with(query, overdue="on")))
    if not filters.status:
        suggested.append((_("In progress"), _with(query, status="in_progress")))
        suggested.append((_("Any status"), _with(query, status="any")))
    return {"active": active, "suggested": suggested}


def _tabs(filters: selectors.ActionPointFilters, may_record: bool) -> list[tuple]:
    """(label, address, current) of each tab: exactly one is current."""
    current = "archive" if filters.status == "archived" else filters.view
    tabs = [("mine", _("Mine"), "?view=mine")]
    if may_record:
        tabs.append(("recorded", _("Recorded by me"), "?view=recorded"))
    tabs.append(("all", _("All"), "?view=all"))
    tabs.append(("archive", _("Archive"), f"?view={filters.view}&status=archived"))
    return [(label, href, key == current) for key, label, href in tabs]


def _empty_text(filters: selectors.ActionPointFilters, chips: dict) -> str:
    if chips["active"]:
        return _("No action points match these filters. Remove a filter to see more.")
    if filters.status == "archived":
        return _("Nothing archived yet: done and dropped action points appear here.")
    if filters.view == "mine":
        return _("You and your organisation have no open action points here.")
    if filters.view == "recorded":
        return _("You have recorded no open action points here.")
    return _("No open action points in this coalition.")


@login_required
def action_point_list(request, slug):
    access = perms.require_access(request.user, slug)
    form, filters, reader = _form(request, access)
    page = page_with_count(
        request,
        lambda: selectors.action_point_rows(selectors.action_point_list(**reader)),
        per_page=PAGE_SIZE,
        row=selectors.ActionPointRow,
        read=selectors.action_point_page_reader(**reader),
    )
    query = request.GET.copy()
    query.pop("page", None)
    today = selectors.coalition_today(access.coalition)
    held = (access.coalition, access.perms, access.organisation_id, today)
    _prepare_rows(page.object_list, user=request.user, holding=lambda _item: held)
    may_record = access.can(perms.RECORD_ACTION_POINTS)
    chips = _chips(form, filters, query)
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
            tabs=_tabs(filters, may_record),
            chips=chips,
            more_filters_open=bool(form.errors),
            # The filters as rendered depend on the query, the coalition and the reader's
            # permissions only, unless an owner or a meeting is asked for: those are read from
            # the database (a name, or "not among the choices") and rendered afresh.
            filters_shared=not (
                request.GET.get("owner_organisation") or request.GET.get("meeting")
            ),
            empty_text=_empty_text(filters, chips),
            next_url=request.get_full_path(),
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
        _("Agenda item"),
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
            # A restricted item's title only for those who may read it.
            item.agenda_item.title
            if item.agenda_item and access.may_see(item.agenda_item.visibility)
            else "",
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
    memberships = selectors.memberships_of(user=request.user)
    reader = {
        "user": request.user,
        "include_archived": include_archived,
        "memberships": memberships,
    }
    page = page_with_count(
        request,
        lambda: selectors.action_point_rows(selectors.my_action_points_everywhere(**reader)),
        per_page=PAGE_SIZE,
        row=selectors.ActionPointRow,
        read=selectors.everywhere_page_reader(**reader),
    )
    now = timezone.now()
    by_coalition = {membership.coalition_id: membership for membership in memberships}
    held_in: dict[int, tuple] = {}

    def holding(item):
        # The role table as it applies in the item's coalition (read-only once archived); the
        # status change itself checks the stored permissions again.
        if item.coalition_id not in held_in:
            membership = by_coalition[item.coalition_id]
            coalition = Coalition(
                pk=membership.coalition_id,
                name=membership.coalition_name,
                slug=membership.coalition_slug,
                timezone=membership.coalition_timezone,
                archived_at=membership.coalition_archived_at,
            )
            held = perms.in_effect(perms.ROLE_PERMISSIONS[membership.role], coalition)
            today = selectors.coalition_today(coalition, now)
            held_in[item.coalition_id] = (coalition, held, membership.organisation_id, today)
        return held_in[item.coalition_id]

    _prepare_rows(page.object_list, user=request.user, holding=holding)
    return render(
        request,
        "actions/my_action_points.html",
        {
            "page": page,
            "include_archived": include_archived,
            "query_string": "archived=1" if include_archived else "",
            "across": True,
            "next_url": request.get_full_path(),
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
@require_POST
def action_point_status(request, slug, pk):
    """Change the status from a list row: the row again with htmx, else back to the list."""
    access = perms.require_access(request.user, slug)
    action_point = _action_point_or_404(access, pk)
    if not may_update(access, action_point, request.user):
        raise PermissionDenied
    target = safe_next(request)
    form = StatusChangeForm(request.POST)
    changed = False
    if form.is_valid():
        try:
            changed = (
                services.action_point_status_set(
                    action_point=action_point,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                )
                is not None
            )
        except ValidationError as exc:
            add_service_errors(form, exc, errors_on="status")
    if request.htmx:
        item = selectors.ActionPointRow(
            *selectors.action_point_rows(ActionPoint.objects.filter(pk=action_point.pk)).get()
        )
        today = selectors.coalition_today(access.coalition)
        held = (access.coalition, access.perms, access.organisation_id, today)
        _prepare_rows([item], user=request.user, holding=lambda _item: held)
        item.saved = not form.errors
        item.errors = form.errors.get("status", [])
        # 200 with the error in the row: htmx swaps only successful responses.
        return render(
            request,
            "actions/_partials/list_rows.html",
            {"rows": [item], "across": request.POST.get("across") == "1", "next_url": target},
        )
    if form.errors:
        return render(
            request,
            "actions/actionpoint_status_form.html",
            page_context(
                access,
                "action_points",
                action_point=action_point,
                form=form,
                next_url=target or "",
            ),
            status=400,
        )
    status_label = ActionPoint.Status(form.cleaned_data["status"]).label
    if changed:
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.")
            % {"title": action_point.title, "status": status_label},
        )
    else:
        messages.info(
            request,
            _("“%(title)s” was already %(status)s.")
            % {"title": action_point.title, "status": status_label},
        )
    return redirect(target or reverse("actions:list", args=[slug]))


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
    # Once the summary is published, nothing new is recorded against the meeting: said instead.
    closed = closed_notice(meeting)
    may_record = access.can(perms.RECORD_ACTION_POINTS) and not closed
    can_record = may_record and with_form
    queryset = selectors.action_point_list_for_meeting(meeting=meeting, perms_held=access.perms)
    if can_record and form is None:
        form = QuickEntryForm(coalition=access.coalition, auto_id="qe_%s")
    # The first ones, each carrying the length of the whole list (one query for both).
    items = list(queryset.annotate(list_length=Window(Count("pk")))[:MEETING_PANEL_ITEMS])
    today = selectors.coalition_today(access.coalition)
    for item in items:
        item.overdue = item.is_overdue_on(today)
    groups = selectors.by_agenda_item(items)
    # By agenda item, in agenda order, the others last; one group without an item needs no
    # heading.
    grouped = any(group.item for group in groups)
    item_url = reverse("actions:list", args=[access.coalition.slug])
    return {
        "access": access,
        "coalition": access.coalition,
        "meeting": meeting,
        # The first ones; the action point list, filtered by the meeting, has them all.
        "items": items,
        "groups": groups,
        "grouped": grouped,
        "rows": meeting_panel_rows(groups, grouped=grouped, item_url=item_url),
        "overdue_count": sum(1 for item in items if item.overdue),
        "item_url": item_url,
        "count": items[0].list_length if items else 0,
        "list_url": f"{item_url}?status=any&meeting={meeting.pk}",
        "form": form if can_record else None,
        "record_url": (
            reverse("actions:meeting_action_points", args=[access.coalition.slug, meeting.pk])
            if may_record and not with_form
            else None
        ),
        "closed": closed if access.can(perms.RECORD_ACTION_POINTS) else "",
        "next": request.get_full_path(),
    }


def _meeting_or_404(access, pk) -> Meeting:
    """The meeting; a draft only for those who prepare it."""
    meetings = Meeting.objects.filter(coalition=access.coalition).select_related(
        "coalition", "summary"
    )
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


# Under each agenda item of the meeting screen ------------------------------------------------------

# The meeting screen lists the action points of its items up to this many; the meeting's action
# point list has them all.
HOLD_ITEM_POINTS = 400


def _item_entry_form(access, item, data=None) -> QuickEntryForm:
    return QuickEntryForm(data, coalition=access.coalition, auto_id=f"qe{item.pk}_%s")


def hold_item_contexts(request, access, meeting, items) -> dict[int, dict]:
    """{item pk: context} for "actions/_partials/hold_item.html" under each agenda item of the
    meeting screen: the action points recorded under it and, for those who record them while
    the summary is unpublished, the way to add one (its form is fetched when asked for, so the
    screen stays small with a long agenda). One query, whatever the items."""
    points = selectors.action_point_list_for_meeting(
        meeting=meeting, perms_held=access.perms
    ).filter(agenda_item__in=[item.pk for item in items])[:HOLD_ITEM_POINTS]
    by_item: dict[int, list] = {item.pk: [] for item in items}
    for point in points:
        by_item[point.agenda_item_id].append(point)
    records = access.can(perms.RECORD_ACTION_POINTS)
    closed = closed_notice(meeting) if records else ""
    add_url = _item_url("actions:item_quick_entry", access.coalition.slug, meeting.pk)
    detail_url = reverse("actions:list", args=[access.coalition.slug])
    return {
        item.pk: {
            "item": item,
            "points": by_item[item.pk],
            "detail_url": detail_url,
            "may_record": records and not closed,
            "closed": closed,
            "action": add_url(item.pk),
        }
        for item in items
    }


def _item_url(name: str, slug: str, meeting_pk: int) -> Callable[[int], str]:
    """The address for each agenda item of one meeting, reversed once."""
    head, tail = reverse(name, args=[slug, meeting_pk, 0]).rsplit("/0/", 1)
    return lambda pk: f"{head}/{pk}/{tail}"


def _agenda_item_or_404(access, item_pk) -> AgendaItem:
    """An item of any meeting of the coalition the person may see: the service refuses one of
    another meeting, and says so on the form."""
    item = get_object_or_404(
        AgendaItem.objects.select_related("meeting"),
        pk=item_pk,
        meeting__coalition=access.coalition,
    )
    if not access.may_see(item.visibility):
        raise Http404
    return item


def _back_to_item(access, meeting, item) -> str:
    """Where a plain form goes once saved: the item on the meeting screen, for those who open it."""
    slug = access.coalition.slug
    if access.can(perms.EDIT_MINUTES):
        return f"{reverse('meetings:hold', args=[slug, meeting.pk])}#item-{item.pk}"
    return reverse("actions:meeting_action_points", args=[slug, meeting.pk])


@login_required
def item_quick_entry(request, slug, pk, item_pk):
    """The quick entry form for one agenda item, and its POST. On the meeting screen (htmx) the
    item's part of the screen with the form, again after each save for the next one; without
    script a page of its own, that goes back to the item once saved."""
    access = perms.require_access(request.user, slug, perms.RECORD_ACTION_POINTS)
    meeting = _meeting_or_404(access, pk)
    item = _agenda_item_or_404(access, item_pk)
    # Read before anything is written: a bad target is ignored, it never fails a saved entry.
    target = safe_next(request) or _back_to_item(access, meeting, item)
    form = _item_entry_form(access, item, submitted(request))
    outcome = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome = run_once(
                form=form,
                user=request.user,
                create=lambda: services.action_point_create(
                    coalition=access.coalition,
                    actor=request.user,
                    meeting=meeting,
                    agenda_item=item,
                    **form.cleaned_data,
                ),
                url_for=lambda action_point: reverse(
                    "actions:detail", args=[slug, action_point.pk]
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
    if outcome is not None and not request.htmx:
        if outcome.repeated:
            messages.info(request, already_done())
        else:
            messages.success(request, _("Recorded: %(title)s") % {"title": outcome.created.title})
        return redirect(target)
    if outcome is not None or request.method != "POST":
        # A fresh form with the cursor in the title, ready for the (next) action point.
        form = _item_entry_form(access, item)
        form.fields["title"].widget.attrs["autofocus"] = True
    panel = hold_item_contexts(request, access, meeting, [item])[item.pk]
    panel.update(
        form=form if panel["may_record"] else None,
        saved=outcome.created if outcome else None,
        next=target,
        # Asked for on its own: a closed meeting says why here (the screen says it once).
        asked=True,
    )
    template = (
        "actions/_partials/hold_item.html"
        if request.htmx
        else "actions/agenda_item_action_points.html"
    )
    refused = request.method == "POST" and outcome is None
    response = render(
        request,
        template,
        page_context(access, "action_points", meeting=meeting, item=item, panel=panel),
        status=422 if refused else 200,
    )
    if request.htmx and outcome is not None:
        # The meeting's own panel on the screen counts the new one too (htmx out-of-band swap).
        meeting_panel = meeting_panel_context(request, access, meeting)
        meeting_panel["out_of_band"] = True
        response.content += render_to_string(
            "actions/_partials/meeting_panel.html", {"panel": meeting_panel}, request=request
        ).encode()
    return response


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

"""Panels and parts this app adds to pages, documents and mails it does not own (see
coalitions.sections)."""

from coalitions.models import Visibility

from .selectors import (
    action_point_list_for_meeting,
    by_agenda_item,
    my_action_points_today,
    my_open_summary,
    open_action_points_of,
)


def home_panel(request, access) -> dict:
    return {
        "access": access,
        "coalition": access.coalition,
        **my_open_summary(access=access, user=request.user),
    }


def meeting_panel(request, access, meeting, quick_entry: bool = True) -> dict:
    """`quick_entry`: the form to record one; the meeting page leaves it to the meeting screen,
    where action points are recorded, and links there instead."""
    from .views import meeting_panel_context

    context = meeting_panel_context(request, access, meeting, with_form=quick_entry)
    return context


def hold_item_panels(request, access, meeting, items) -> dict[int, dict]:
    """Under each agenda item of the meeting screen: its action points and the form to add one."""
    from .views import hold_item_contexts

    return hold_item_contexts(request, access, meeting, items)


def today_panel(request, accesses) -> dict | None:
    if not accesses:
        return None
    return my_action_points_today(user=request.user)


def meeting_summary_part(*, meeting, reader_perms: frozenset[str]) -> dict:
    """The meeting's action points in its summary PDF, those the copy's readers may see."""
    points = list(action_point_list_for_meeting(meeting=meeting, perms_held=reader_perms))
    groups = by_agenda_item(points)
    return {
        # In agenda order, each with the item it came from (`shown_item`), as the mail lists them.
        "action_points": points,
        "groups": groups,
        "grouped": any(group.item for group in groups),
        "holds_restricted": any(point.visibility == Visibility.RESTRICTED for point in points),
    }


def meeting_invitation_part(*, meeting, recipient, reader_perms: frozenset[str]) -> dict | None:
    """The invitee's own open action points, so each arrives knowing what they owe."""
    points = open_action_points_of(
        coalition=meeting.coalition, user=recipient, perms_held=reader_perms
    )
    return {"action_points": points} if points else None

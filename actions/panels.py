"""Panels this app shows on pages it does not own (see coalitions.sections)."""

from django.utils import timezone

from .selectors import my_action_points_today, my_open_summary


def home_panel(request, access) -> dict:
    return {
        "access": access,
        "coalition": access.coalition,
        **my_open_summary(access=access, user=request.user),
    }


def meeting_panel(request, access, meeting) -> dict:
    from .views import meeting_panel_context

    return meeting_panel_context(request, access, meeting)


def today_panel(request, accesses) -> dict | None:
    if not accesses:
        return None
    return {
        "today": timezone.localdate(),
        **my_action_points_today(user=request.user, today=timezone.localdate()),
    }

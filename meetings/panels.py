from .selectors import TODAY_AGENDA_ITEMS, next_meeting, next_meetings_everywhere


def next_meeting_panel(request, access) -> dict:
    """The coalition home's "Next meeting" panel: one query."""
    return {"meeting": next_meeting(coalition=access.coalition), "coalition": access.coalition}


def today_panel(request, accesses) -> dict | None:
    """Today's "My next meetings": 2 queries over every coalition."""
    if not accesses:
        return None
    return {
        "meetings": next_meetings_everywhere(accesses=accesses),
        "agenda_shown": TODAY_AGENDA_ITEMS,
    }

from .selectors import next_meeting


def next_meeting_panel(request, access) -> dict:
    """The coalition home's "Next meeting" panel: one query."""
    return {"meeting": next_meeting(coalition=access.coalition), "coalition": access.coalition}

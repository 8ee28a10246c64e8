from coalitions import permissions as perms

from .cadence import proposal_after_last
from .selectors import (
    TODAY_AGENDA_ITEMS,
    next_meeting,
    next_meeting_and_last_held,
    next_meetings_everywhere,
)


def next_meeting_panel(request, access) -> dict:
    """The coalition home's "Next meeting" panel: the soonest meeting of any kind (a draft only
    for those who prepare it), and for the conveners the next coalition meeting the cadence calls
    for once the last one was held. One query."""
    coalition, drafts = access.coalition, access.sees_draft_meetings
    if not access.can(perms.MANAGE_MEETINGS):
        return {"meeting": next_meeting(coalition=coalition, drafts=drafts), "coalition": coalition}
    meeting, last = next_meeting_and_last_held(coalition=coalition, drafts=drafts)
    return {
        "meeting": meeting,
        "coalition": coalition,
        "proposal": proposal_after_last(last, coalition=coalition),
    }


def today_panel(request, accesses) -> dict | None:
    """Today's "My next meetings": 2 queries over every coalition."""
    if not accesses:
        return None
    return {
        "meetings": next_meetings_everywhere(user=request.user, accesses=accesses),
        "agenda_shown": TODAY_AGENDA_ITEMS,
    }

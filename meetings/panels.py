from coalitions import permissions as perms

from .cadence import next_meeting_proposal
from .selectors import TODAY_AGENDA_ITEMS, next_meeting, next_meetings_everywhere


def next_meeting_panel(request, access) -> dict:
    """The coalition home's "Next meeting" panel: the soonest meeting of any kind (a draft only
    for those who prepare it), and for the conveners the next coalition meeting the cadence calls
    for once the last one was held. One query, two for the conveners."""
    context = {
        "meeting": next_meeting(coalition=access.coalition, drafts=access.sees_draft_meetings),
        "coalition": access.coalition,
    }
    if access.can(perms.MANAGE_MEETINGS):
        context["proposal"] = next_meeting_proposal(coalition=access.coalition)
    return context


def today_panel(request, accesses) -> dict | None:
    """Today's "My next meetings": 2 queries over every coalition."""
    if not accesses:
        return None
    return {
        "meetings": next_meetings_everywhere(user=request.user, accesses=accesses),
        "agenda_shown": TODAY_AGENDA_ITEMS,
    }

"""Panels this app shows on pages it does not own (see coalitions.sections)."""

from coalitions import permissions as perms

from .selectors import concerns_waiting_everywhere


def today_panel(request, accesses) -> dict | None:
    """Concerns waiting for the facilitator, for those who read them (1 query)."""
    coalition_ids = perms.coalition_ids_with(accesses, perms.READ_CONCERNS)
    if not coalition_ids:
        return None
    concerns = concerns_waiting_everywhere(coalition_ids=coalition_ids)
    return {"concerns": concerns, "total": concerns[0].total if concerns else 0}

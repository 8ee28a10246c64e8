"""What this app adds to pages and documents it does not own (see coalitions.sections): the
compact panel on the coalition's home page (1 query: the statuses are cached, see status_cache) and the obligations' status with
charts in a meeting's summary PDF."""

from django.utils import timezone

from coalitions import permissions as perms

from .selectors import (
    figures_to_validate,
    obligation_statuses_everywhere,
    transparency_reports_for,
)
from .status_cache import obligation_statuses


def home_panel_context(request, access) -> dict | None:
    statuses = obligation_statuses(coalition=access.coalition)
    return {"coalition": access.coalition, "statuses": statuses, "today": timezone.localdate()}


def today_figures_panel(request, accesses) -> dict | None:
    """Figures waiting for the person's validation, where the role table lets them validate."""
    coalition_ids = perms.coalition_ids_with(accesses, perms.VALIDATE_PROGRESS)
    if not coalition_ids:
        return None
    entries = figures_to_validate(coalition_ids=coalition_ids)
    return {"entries": entries, "total": entries[0].total if entries else 0}


def today_obligations_panel(request, accesses) -> dict | None:
    """Each coalition's obligations at a glance: on track, at risk, will miss."""
    if not accesses:
        return None
    today = timezone.localdate()
    found = obligation_statuses_everywhere(
        coalition_ids=[access.coalition.pk for access in accesses], today=today
    )
    rows = []
    for access in accesses:
        statuses = found.get(access.coalition.pk, [])
        reports = transparency_reports_for([s.obligation for s in statuses], today)
        rows.append((access.coalition, statuses, reports, access.can(perms.VIEW_RESTRICTED)))
    return {"rows": rows, "today": today}


def meeting_summary_part(*, meeting, reader_perms: frozenset[str]) -> dict | None:
    """Each obligation with its forecast and chart (inline SVG, which WeasyPrint draws), from the
    status cache as the home page reads them: computed once per version of the figures and
    language, not once per copy. Every member reads them, so the copy's perms change nothing."""
    statuses = obligation_statuses(coalition=meeting.coalition)
    return {"statuses": statuses} if statuses else None
